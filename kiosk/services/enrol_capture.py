"""One enrolment capture and what a guided enrolment reports about it: per-frame feedback for
the screen, the captures for the review page, the saved result, and the gate thresholds taken
from the deployment settings (the gates themselves are pure: `core.enrol_rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.config import EnrolmentConfig
from kiosk.core.enrol_rules import TOO_SOON, GateResult, GateSettings, PoseStep
from kiosk.core.gallery import Gallery
from kiosk.core.geometry import clip_int, expand
from kiosk.core.types import FaceBox, FloatArray, Quality
from kiosk.store.people import NewTemplate
from kiosk.vision.runtime import ImageBGR

MIN_INTERVAL_S = 0.2  # captures are spread over time, never a burst of one moment


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An enrolled person the face in front of the camera was recognised as."""

    person_id: int
    name: str


@dataclass(frozen=True, slots=True)
class EnrolFeedback:
    """What one frame did to the enrolment, for the screen.

    Attributes:
        accepted: the frame gave a capture.
        reason: gate code ("ok", "no_face", "many_faces", "not_live", "off_pose", "too_small",
            "turned", "blurry", "repeat", "too_soon", "someone_else", "already_enrolled",
            "complete").
        message: what to tell the shopper.
        captures: captures kept so far.
        target: captures that complete the enrolment.
        box: the face considered (frame pixels), or None.
        step: the pose step now asked for (None when complete).
        live: the face passed the liveness check.
        duplicate: who the face already is, when capturing stopped for that.
    """

    accepted: bool
    reason: str
    message: str
    captures: int
    target: int
    box: FaceBox | None
    step: PoseStep | None = None
    live: bool = False
    duplicate: Duplicate | None = None

    @property
    def done(self) -> bool:
        """Enough captures: review, then `save()`."""
        return self.captures >= self.target

    @property
    def progress(self) -> float:
        """Fraction complete in [0, 1]."""
        return min(1.0, self.captures / self.target)


@dataclass(frozen=True, slots=True)
class CaptureView:
    """One capture as the review page shows it: the aligned face chip and its quality."""

    chip_rgb: npt.NDArray[np.uint8]
    quality: Quality
    step: str


@dataclass(frozen=True, slots=True)
class EnrolResult:
    """A saved enrolment: the person, how much was stored, and the new gallery snapshot."""

    person_id: int
    new_person: bool
    captures: int
    templates: int
    gallery: Gallery


@dataclass(frozen=True, slots=True)
class Capture:
    """One kept capture: its descriptors, the chip the review page shows, and the weight its
    templates get."""

    descriptor: FloatArray
    flip_descriptor: FloatArray | None  # of the mirrored chip, when settings.flip
    chip_rgb: npt.NDArray[np.uint8]
    quality: Quality
    step: str
    weight: float
    photo_jpeg: bytes | None


def gate_settings(config: EnrolmentConfig) -> GateSettings:
    """The pure gate thresholds from the deployment settings."""
    return GateSettings(
        min_face_px=config.min_face_px,
        min_sharpness=config.min_sharpness,
        max_yaw_deg=config.max_yaw_deg,
        max_pitch_deg=config.max_pitch_deg,
        max_roll_deg=config.max_roll_deg,
        min_change=config.min_change,
    )


def next_step(plan: Sequence[PoseStep], captures: Sequence[Capture]) -> PoseStep | None:
    """The first step of the plan still short of captures (a dropped capture is asked for
    again), None when the captures complete the plan."""
    have = [c.step for c in captures]
    for step in plan:
        if have.count(step.key) < step.captures:
            return step
    return None


def feedback_message(verdict: GateResult, step: PoseStep | None) -> str:
    """What to tell the shopper after a frame: the next pose after a capture or while waiting
    between captures, else what the gate said."""
    if verdict.ok and step is not None:
        return f"got it: {step.instruction}"
    if verdict.reason == TOO_SOON.reason and step is not None:
        return step.instruction
    return verdict.message


def templates_of(captures: Sequence[Capture]) -> tuple[NewTemplate, ...]:
    """The templates to store: one per capture, then one per mirrored capture."""
    out = [NewTemplate(c.descriptor, "camera", c.weight) for c in captures]
    out += [
        NewTemplate(c.flip_descriptor, "flip", c.weight)
        for c in captures
        if c.flip_descriptor is not None
    ]
    return tuple(out)


def jpeg_face(image: ImageBGR, box: FaceBox) -> bytes | None:
    """The face (with a margin) as a JPEG, or None when encoding fails."""
    x1, y1, x2, y2 = clip_int(expand(box.xyxy, 0.3), image.shape[1], image.shape[0])
    ok, data = cv2.imencode(".jpg", image[y1:y2, x1:x2], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return bytes(data) if ok else None
