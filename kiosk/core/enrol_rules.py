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
