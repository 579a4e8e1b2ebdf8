"""Live enrolment at the kiosk: consent first, then captures through quality gates, then one save.

No Qt and no threads: the GUI's worker (or a test) calls `feed(image_bgr)` per frame and shows the
returned `EnrolFeedback.message`. Only captures that pass every gate are kept: exactly one face,
big enough, facing the camera, sharp, and not a repeat of an earlier capture (embedding change of
at least `min_change`). `save()` writes the person, consent, encrypted templates (and photos when
staff opted in) in one transaction, rebuilds the gallery and hands it to `on_saved` (e.g.
`Pipeline.set_gallery`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from kiosk.config import EnrolmentConfig
from kiosk.core.enrol_rules import GateResult, GateSettings, check_change, check_face
from kiosk.core.gallery import Gallery
from kiosk.core.geometry import clip_int, expand
from kiosk.core.quality import measure, recognition_weight
from kiosk.core.types import FaceBox, FaceMesh, FloatArray
from kiosk.errors import InputError
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR, grey_face

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EnrolFeedback:
    """What one frame did to the enrolment, for the screen.

    Attributes:
        accepted: the frame gave a capture.
        reason: gate code ("ok", "no_face", "many_faces", "too_small", "turned", "blurry",
            "repeat", "no_landmarks", "complete").
        message: what to tell the shopper.
        captures: captures kept so far.
        target: captures that complete the enrolment.
        box: the face considered (frame pixels), or None.
    """

    accepted: bool
    reason: str
    message: str
    captures: int
    target: int
    box: FaceBox | None

    @property
    def done(self) -> bool:
        """Enough captures: call `save()`."""
        return self.captures >= self.target

    @property
    def progress(self) -> float:
        """Fraction complete in [0, 1]."""
        return min(1.0, self.captures / self.target)


@dataclass(frozen=True, slots=True)
class EnrolResult:
    """A saved enrolment: the person, how much was stored, and the new gallery snapshot."""

    person_id: int
    new_person: bool
    captures: int
    templates: int
    gallery: Gallery


@dataclass(frozen=True, slots=True)
class _Capture:
    descriptor: FloatArray
    flip_descriptor: FloatArray | None  # of the mirrored chip, when settings.flip
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


@dataclass(slots=True)
class Enrolment:
    """One shopper's enrolment, from consent to save. Not shared between threads.

    Attributes:
        people: the open people store.
        models: loaded models (not closed here).
        settings: gates, number of captures, flip templates.
        consent: recorded before any capture is taken (staff name and scope).
        name: display name of a new person (exactly one of name and person_id).
        person_id: an enrolled person to add captures to (no duplicate person).
        keep_photos: keep (encrypted) face photos; None keeps the person's current choice.
        on_saved: receives the rebuilt gallery after `save()`.
    """

    people: PeopleStore
    models: VisionModels
    settings: EnrolmentConfig
    consent: Consent
    name: str | None = None
    person_id: int | None = None
    keep_photos: bool | None = None
    on_saved: Callable[[Gallery], None] | None = None
    _captures: list[_Capture] = field(default_factory=list)
    _gates: GateSettings = field(init=False)

    def __post_init__(self) -> None:
        if (self.name is None) == (self.person_id is None):
            raise InputError("enrolment needs exactly one of a new name or a person id")
        if self.name is not None and not self.name.strip():
            raise InputError("enrolment needs a non-empty display name")
        self.people.require_model(self.models.embedder.model_key)
        if self.person_id is not None:
            keeps = self.people.summary(self.person_id).keep_photos
            self.keep_photos = keeps if self.keep_photos is None else self.keep_photos
        self._gates = gate_settings(self.settings)

    @property
    def captures(self) -> int:
        """Captures kept so far."""
        return len(self._captures)

    @property
    def done(self) -> bool:
        """Enough captures to save."""
        return self.captures >= self.settings.captures

    def feed(self, image_bgr: ImageBGR) -> EnrolFeedback:
        """Analyse one BGR uint8 (H, W, 3) frame; keep it as a capture if it passes every gate."""
        if self.done:
            return self._feedback(GateResult(False, "complete", "all done, thank you"), None)
        faces = self._faces(image_bgr)
        if len(faces) != 1:
            return self._feedback(check_face(len(faces), None, self._gates), None)
        box, mesh = faces[0]
        trusted = self.models.mesh.trusted(mesh)
        quality = measure(box, mesh, grey_face(image_bgr, box.xyxy)) if trusted else None
        verdict = check_face(1, quality, self._gates)
        if not verdict.ok or quality is None:
            return self._feedback(verdict, box)
        chip = self.models.embedder.chip(image_bgr, mesh)
        descriptor = self.models.embedder.embed_chip(chip)
        previous = [c.descriptor for c in self._captures]
        verdict = check_change(descriptor, np.asarray(previous, np.float32), self._gates)
        if verdict.ok:
            photo = _jpeg_face(image_bgr, box) if self.keep_photos else None
            weight = min(1.0, recognition_weight(quality, self._gates.min_face_px / 2))
            flipped = None
            if self.settings.flip:  # here, on the caller's (worker) thread: save() runs no model
                flipped = self.models.embedder.embed_chip(np.ascontiguousarray(chip[:, ::-1]))
            self._captures.append(_Capture(descriptor, flipped, weight, photo))
        return self._feedback(verdict, box)

    def _faces(self, image_bgr: ImageBGR) -> list[tuple[FaceBox, FaceMesh]]:
        mesh = self.models.mesh
        found = [(b, mesh.landmarks(image_bgr, b)) for b in self.models.detector.detect(image_bgr)]
        return [(b, m) for b, m in found if mesh.confirms(b, m)]

    def _feedback(self, verdict: GateResult, box: FaceBox | None) -> EnrolFeedback:
        return EnrolFeedback(
            verdict.ok, verdict.reason, verdict.message, self.captures, self.settings.captures, box
        )

    def _templates(self) -> tuple[NewTemplate, ...]:
        out = [NewTemplate(c.descriptor, "camera", c.weight) for c in self._captures]
        out += [
            NewTemplate(c.flip_descriptor, "flip", c.weight)
            for c in self._captures
            if c.flip_descriptor is not None
        ]
        return tuple(out)

    def save(self) -> EnrolResult:
        """Store the captures in one transaction and swap in the new gallery.

        Runs no model (the store's thread may call it while a worker holds the models).

        Raises:
            InputError: nothing captured yet.
            StoreError: the write failed; nothing was stored.
        """
        if not self._captures:
            raise InputError("no capture passed the quality gates yet; nothing to save")
        templates = self._templates()
        embedder = self.models.embedder
        person_id = self.people.enrol(
            EnrolRequest(
                consent=self.consent,
                model_key=embedder.model_key,
                templates=templates,
                name=self.name,
                person_id=self.person_id,
                photos_jpeg=tuple(c.photo_jpeg for c in self._captures if c.photo_jpeg),
                keep_photos=self.keep_photos,
            )
        )
        captures = self.captures
        self._captures.clear()
        gallery = self.people.gallery(embedder.model_key, embedder.dim)
        if self.on_saved is not None:
            self.on_saved(gallery)
        log.info("enrolment saved for person %d (%d captures)", person_id, captures)
        new = self.person_id is None
        self.person_id, self.name = person_id, None  # saving again adds to the same person
        return EnrolResult(person_id, new, captures, len(templates), gallery)


def _jpeg_face(image: ImageBGR, box: FaceBox) -> bytes | None:
    x1, y1, x2, y2 = clip_int(expand(box.xyxy, 0.3), image.shape[1], image.shape[0])
    ok, data = cv2.imencode(".jpg", image[y1:y2, x1:x2], [cv2.IMWRITE_JPEG_QUALITY, 90])
    return bytes(data) if ok else None
