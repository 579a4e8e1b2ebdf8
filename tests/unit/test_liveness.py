"""LivenessTracker on synthetic landmark sequences: photos stay out, blinks and head turns pass."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt
import pytest

from kiosk.core.liveness import (
    LivenessResult,
    LivenessSettings,
    LivenessState,
    LivenessTracker,
    eye_aspect_ratios,
)
from kiosk.core.types import FaceMesh, readonly

F64 = npt.NDArray[np.float64]
FPS = 15.0
STEP_MS = 1000.0 / FPS
# (index, x, y) of the EAR points on a face centred at 0 with an inter-ocular distance of 60.
EYES = {
    33: (-45.0, -20.0),
    160: (-37.0, -25.0),
    158: (-23.0, -25.0),
    133: (-15.0, -20.0),
    153: (-23.0, -15.0),
    144: (-37.0, -15.0),
    362: (15.0, -20.0),
    385: (23.0, -25.0),
    387: (37.0, -25.0),
    263: (45.0, -20.0),
    373: (37.0, -15.0),
    380: (23.0, -15.0),
}
UPPER_LIDS = (160, 158, 385, 387)


def base_face(seed: int = 0) -> F64:
    """(468, 3) face-like points: a curved surface with bumps, the eye points placed exactly."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-60.0, 60.0, (468, 2))
    z = 0.012 * (xy**2).sum(axis=1) + rng.uniform(-12.0, 12.0, 468)
    points = np.column_stack([xy, z])
    for index, (x, y) in EYES.items():
        points[index] = (x, y, 0.0)
    return points


def to_mesh(points_xyz: F64) -> FaceMesh:
    return FaceMesh(readonly(points_xyz), presence=1.0)


def place(points_xyz: F64, angle_deg: float, scale: float, shift: tuple[float, float]) -> F64:
    """An in-plane similarity into frame pixels (z scaled along)."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    out = points_xyz * scale
    out[:, :2] = out[:, :2] @ rot.T + np.array([320.0, 240.0]) + np.array(shift)
    return out


def yaw(points_xyz: F64, degrees: float) -> F64:
    a = math.radians(degrees)
    x, z = points_xyz[:, 0], points_xyz[:, 2]
    out = points_xyz.copy()
    out[:, 0], out[:, 2] = x * math.cos(a) + z * math.sin(a), -x * math.sin(a) + z * math.cos(a)
    return out


def feed(
    tracker: LivenessTracker, meshes: Iterable[FaceMesh | None], start_ms: float = 0.0
) -> list[LivenessResult]:
    return [tracker.update(start_ms + i * STEP_MS, m) for i, m in enumerate(meshes)]


def sequence(n: int, frame: Callable[[int], F64], noise_px: float = 0.3) -> list[FaceMesh]:
    rng = np.random.default_rng(1)
    return [to_mesh(frame(i) + rng.normal(0.0, noise_px, (468, 3))) for i in range(n)]


def affine_photo(i: int) -> F64:
    """A flat print waved about: shifted, scaled, rotated and sheared, never deformed."""
    t = i / FPS
    flat = base_face().copy()
    flat[:, 2] = 0.0
    shear = np.array([[1.0, 0.06 * math.sin(2.1 * t)], [0.04 * math.sin(1.3 * t), 1.0]])
    flat[:, :2] = flat[:, :2] @ shear.T
    return place(flat, 3.0 * math.sin(1.7 * t), 1.0 + 0.05 * math.sin(t), (15.0 * t, 8.0))


def blinking(i: int) -> F64:
    """A still face blinking (eyes mostly shut for 2 frames) at 0.5 s and 2.0 s."""
    points = place(base_face(), 0.0, 1.0, (0.0, 0.0))
    if i in (8, 9, 30, 31):
        points[list(UPPER_LIDS), 1] += 4.0  # upper lids 4 of 5 px down: EAR 0.33 -> 0.07
    return points


def turning(i: int) -> F64:
    """A head turning 25 degrees to one side and back over 2 s."""
    return place(yaw(base_face(), 25.0 * math.sin(math.pi * i / 30.0)), 0.0, 1.0, (0.0, 0.0))


def still(i: int) -> F64:
    return place(base_face(), 0.0, 1.0, (0.0, 0.0))


def test_the_eye_points_give_the_textbook_ratio() -> None:
    right, left = eye_aspect_ratios(place(base_face(), 30.0, 2.0, (5.0, 5.0)))
    assert right == pytest.approx(1 / 3) and left == pytest.approx(1 / 3)


def test_an_affine_moved_photo_never_passes() -> None:
    results = feed(LivenessTracker(), sequence(45, affine_photo))
    assert not any(r.live for r in results)
    assert results[-1].frames_seen == 45
    assert results[-1].max_residual < LivenessSettings().residual_to_pass / 3


def test_a_rigid_photo_becomes_suspicious_after_a_while() -> None:
    results = feed(LivenessTracker(), sequence(100, affine_photo))
    assert results[-1].state is LivenessState.SUSPICIOUS
    assert results[-1].reason == "rigid"


def test_noise_level_jitter_does_not_pass() -> None:
    results = feed(LivenessTracker(), sequence(45, still, noise_px=1.0))
    assert not any(r.live for r in results)


def test_a_head_turn_passes_on_motion_within_a_second() -> None:
    results = feed(LivenessTracker(), sequence(45, turning))
    first = next(i for i, r in enumerate(results) if r.live)
    assert first < FPS
    assert results[-1].reason == "motion"
    assert results[-1].max_residual > LivenessSettings().residual_to_pass


def test_two_blinks_pass_and_one_is_only_counted() -> None:
    results = feed(LivenessTracker(), sequence(45, blinking))
    assert [r.blinks for r in results][12] == 1
    assert not results[12].live
    assert results[-1].live and results[-1].reason == "blink"
    single = LivenessTracker(LivenessSettings(blinks_to_pass=1))
    assert feed(single, sequence(15, blinking))[-1].reason == "blink"


def test_eyes_shut_for_a_second_are_not_a_blink() -> None:
    def dozing(i: int) -> F64:
        points = still(i)
        if 8 <= i < 23 or 28 <= i < 43:
            points[list(UPPER_LIDS), 1] += 4.0
        return points

    results = feed(LivenessTracker(), sequence(45, dozing))
    assert results[-1].blinks == 0 and not results[-1].live


def test_frames_without_a_mesh_are_skipped() -> None:
    tracker = LivenessTracker()
    meshes = sequence(10, still)
    before = feed(tracker, meshes)[-1]
    after = tracker.update(10 * STEP_MS, None)
    assert after == before and after.frames_seen == 10


def test_a_gap_resets_the_window_and_the_verdict() -> None:
    tracker = LivenessTracker()
    assert feed(tracker, sequence(45, turning))[-1].live
    later = tracker.update(45 * STEP_MS + 1000.0, sequence(1, still)[0])
    assert later.state is LivenessState.PENDING
    assert (later.frames_seen, later.blinks, later.max_residual) == (1, 0, 0.0)


def test_time_going_backwards_resets() -> None:
    tracker = LivenessTracker()
    feed(tracker, sequence(20, still), start_ms=5000.0)
    assert tracker.update(0.0, sequence(1, still)[0]).frames_seen == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"window_ms": 0.0},
        {"smooth_frames": 0},
        {"min_frames": 1},
        {"motion_hits": 0},
        {"blink_drop": 1.0},
    ],
)
def test_settings_reject_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        LivenessSettings(**bad)  # type: ignore[arg-type]
