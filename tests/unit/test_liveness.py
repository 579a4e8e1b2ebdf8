"""LivenessTracker on synthetic sequences: a face in 3-D seen by a camera, mesh and texture.

The synthetic face is a cloud of 468 points with depth (the nose tip 0.6 IOD in front of the
cheeks). The *texture* points are where the skin really is in each frame; the *mesh* is the
same plus landmark noise, and, where a spoof makes the real mesh model hallucinate, the
hallucination (a nose drawn as if the head turned, eyelids drawn shut, a mouth redrawn).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pytest

from kiosk.core.face_motion import (
    LEFT_EYE,
    LIPS,
    NOSE_TIP,
    RIGHT_EYE,
    TexturePoints,
    roll_difference,
)
from kiosk.core.liveness import (
    PENDING,
    Cue,
    LivenessResult,
    LivenessSettings,
    LivenessState,
    LivenessTracker,
    passes,
)
from kiosk.core.types import FaceMesh, readonly

F64 = npt.NDArray[np.float64]
FPS = 15.0
STEP_MS = 1000.0 / FPS
IOD = 60.0
UPPER_LIDS = (160, 158, 385, 387, 159, 386)


def base_face(seed: int = 0) -> F64:
    """(468, 3) face-like points, IOD 60: eyes at (+-30, -20), nose tip at (0, 10) 36 px in
    front (z < 0 is nearer the camera), lips around (0, 35), the rest on a curved surface."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-70.0, 70.0, (468, 2))
    points = np.column_stack([xy, 0.006 * (xy**2).sum(axis=1)])
    for eye, cx in ((RIGHT_EYE, -30.0), (LEFT_EYE, 30.0)):
        angles = np.linspace(0.0, 2.0 * math.pi, len(eye), endpoint=False)
        for index, a in zip(eye, angles, strict=True):
            points[index] = (cx + 12.0 * math.cos(a), -20.0 + 5.0 * math.sin(a), 8.0)
    for k, index in enumerate(NOSE_TIP):
        points[index] = (rng.uniform(-3, 3), 10.0 + rng.uniform(-3, 3), -36.0 + 2.0 * k / 7)
    for k, index in enumerate(LIPS):
        a = 2.0 * math.pi * k / len(LIPS)
        points[index] = (16.0 * math.cos(a), 35.0 + 6.0 * math.sin(a), 4.0)
    return points


def rotate(points: F64, yaw_deg: float = 0.0, pitch_deg: float = 0.0) -> F64:
    """Turn the 3-D face about its centre (depth 20 behind the surface)."""
    y, p = math.radians(yaw_deg), math.radians(pitch_deg)
    rot_y = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rot_x = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    centre = np.array([0.0, 0.0, 20.0])
    return np.asarray((points - centre) @ (rot_x @ rot_y).T + centre, np.float64)


