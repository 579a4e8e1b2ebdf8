from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.core.emotion import EmotionSmoother, ValenceRule
from kiosk.core.quality import head_pose, recognition_weight, sharpness
from kiosk.core.types import ClassScores, FaceMesh, Quality, readonly

LABELS = ("happy", "neutral", "sad")
RULE = ValenceRule({"happy": 1.0, "neutral": 0.0, "sad": -1.0}, threshold=0.25)


def scores(*probs: float) -> ClassScores:
    return ClassScores(LABELS, probs)


def test_valence_from_weighted_probabilities() -> None:
    assert RULE.classify(scores(0.8, 0.2, 0.0)) == "positive"
    assert RULE.classify(scores(0.3, 0.4, 0.3)) == "neutral"
    assert RULE.classify(scores(0.0, 0.3, 0.7)) == "negative"
    assert RULE.score(scores(0.5, 0.0, 0.5)) == pytest.approx(0.0)


def test_smoother_halves_old_readings_after_one_half_life() -> None:
    smoother = EmotionSmoother(half_life_ms=1000)
    assert smoother.current is None
    smoother.update(scores(1.0, 0.0, 0.0), 0)
    out = smoother.update(scores(0.0, 0.0, 1.0), 1000)
    assert out.probs == pytest.approx((0.5, 0.0, 0.5))
    out = smoother.update(scores(0.0, 0.0, 1.0), 1000)  # no time passed: new reading ignored
    assert out.probs == pytest.approx((0.5, 0.0, 0.5))


def test_sharpness_is_zero_for_flat_and_high_for_edges() -> None:
    flat = np.full((20, 20), 128, np.uint8)
    checker = (np.indices((20, 20)).sum(axis=0) % 2 * 255).astype(np.uint8)
    assert sharpness(flat) == 0.0
    assert sharpness(checker) > 1000.0
    assert sharpness(np.zeros((2, 2), np.uint8)) == 0.0


def _mesh_with(
    eye_r: tuple[float, float, float],
    eye_l: tuple[float, float, float],
    forehead: tuple[float, float, float],
    chin: tuple[float, float, float],
) -> FaceMesh:
    pts = np.zeros((468, 3), np.float32)
    pts[[33, 133]] = eye_r
    pts[[362, 263]] = eye_l
    pts[10], pts[152] = forehead, chin
    return FaceMesh(readonly(pts), 1.0)


def test_head_pose_frontal_turned_and_tilted() -> None:
    frontal = _mesh_with((0, 0, 0), (60, 0, 0), (30, -40, 0), (30, 80, 0))
    assert head_pose(frontal) == pytest.approx((0.0, 0.0, 0.0), abs=1e-6)
    yawed = _mesh_with((0, 0, 0), (60, 0, 60), (30, -40, 0), (30, 80, 0))
    assert head_pose(yawed)[0] == pytest.approx(45.0)
    rolled = _mesh_with((0, 0, 0), (60, 60, 0), (30, -40, 0), (30, 80, 0))
    assert head_pose(rolled)[2] == pytest.approx(45.0)
    pitched = _mesh_with((0, 0, 0), (60, 0, 0), (30, 0, 0), (30, 100, -100))
    assert head_pose(pitched)[1] == pytest.approx(45.0)


def test_recognition_weight_prefers_large_sharp_frontal_faces() -> None:
    good = Quality(size_px=160, sharpness=400, yaw_deg=0, pitch_deg=0, roll_deg=0)
    small = Quality(size_px=20, sharpness=400, yaw_deg=0, pitch_deg=0, roll_deg=0)
    turned = Quality(size_px=160, sharpness=400, yaw_deg=60, pitch_deg=0, roll_deg=0)
    assert recognition_weight(good) == pytest.approx(1.0)
    assert recognition_weight(small) == pytest.approx(0.25)
    assert recognition_weight(turned) == pytest.approx(math.cos(math.radians(60)))
