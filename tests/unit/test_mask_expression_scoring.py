"""Pure rules of issue 14: mask fusion, the six expressions, strict and per-source scoring."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from kiosk.core.blendshape_input import SUBSET, blendshape_input, with_irises
from kiosk.core.expression import CONFUSED, ExpressionRule, mean_of
from kiosk.core.mask import MaskCues, MaskFusion
from kiosk.core.scoring import NO_FACE, ImageRow, rows_csv, score_by_source, worst_errors
from kiosk.core.types import ClassScores

MASK_LABELS = ("with_mask", "without_mask")
FER = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
DISPLAY = {"happy": "happy", "surprise": "surprised", "neutral": "neutral", "sad": "sad",
           "angry": "angry", "disgust": "angry", "fear": "surprised"}  # fmt: skip


def _mask(p: float) -> ClassScores:
    return ClassScores(MASK_LABELS, (p, 1.0 - p))


def test_default_fusion_passes_the_classifier_through() -> None:
    fused = MaskFusion().fuse(_mask(0.3), MaskCues(5.0, 0.8))
    assert fused.prob("with_mask") == pytest.approx(0.3, abs=1e-6)
    assert sum(fused.probs) == pytest.approx(1.0)


def test_without_cues_the_classifier_decides_alone() -> None:
    fusion = MaskFusion(classifier=1.06, colour=0.54, skin=-4.79, bias=3.13)
    assert fusion.with_mask_prob(0.3, None) == pytest.approx(0.3, abs=1e-6)
    assert fusion.fuse(_mask(0.7), None).top == "with_mask"


def test_colour_contrast_and_missing_skin_raise_the_mask_probability() -> None:
    fusion = MaskFusion(classifier=1.06, colour=0.54, skin=-4.79, bias=3.13)
    bare = fusion.with_mask_prob(0.05, MaskCues(5.0, 0.8))
    assert bare < 0.5
    assert fusion.with_mask_prob(0.05, MaskCues(40.0, 0.8)) > bare
    assert fusion.with_mask_prob(0.05, MaskCues(5.0, 0.0)) > bare
    # A patterned mask the classifier misses: lower face far from the forehead, no skin.
    assert fusion.with_mask_prob(0.05, MaskCues(30.0, 0.0)) > 0.5


@pytest.mark.parametrize("p", [0.0, 1.0, float("1e-30")])
def test_fusion_stays_finite_at_the_extremes(p: float) -> None:
    value = MaskFusion(classifier=50.0, skin=-50.0, bias=50.0).with_mask_prob(p, MaskCues(0, p))
    assert math.isfinite(value) and 0.0 <= value <= 1.0


@pytest.mark.parametrize(
    ("contrast", "skin"), [(-1.0, 0.5), (float("nan"), 0.5), (float("inf"), 0.5), (5.0, 1.5)]
)
def test_cues_out_of_range_are_refused(contrast: float, skin: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        MaskCues(contrast, skin)


def test_fusion_weights_come_from_the_manifest_thresholds() -> None:
    fusion = MaskFusion.from_thresholds({"fusion_classifier": 2.0, "fusion_bias": -1.0})
    assert (fusion.classifier, fusion.colour, fusion.skin, fusion.bias) == (2.0, 0.0, 0.0, -1.0)


def _emotion(top: str) -> ClassScores:
    return ClassScores(FER, tuple(0.9 if label == top else 0.1 / 6 for label in FER))


def _shapes(**values: float) -> ClassScores:
    names = ("browDownLeft", "browDownRight", "mouthSmileLeft", "mouthSmileRight", "jawOpen")
    return ClassScores(names, tuple(values.get(n, 0.0) for n in names))


def test_a_frown_without_smile_or_anger_reads_confused() -> None:
    rule = ExpressionRule(DISPLAY)
    frown = _shapes(browDownLeft=0.8, browDownRight=0.7)
    assert rule.read(_emotion("neutral"), frown) == CONFUSED
    assert rule.read(_emotion("sad"), frown) == CONFUSED


@pytest.mark.parametrize(
    ("top", "shapes"),
    [
        ("angry", {"browDownLeft": 0.8, "browDownRight": 0.8}),  # anger stays anger
        (
            "neutral",
            {
                "browDownLeft": 0.8,
                "browDownRight": 0.8,
                "mouthSmileLeft": 0.5,
                "mouthSmileRight": 0.5,
            },
        ),
        ("neutral", {"browDownLeft": 0.8, "browDownRight": 0.8, "jawOpen": 0.6}),
        ("neutral", {"browDownLeft": 0.5, "browDownRight": 0.5}),  # not confident enough
    ],
)
def test_confused_is_shown_only_when_the_rule_holds(top: str, shapes: dict[str, float]) -> None:
    assert ExpressionRule(DISPLAY).read(_emotion(top), _shapes(**shapes)) != CONFUSED


def test_the_seven_labels_map_to_the_five_other_readings() -> None:
    rule = ExpressionRule(DISPLAY)
    shown = {rule.read(_emotion(label), None) for label in FER}
    assert shown == {"happy", "angry", "sad", "neutral", "surprised"}
    assert rule.read(None, None) is None


def test_paired_blendshapes_are_averaged() -> None:
    assert mean_of(_shapes(browDownLeft=0.2, browDownRight=0.6), "browDown") == pytest.approx(0.4)
    assert mean_of(_shapes(jawOpen=0.3), "jawOpen") == pytest.approx(0.3)


def test_blendshape_input_takes_mediapipes_subset_with_irises_inside_the_eyes() -> None:
    rng = np.random.default_rng(0)
    mesh = rng.uniform(0, 200, (468, 3)).astype(np.float32)
    full = with_irises(mesh)
    assert full.shape == (478, 2)
    np.testing.assert_array_equal(full[:468], mesh[:, :2])
    x = blendshape_input(mesh)
    assert x.shape == (1, len(SUBSET), 2) and x.dtype == np.float32
    with pytest.raises(ValueError, match="468"):
        with_irises(mesh[:400])


def _row(label: str, prediction: str, source: str, confidence: float = 0.9) -> ImageRow:
    return ImageRow(f"{label}/{prediction}.jpg", label, prediction, confidence, (), source)


def test_strict_scores_count_a_missing_face_as_wrong() -> None:
    rows = [
        _row("with_mask", "with_mask", "a"),
        _row("with_mask", NO_FACE, "a", 0.0),
        _row("without_mask", "without_mask", "b"),
        _row("without_mask", "with_mask", "b"),
    ]
    overall, a, b = score_by_source(rows)
    assert (overall.group, a.group, b.group) == ("all", "a", "b")
    assert overall.accuracy == pytest.approx(2 / 3)
    assert overall.strict_accuracy == pytest.approx(2 / 4)
    assert dict((label, (f, s)) for label, f, s in a.recall)["with_mask"] == (1.0, 0.5)
    assert overall.happy_vs_rest is None


def test_happy_vs_rest_and_confused_rates_for_emotion() -> None:
    rows = [_row("happy", "happy", "s"), _row("sad", "happy", "s"), _row("sad", "sad", "s")]
    rows.append(ImageRow("sad/x.jpg", "sad", "sad", 0.8, (), "s", CONFUSED))
    score = score_by_source(rows)[0]
    assert score.happy_vs_rest is not None
    found_only, strict = score.happy_vs_rest
    assert found_only == pytest.approx((1 + 2 / 3) / 2) and strict == found_only
    assert dict(score.confused_rate)["sad"] == pytest.approx(1 / 3)


def test_per_image_csv_and_worst_errors() -> None:
    rows = [
        ImageRow("a.jpg", "happy", "sad", 0.95, (("happy", 0.05), ("sad", 0.95)), "s"),
        ImageRow("b.jpg", "happy", NO_FACE, 0.0, (), "s"),
        ImageRow("c.jpg", "sad", "sad", 0.7, (("happy", 0.3), ("sad", 0.7)), "s"),
    ]
    table = list(csv.DictReader(io.StringIO(rows_csv(rows, ("happy", "sad")))))
    assert [r["face_found"] for r in table] == ["1", "0", "1"]
    assert table[0]["sad"] == "0.9500" and table[1]["sad"] == ""
    assert [r.file for r in worst_errors(rows, 5)] == ["a.jpg", "b.jpg"]