def on_screen(points: F64, shift: tuple[float, float] = (0.0, 0.0), roll_deg: float = 0.0) -> F64:
    """Into frame pixels: roll in the image plane, then move to (320, 240) + shift."""
    a = math.radians(roll_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    out = points.copy()
    out[:, :2] = points[:, :2] @ rot.T + np.array([320.0, 240.0]) + np.array(shift)
    return out


def homography(points: F64, tilt_deg: float, yaw_deg: float, shift: float) -> F64:
    """A flat print of the face tilted and turned in 3-D, seen in perspective (f = 560 px)."""
    flat = points.copy()
    flat[:, 2] = 0.0
    turned = rotate(flat, yaw_deg, tilt_deg)
    depth = 420.0 + turned[:, 2]
    out = turned.copy()
    out[:, :2] = turned[:, :2] * (420.0 / depth)[:, None] + np.array([320.0 + shift, 240.0])
    return out


def frozen(array: F64) -> F64:
    """A read-only float64 copy."""
    out = np.array(array, np.float64)
    out.setflags(write=False)
    return out


Frame = tuple[F64, F64]  # (true skin points = texture, mesh as the model draws it)


def feed(
    frames: Sequence[Frame],
    *,
    texture: bool = True,
    settings: LivenessSettings | None = None,
    noise_px: float = 0.3,
) -> list[LivenessResult]:
    """Feed (texture, mesh) frames at 15 fps with landmark noise on the mesh."""
    rng = np.random.default_rng(7)
    tracker = LivenessTracker(settings)
    results = []
    for i, (skin, mesh) in enumerate(frames):
        noisy = mesh + rng.normal(0.0, noise_px, mesh.shape)
        points = None
        if texture:
            xy = frozen(skin[:, :2] + rng.normal(0.0, 0.05, (468, 2)))
            ok = np.ones(468, np.bool_)
            ok.setflags(write=False)
            points = TexturePoints(1, xy, ok)
        results.append(tracker.update(i * STEP_MS, FaceMesh(readonly(noisy), 1.0), points))
    return results


def frames_of(n: int, scene: Callable[[int], Frame]) -> list[Frame]:
    return [scene(i) for i in range(n)]


def first_live_s(results: Sequence[LivenessResult]) -> float | None:
    return next((i / FPS for i, r in enumerate(results) if r.live), None)


FACE = base_face()


def head_turn(i: int) -> Frame:
    """A live head turning 5 degrees to one side and back over 2 s, nodding a little."""
    t = i / FPS
    skin = on_screen(rotate(FACE, 5.0 * math.sin(math.pi * t), 2.0 * math.sin(2.0 * t)))
    return skin, skin


def moved_print(i: int) -> Frame:
    """A flat print swung about both axes by up to 25 degrees while it drifts sideways; the
    mesh model draws its nose as if the head had turned (as measured on bent prints)."""
    t = i / FPS
    yaw, tilt = 25.0 * math.sin(2.0 * t), 12.0 * math.sin(1.3 * t)
    skin = homography(FACE, tilt, yaw, 20.0 * math.sin(0.7 * t))
    mesh = skin.copy()
    mesh[list(NOSE_TIP), 0] += 0.1 * IOD * math.sin(math.radians(yaw))
    return skin, mesh


def blink_animation(i: int) -> Frame:
    """Two stills alternated on a phone, eyelids shut 3 frames in 15, phone drifting."""
    skin = homography(FACE, 3.0 * math.sin(i / FPS), 0.0, 5.0 * math.sin(i / FPS))
    mesh = skin.copy()
    if i % 15 >= 12:
        mesh[list(UPPER_LIDS), 1] += 4.0  # lids drawn shut: EAR down by two thirds
    return skin, mesh


def live_tracker() -> tuple[LivenessTracker, LivenessResult]:
    """A tracker that has just seen a turning head go live (30 frames, texture followed)."""
    tracker = LivenessTracker()
    rng = np.random.default_rng(3)
    result = PENDING
    for i, (skin, mesh) in enumerate(frames_of(30, head_turn)):
        ok = np.ones(468, np.bool_)
        noisy = mesh + rng.normal(0.0, 0.3, mesh.shape)
        points = TexturePoints(1, frozen(skin[:, :2]), ok)
        result = tracker.update(i * STEP_MS, FaceMesh(readonly(noisy), 1.0), points)
    return tracker, result


def test_a_turning_head_goes_live_on_parallax_within_a_second() -> None:
    results = feed(frames_of(45, head_turn))
    first = first_live_s(results)
    assert first is not None and first < 1.0
    assert "parallax" in results[-1].reason
    assert results[-1].max_parallax >= LivenessSettings().parallax_to_pass


def test_a_print_moved_in_3d_never_passes_even_when_the_mesh_draws_a_turned_nose() -> None:
    results = feed(frames_of(90, moved_print))
    assert not any(r.live for r in results)
    assert results[-1].max_texture < LivenessSettings().parallax_to_pass / 2
    assert results[-1].state is LivenessState.PENDING


def test_a_two_still_blink_animation_blinks_but_never_passes() -> None:
    results = feed(frames_of(90, blink_animation))
    assert results[-1].blinks >= 3
    assert not any(r.live for r in results)
    assert Cue.BLINK in {c for r in results for c in r.cues}


def test_blinks_and_a_deforming_mesh_without_texture_parallax_never_pass() -> None:
    """The mesh model alone (eyelids and mouth redrawn, nose drawn turned) is not enough."""

    def animated(i: int) -> Frame:
        skin, mesh = blink_animation(i)
        mesh[list(LIPS), 1] += 6.0 * math.sin(2.0 * math.pi * i / 10.0)  # mouth redrawn
        mesh[list(NOSE_TIP), 0] += 6.0 * math.sin(2.0 * math.pi * i / 20.0)
        return skin, mesh

    results = feed(frames_of(90, animated))
    cues = {c for r in results for c in r.cues}
    assert {Cue.BLINK, Cue.DEFORMATION} <= cues
    assert not any(r.live for r in results)


def test_texture_parallax_that_the_mesh_does_not_follow_needs_a_mesh_cue() -> None:
    """A moving occluder or screen artefact slides the nose texture; the mesh stays rigid."""

    def slipping(i: int) -> Frame:
        skin = on_screen(FACE)
        slid = skin.copy()
        slid[list(NOSE_TIP), 0] += 0.1 * IOD * math.sin(math.pi * i / 15.0)
        return slid, skin

    results = feed(frames_of(60, slipping))
    assert Cue.TEXTURE in {c for r in results for c in r.cues}
    assert not any(r.live for r in results)


def test_without_texture_points_a_real_head_cannot_pass() -> None:
    results = feed(frames_of(45, head_turn), texture=False)
    assert not any(r.live for r in results)


def test_a_still_face_becomes_suspicious_after_a_while() -> None:
    results = feed(frames_of(100, lambda i: (on_screen(FACE), on_screen(FACE))), noise_px=1.0)
    assert not any(r.live for r in results)
    assert results[-1].state is LivenessState.SUSPICIOUS and results[-1].reason == "rigid"


def test_a_print_rolled_in_the_image_plane_compares_only_like_rolls() -> None:
    """Rolling changes how the mesh model draws a face; rolled moments are not compared."""

    def rolled(i: int) -> Frame:
        roll = 30.0 * math.sin(2.0 * i / FPS)
        skin = on_screen(FACE, roll_deg=roll)
        mesh = skin.copy()
        mesh[list(LIPS), 1] += 0.3 * abs(roll)  # the model redraws the mouth as it rolls
        return skin, mesh

    frames = frames_of(90, rolled)
    results = feed(frames)
    assert not any(r.live for r in results)
    assert Cue.DEFORMATION not in {c for r in results for c in r.cues}
    ungated = LivenessSettings(max_roll_deg=90.0, max_scale_change=1.0)
    assert Cue.DEFORMATION in {c for r in feed(frames, settings=ungated) for c in r.cues}


@pytest.mark.parametrize(
    "cues", [frozenset(c) for n in range(len(Cue) + 1) for c in itertools.combinations(Cue, n)]
)
def test_the_rule_needs_the_texture_and_the_mesh(cues: frozenset[Cue]) -> None:
    texture_seen = Cue.PARALLAX in cues or Cue.TEXTURE in cues
    mesh_seen = Cue.PARALLAX in cues or Cue.DEFORMATION in cues
    assert passes(cues) == (Cue.PARALLAX in cues or {Cue.TEXTURE, Cue.DEFORMATION} <= cues)
    assert passes(cues) == passes(cues - {Cue.BLINK})  # a blink never tips the verdict
    if passes(cues):
        assert texture_seen and mesh_seen
    if len(cues) == 1:
        assert passes(cues) == (cues == {Cue.PARALLAX})  # the agreement of both sensors


def test_frames_without_a_mesh_are_skipped() -> None:
    tracker = LivenessTracker()
    frames = frames_of(10, lambda i: (on_screen(FACE), on_screen(FACE)))
    for i, (_, m) in enumerate(frames):
        before = tracker.update(i * STEP_MS, FaceMesh(readonly(m), 1.0))
    after = tracker.update(10 * STEP_MS, None)
    assert after == before and after.frames_seen == 10


def test_a_gap_resets_the_window_and_the_verdict() -> None:
    tracker, result = live_tracker()
    assert result.live
    later = tracker.update(30 * STEP_MS + 1000.0, FaceMesh(readonly(on_screen(FACE)), 1.0))
    assert later.state is LivenessState.PENDING
    assert (later.frames_seen, later.blinks, later.max_parallax) == (1, 0, 0.0)


def test_time_going_backwards_resets() -> None:
    tracker = LivenessTracker()
    mesh = FaceMesh(readonly(on_screen(FACE)), 1.0)
    for i in range(20):
        tracker.update(5000.0 + i * STEP_MS, mesh)
    assert tracker.update(0.0, mesh).frames_seen == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"window_ms": 0.0},
        {"smooth_ms": -1.0},
        {"hits_to_pass": 0},
        {"min_blink_frames": 1},
        {"min_agreement": 1.5},
        {"blink_drop": 1.0},
    ],
)
def test_settings_reject_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        LivenessSettings(**bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "difference"),
    [(10.0, 5.0, 5.0), (179.0, -179.0, -2.0), (-179.0, 179.0, 2.0), (180.0, -180.0, 0.0)],
)
def test_roll_differences_wrap_at_half_a_turn(a: float, b: float, difference: float) -> None:
    assert roll_difference(a, b) == pytest.approx(difference)
    assert -180.0 <= roll_difference(a, b) < 180.0


