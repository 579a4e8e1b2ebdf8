from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.enrol_rules import (
    GateSettings,
    check_change,
    check_face,
    check_pose,
    pose_plan,
    smallest_change,
)
from kiosk.core.types import Quality

GATES = GateSettings()
GOOD = Quality(size_px=120, sharpness=100, yaw_deg=5, pitch_deg=-3, roll_deg=2)


def q(**changes: float) -> Quality:
    values = {
        "size_px": GOOD.size_px,
        "sharpness": GOOD.sharpness,
        "yaw_deg": GOOD.yaw_deg,
        "pitch_deg": GOOD.pitch_deg,
        "roll_deg": GOOD.roll_deg,
    }
    return Quality(**(values | changes))


@pytest.mark.parametrize(
    ("faces", "quality", "reason", "message"),
    [
        (1, GOOD, "ok", "got it, keep still"),
        (0, None, "no_face", "look at the camera"),
        (2, GOOD, "many_faces", "only one person please"),
        (1, None, "no_landmarks", "look at the camera"),
        (1, q(size_px=60), "too_small", "move closer"),
        (1, q(yaw_deg=-40), "turned", "look at the camera"),
        (1, q(pitch_deg=30), "turned", "look at the camera"),
        (1, q(roll_deg=25), "turned", "look at the camera"),
        (1, q(sharpness=10), "blurry", "hold still"),
        (3, q(size_px=10), "many_faces", "only one person please"),  # first failing gate wins
        (1, q(size_px=10, sharpness=1), "too_small", "move closer"),
    ],
)
def test_face_gates(faces: int, quality: Quality | None, reason: str, message: str) -> None:
    result = check_face(faces, quality, GATES)
    assert (result.ok, result.reason, result.message) == (reason == "ok", reason, message)


def test_the_same_frame_twice_is_refused() -> None:
    rng = np.random.default_rng(0)
    first = rng.normal(0, 0.1, 128).astype(np.float32)
    previous = first[None]
    assert smallest_change(first, np.zeros((0, 128))) == float("inf")
    assert check_change(first, np.zeros((0, 128)), GATES).ok
    assert check_change(first, previous, GATES).reason == "repeat"
    assert check_change(first + 0.001, previous, GATES).reason == "repeat"
    moved = first + 0.01  # distance 0.01 * sqrt(128) ~= 0.11
    assert check_change(moved, previous, GATES).ok
    assert smallest_change(moved, np.stack([moved, first])) == pytest.approx(0.0)


def test_the_pose_plan_faces_then_turns_each_way() -> None:
    plan = pose_plan(20, max_yaw_deg=25.0)
    assert [s.key for s in plan] == ["straight", "side", "other_side"]
    assert [s.captures for s in plan] == [8, 6, 6] and sum(s.captures for s in plan) == 20
    assert sum(s.captures for s in pose_plan(3, 25.0)) == 3
    assert [s.key for s in pose_plan(1, 25.0)] == ["straight"]


def test_a_turn_must_be_in_the_band_and_the_second_the_other_way() -> None:
    straight, side, other = pose_plan(20, 25.0)
    assert check_pose(straight, 3.0, 0.0).ok and not check_pose(straight, 15.0, 0.0).ok
    assert check_pose(side, -14.0, 0.0).ok and check_pose(side, 14.0, 0.0).ok
    assert not check_pose(side, 4.0, 0.0).ok and not check_pose(side, 40.0, 0.0).ok
    assert check_pose(other, 15.0, -1.0).ok  # the first turn was negative
    refused = check_pose(other, -15.0, -1.0)
    assert not refused.ok and refused.message == "now a little to the other side"
