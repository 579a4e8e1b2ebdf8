"""Enrolment quality gates: is this capture good enough, and if not, what to tell the shopper.

Pure decisions on counts, `Quality` and embeddings. The order matters: the first failing gate
gives the message, so the shopper hears the most useful instruction first (one person, then
distance, then pose, then blur, then "move a little" for a repeat of an earlier capture).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.types import Quality


@dataclass(frozen=True, slots=True)
class GateSettings:
    """Thresholds of the gates (see kiosk.config.EnrolmentConfig for their meaning)."""

    min_face_px: float = 80.0
    min_sharpness: float = 40.0
    max_yaw_deg: float = 25.0
    max_pitch_deg: float = 25.0
    max_roll_deg: float = 20.0
    min_change: float = 0.02


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate decision.

    Attributes:
        ok: the capture may be kept.
        reason: a stable code for programs and tests ("ok", "no_face", "many_faces", ...).
        message: what to show the shopper.
    """

    ok: bool
    reason: str
    message: str


OK = GateResult(True, "ok", "got it, keep still")
NO_FACE = GateResult(False, "no_face", "look at the camera")
MANY_FACES = GateResult(False, "many_faces", "only one person please")
NO_LANDMARKS = GateResult(False, "no_landmarks", "look at the camera")
TOO_SMALL = GateResult(False, "too_small", "move closer")
TURNED = GateResult(False, "turned", "look at the camera")
BLURRY = GateResult(False, "blurry", "hold still")
REPEAT = GateResult(False, "repeat", "move your head a little")


def check_face(faces: int, quality: Quality | None, gates: GateSettings) -> GateResult:
    """Gates before embedding: one face, trustworthy landmarks, size, pose, sharpness.

    Args:
        faces: faces found in the frame.
        quality: the one face's quality, or None when its landmarks were not trustworthy.
        gates: thresholds.
    """
    if faces != 1:
        return NO_FACE if faces == 0 else MANY_FACES
    if quality is None:
        return NO_LANDMARKS
    turned = (
        abs(quality.yaw_deg) > gates.max_yaw_deg
        or abs(quality.pitch_deg) > gates.max_pitch_deg
        or abs(quality.roll_deg) > gates.max_roll_deg
    )
    for failed, result in (
        (quality.size_px < gates.min_face_px, TOO_SMALL),
        (turned, TURNED),
        (quality.sharpness < gates.min_sharpness, BLURRY),
    ):
        if failed:
            return result
    return OK


def smallest_change(descriptor: npt.ArrayLike, previous: npt.ArrayLike) -> float:
    """Euclidean distance from `descriptor` (D,) to the closest row of `previous` (N, D).

    Returns infinity when there is no previous capture.
    """
    prev = np.asarray(previous, dtype=np.float64)
    if prev.size == 0:
        return float("inf")
    query = np.asarray(descriptor, dtype=np.float64).reshape(1, -1)
    return float(np.min(np.linalg.norm(prev.reshape(-1, query.shape[1]) - query, axis=1)))


def check_change(
    descriptor: npt.ArrayLike, previous: npt.ArrayLike, gates: GateSettings
) -> GateResult:
    """Gate after embedding: not the same frame (or pose) as an earlier capture."""
    if smallest_change(descriptor, previous) < gates.min_change:
        return REPEAT
    return OK


NOT_LIVE = GateResult(False, "not_live", "checking it's a live person: blink, or turn your head")
SOMEONE_ELSE = GateResult(False, "someone_else", "only the person enrolling, please")
TOO_SOON = GateResult(False, "too_soon", "keep going")
OFF_POSE = GateResult(False, "off_pose", "")  # the message is the step's instruction
DUPLICATE = GateResult(False, "already_enrolled", "capture paused: this face is already enrolled")


@dataclass(frozen=True, slots=True)
class PoseStep:
    """One step of the guided enrolment.

    Attributes:
        key: "straight", "side" (either way) or "other_side" (the other way than `side`).
        instruction: what to tell the shopper.
        captures: captures this step needs.
        min_abs_yaw, max_abs_yaw: |yaw| band in degrees a capture must fall in.
    """

    key: str
    instruction: str
    captures: int
    min_abs_yaw: float
    max_abs_yaw: float


def pose_plan(total: int, max_yaw_deg: float) -> tuple[PoseStep, ...]:
    """The steps of an enrolment of `total` captures: about 40 % facing the camera, then 30 %
    turned a little to one side, then 30 % to the other side. The turn bands stop at
    `max_yaw_deg`; the side may be either, the second step asks for the other one."""
    if total < 3:
        return (PoseStep("straight", "look straight at the camera", max(total, 1), 0.0, 10.0),)
    sides = round(total * 0.3)
    straight = total - 2 * sides
    turned_min = min(10.0, max_yaw_deg / 2)
    return (
        PoseStep("straight", "look straight at the camera", straight, 0.0, 10.0),
        PoseStep("side", "turn your head a little to one side", sides, turned_min, max_yaw_deg),
        PoseStep("other_side", "now a little to the other side", sides, turned_min, max_yaw_deg),
    )


def check_pose(step: PoseStep, yaw_deg: float, first_side_sign: float) -> GateResult:
    """Does a head turned by `yaw_deg` fit `step`? `first_side_sign` is the sign of the yaw
    the "side" step was done at (0 before it): "other_side" needs the opposite sign."""
    if not step.min_abs_yaw <= abs(yaw_deg) <= step.max_abs_yaw:
        return GateResult(False, OFF_POSE.reason, step.instruction)
    if step.key == "other_side" and yaw_deg * first_side_sign > 0:
        return GateResult(False, OFF_POSE.reason, step.instruction)
    return OK