@pytest.mark.parametrize("roll", [0.0, 180.0])
def test_an_upside_down_face_is_compared_like_an_upright_one(roll: float) -> None:
    """Held upside down, the eye line's roll jitters across the wrap (179 -> -179 is a change
    of 2 degrees): the mesh's redrawn mouth must still count as deformation."""

    def talking(i: int) -> Frame:
        angle = roll + 0.5 * (-1) ** i
        mesh = FACE.copy()
        mesh[list(LIPS), 1] += 6.0 * math.sin(2.0 * math.pi * i / 10.0)
        return on_screen(FACE, roll_deg=angle), on_screen(mesh, roll_deg=angle)

    results = feed(frames_of(45, talking), texture=False)
    assert Cue.DEFORMATION in {c for r in results for c in r.cues}


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_timestamp_resets_and_is_not_used(bad: float) -> None:
    tracker, result = live_tracker()
    assert result.live
    mesh = FaceMesh(readonly(on_screen(FACE)), 1.0)
    reset = tracker.update(bad, mesh)
    assert reset.state is LivenessState.PENDING
    assert (reset.frames_seen, reset.blinks, reset.max_parallax) == (0, 0, 0.0)
    after = tracker.update(30 * STEP_MS, mesh)  # the next finite time starts afresh
    assert after.state is LivenessState.PENDING and after.frames_seen == 1


@pytest.mark.parametrize("fill", [0.0, math.nan, math.inf])
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_a_degenerate_mesh_is_not_counted(fill: float) -> None:
    tracker = LivenessTracker()
    mesh = FaceMesh(readonly(on_screen(FACE)), 1.0)
    for i in range(5):
        tracker.update(i * STEP_MS, mesh)
    flat = on_screen(FACE)
    flat[:, :2] = fill if math.isfinite(fill) else np.array([fill, 1.0])
    result = tracker.update(5 * STEP_MS, FaceMesh(readonly(flat), 1.0))
    assert result.frames_seen == 5
    assert tracker.update(6 * STEP_MS, mesh).frames_seen == 6
