"""Guided live enrolment: consent first, then a live person through a few poses, a review,
and one save (no Qt, no threads of its own).

The GUI's enrolment worker (or a test) calls `feed(frame)` per camera frame and shows the
returned `EnrolFeedback`. Frames go through the kiosk's own pipeline, so enrolment sees faces,
tracks, liveness and identities exactly as the shopper screen does. A capture is kept only when:
- exactly one face is in view, it is the person who started (one track), and it is **live**
  (a printed photo or a phone screen never is: no one can be enrolled from a picture);
- the face is big, sharp and turned as the current step asks (`core.enrol_rules.pose_plan`:
  facing the camera, then a little to one side, then to the other), at least `min_interval_s`
  after the previous capture and not a repeat of one;
- the face is not someone already enrolled: when the pipeline recognises an enrolled person
  (other than the one being re-enrolled), capturing stops and `EnrolFeedback.duplicate` says who;
  staff choose `add_to_duplicate()` (these captures go to that person) or cancel.
`review()` shows the captures (face chips, quality) before `save()` writes the person, consent,
encrypted templates (and photos only when staff opted in) in one transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.config import EnrolmentConfig, PipelineConfig
from kiosk.core.enrol_rules import (
    DUPLICATE,
    NOT_LIVE,
    SOMEONE_ELSE,
    TOO_SOON,
    GateResult,
    GateSettings,
    PoseStep,
    check_change,
    check_face,
    check_pose,
    pose_plan,
)
from kiosk.core.gallery import Gallery
from kiosk.core.quality import recognition_weight
from kiosk.core.types import FaceBox, FaceResult, FloatArray, Frame
from kiosk.errors import InputError
from kiosk.services.enrol_capture import (
    MIN_INTERVAL_S,
    Capture,
    CaptureView,
    Duplicate,
    EnrolFeedback,
    EnrolResult,
    feedback_message,
    gate_settings,
    jpeg_face,
    next_step,
    templates_of,
)
from kiosk.store.people import Consent, EnrolRequest, PeopleStore
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Enrolment:
    """One shopper's enrolment, from consent to save.

    `feed` runs on the enrolment worker (it runs the models); everything else on the thread
    that owns `people`. The two meet only through a lock around the captures.

    Attributes:
        people: the open people store.
        models: loaded models (not closed here).
        pipeline_config: tracking, identity and liveness rules (the kiosk's).
        settings: gates, number of captures, flip templates.
        consent: recorded before any capture is taken (staff name and scope).
        name: display name of a new person (exactly one of name and person_id).
        person_id: an enrolled person to add captures to (no duplicate person).
        keep_photos: keep (encrypted) face photos; None keeps the person's current choice.
        on_saved: receives the rebuilt gallery after `save()`.
    """

    people: PeopleStore
    models: VisionModels
    pipeline_config: PipelineConfig
    settings: EnrolmentConfig
    consent: Consent
    name: str | None = None
    person_id: int | None = None
    keep_photos: bool | None = None
    on_saved: Callable[[Gallery], None] | None = None
    _captures: list[Capture] = field(default_factory=list)
    _gates: GateSettings = field(init=False)
    _plan: tuple[PoseStep, ...] = field(init=False)
    _pipeline: Pipeline = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _track: int | None = None
    _side_sign: float = 0.0
    _last_capture_ms: float = -1e18
    _duplicate: Duplicate | None = None
    _max_distance: float = 0.6

    def __post_init__(self) -> None:
        if (self.name is None) == (self.person_id is None):
            raise InputError("enrolment needs exactly one of a new name or a person id")
        if self.name is not None and not self.name.strip():
            raise InputError("enrolment needs a non-empty display name")
        embedder = self.models.embedder
        self.people.require_model(embedder.model_key)
        if self.person_id is not None:
            keeps = self.people.summary(self.person_id).keep_photos
            self.keep_photos = keeps if self.keep_photos is None else self.keep_photos
        self._gates = gate_settings(self.settings)
        self._plan = pose_plan(self.settings.captures, self.settings.max_yaw_deg)
        gallery = self.people.gallery(embedder.model_key, embedder.dim)
        self._pipeline = Pipeline(self.models, gallery, self.pipeline_config)
        self._max_distance = self.pipeline_config.max_distance or embedder.spec.threshold(
            "max_distance"
        )

    @property
    def captures(self) -> int:
        """Captures kept so far."""
        return len(self._captures)

    @property
    def target(self) -> int:
        """Captures that complete the enrolment."""
        return sum(step.captures for step in self._plan)

    @property
    def done(self) -> bool:
        """Enough captures to review and save."""
        return self.captures >= self.target

    @property
    def duplicate(self) -> Duplicate | None:
        """The enrolled person this face was recognised as, while staff have not decided."""
        return self._duplicate

    def step(self) -> PoseStep | None:
        """The pose step now asked for: the first in the plan still short of captures (a
        dropped capture is asked for again), None when complete."""
        with self._lock:
            return next_step(self._plan, self._captures)

    def feed(self, frame: Frame) -> EnrolFeedback:
        """Analyse one camera frame; keep it as a capture if it passes every gate."""
        step = self.step()
        if step is None:
            return self._feedback(GateResult(False, "complete", "all done, thank you"), None)
        faces = self._pipeline.process(frame).faces
        if len(faces) != 1:
            return self._feedback(check_face(len(faces), None, self._gates), None)
        face = faces[0]
        gate = self._gate(face, step)
        if not gate.ok:
            return self._feedback(gate, face.box, face)
        if frame.timestamp_ms - self._last_capture_ms < MIN_INTERVAL_S * 1000.0:
            return self._feedback(TOO_SOON, face.box, face)
        assert face.mesh is not None  # checked by _gate
        chip = self.models.embedder.chip(frame.image_bgr, face.mesh)
        descriptor = self.models.embedder.embed_chip(chip)
        with self._lock:
            previous = np.asarray([c.descriptor for c in self._captures], np.float32)
        if not self._same_person(face.track_id, descriptor, previous):
            return self._feedback(SOMEONE_ELSE, face.box, face)
        verdict = check_change(descriptor, previous, self._gates)
        if verdict.ok:
            self._keep(frame, face, step, chip, descriptor)
        return self._feedback(verdict, face.box, face)

    def _same_person(self, track_id: int, descriptor: FloatArray, previous: FloatArray) -> bool:
        """The face is the one being enrolled: the same track, or (after the track was lost
        for a moment) a face close to the captures so far."""
        if self._track is None or track_id == self._track or previous.size == 0:
            return True
        mean = previous.mean(axis=0)
        if float(np.linalg.norm(descriptor - mean)) <= self._max_distance:
            self._track = track_id  # the same person, found again
            return True
        return False

    def _gate(self, face: FaceResult, step: PoseStep) -> GateResult:
        """The gates before embedding, most useful instruction first."""
        identity = face.identity
        if identity.known and identity.person_id != self.person_id:
            with self._lock:
                if self._duplicate is None and identity.person_id is not None:
                    self._duplicate = Duplicate(identity.person_id, identity.name)
        if self._duplicate is not None:
            return DUPLICATE
        quality = face.quality if face.mesh is not None else None
        verdict = check_face(1, quality, self._gates)
        if not verdict.ok or quality is None:
            return verdict
        if not face.live:
            return NOT_LIVE
        return check_pose(step, quality.yaw_deg, self._side_sign)

    def _keep(
        self,
        frame: Frame,
        face: FaceResult,
        step: PoseStep,
        chip: npt.NDArray[np.uint8],
        descriptor: FloatArray,
    ) -> None:
        assert face.quality is not None
        photo = jpeg_face(frame.image_bgr, face.box) if self.keep_photos else None
        weight = min(1.0, recognition_weight(face.quality, self._gates.min_face_px / 2))
        flipped = None
        if self.settings.flip:  # here, on the worker: save() runs no model
            flipped = self.models.embedder.embed_chip(np.ascontiguousarray(chip[:, ::-1]))
        capture = Capture(descriptor, flipped, chip.copy(), face.quality, step.key, weight, photo)
        with self._lock:
            self._captures.append(capture)
        self._track = face.track_id
        self._last_capture_ms = frame.timestamp_ms
        if step.key == "side" and self._side_sign == 0.0:
            self._side_sign = 1.0 if face.quality.yaw_deg > 0 else -1.0

    def _feedback(
        self, verdict: GateResult, box: FaceBox | None, face: FaceResult | None = None
    ) -> EnrolFeedback:
        step = self.step()
        return EnrolFeedback(
            accepted=verdict.ok,
            reason=verdict.reason,
            message=feedback_message(verdict, step),
            captures=self.captures,
            target=self.target,
            box=box,
            step=step,
            live=bool(face is not None and face.live),
            duplicate=self._duplicate,
        )

    def add_to_duplicate(self) -> Duplicate:
        """Staff decided: these captures belong to the enrolled person the face was recognised
        as (the consent just given is recorded with them).

        Raises:
            InputError: no duplicate is pending.
        """
        with self._lock:
            duplicate = self._duplicate
            if duplicate is None:
                raise InputError("no enrolled person was recognised; nothing to add to")
            self.person_id, self.name = duplicate.person_id, None
            self.keep_photos = self.people.summary(duplicate.person_id).keep_photos
            self._duplicate = None
        return duplicate

    def review(self) -> tuple[CaptureView, ...]:
        """The captures so far, for the review page (in memory only; never stored as images
        unless staff keep photos)."""
        with self._lock:
            return tuple(CaptureView(c.chip_rgb, c.quality, c.step) for c in self._captures)

    def discard(self, index: int) -> None:
        """Drop one capture (a blink, a bad angle) so the enrolment asks for another."""
        with self._lock:
            del self._captures[index]
            if not any(c.step == "side" for c in self._captures):
                self._side_sign = 0.0

    def save(self) -> EnrolResult:
        """Store the captures in one transaction and swap in the new gallery.

        Runs no model (the store's thread may call it while a worker holds the models).

        Raises:
            InputError: nothing captured yet, or an enrolled person was recognised and staff
                have not decided (`add_to_duplicate` or cancel).
            StoreError: the write failed; nothing was stored.
        """
        with self._lock:
            if self._duplicate is not None:
                raise InputError(
                    "this face is already enrolled: add the captures to that person or cancel"
                )
            if not self._captures:
                raise InputError("no capture passed the checks yet; nothing to save")
            captures = list(self._captures)
            templates = templates_of(captures)
            self._captures.clear()
        embedder = self.models.embedder
        person_id = self.people.enrol(
            EnrolRequest(
                consent=self.consent,
                model_key=embedder.model_key,
                templates=templates,
                name=self.name,
                person_id=self.person_id,
                photos_jpeg=tuple(c.photo_jpeg for c in captures if c.photo_jpeg),
                keep_photos=self.keep_photos,
            )
        )
        gallery = self.people.gallery(embedder.model_key, embedder.dim)
        if self.on_saved is not None:
            self.on_saved(gallery)
        log.info("enrolment saved for person %d (%d captures)", person_id, len(captures))
        new = self.person_id is None
        self.person_id, self.name = person_id, None  # saving again adds to the same person
        return EnrolResult(person_id, new, len(captures), len(templates), gallery)
