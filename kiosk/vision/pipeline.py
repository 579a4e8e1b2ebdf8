"""`Pipeline.process(frame) -> FrameResult`: detect, track, landmarks, and per-track work.

A plain object with no threads and no Qt: the GUI's worker, the CLI and the tests call it alike.
Per track: embed when the track starts (a short burst until enough votes), then re-check about
once a second; emotion about 10 times a second, smoothed; mask about once a second; the main
face's blendshapes at the emotion cadence. `kiosk.core.work_plan` spreads that work over camera
frames so that no frame stalls; each model runs once per frame over all the faces it reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kiosk.config import PipelineConfig
from kiosk.core.emotion import EmotionSmoother, ValenceRule
from kiosk.core.expression import ExpressionRule
from kiosk.core.gallery import Gallery
from kiosk.core.identity import TrackVote, VoteSettings
from kiosk.core.liveness import LivenessTracker
from kiosk.core.quality import measure, recognition_weight
from kiosk.core.tracking import FaceTracker, TrackedBox, TrackerSettings
from kiosk.core.types import (
    ClassScores,
    FaceMesh,
    FaceResult,
    Frame,
    FrameResult,
    Quality,
    StageTimes,
)
from kiosk.core.work_plan import TrackWork, WorkBudget, plan_work
from kiosk.vision.finder_records import FoundFace
from kiosk.vision.mask_cue import read_masks
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR, grey_face
from kiosk.vision.texture_motion import TextureTracker

T = TypeVar("T")


@dataclass(slots=True)
class _TrackState:
    vote: TrackVote
    smoother: EmotionSmoother
    liveness: LivenessTracker
    texture: TextureTracker = field(default_factory=TextureTracker)
    last_embed_ms: float = -1e18
    last_emotion_ms: float = -1e18
    last_mask_ms: float = -1e18
    last_shapes_ms: float = -1e18
    mask: ClassScores | None = None
    blendshapes: EmotionSmoother = field(default_factory=EmotionSmoother)


@dataclass(slots=True)
class _Look:
    """One face of the frame while it is being analysed (its track may restart)."""

    tracked: TrackedBox
    face: FoundFace
    mesh: FaceMesh | None
    quality: Quality
    track_id: int
    state: _TrackState


@dataclass(slots=True)
class _Clock:
    """Accumulates per-stage milliseconds for one frame."""

    spent: dict[str, float] = field(default_factory=dict)

    def time(self, stage: str, work: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return work()
        finally:
            elapsed = (time.perf_counter() - start) * 1000.0
            self.spent[stage] = self.spent.get(stage, 0.0) + elapsed


class Pipeline:
    """Stateful per-frame analysis of one camera stream (tracks live across calls)."""

    def __init__(
        self,
        models: VisionModels,
        gallery: Gallery,
        config: PipelineConfig,
        *,
        still: bool = False,
    ) -> None:
        """Build a pipeline.

        Args:
            models: loaded models (the pipeline does not close them).
            gallery: enrolled people; swap later with `set_gallery`.
            config: scheduling and identity rules.
            still: frames are independent photos (`kiosk analyze` on images): faces that are
                not found at once are looked for again in the padded, enlarged photo.
        """
        self.models = models
        self.config = config
        self.still = still
        self._finder = models.finder
        spec = models.embedder.spec
        max_distance = config.max_distance or spec.threshold("max_distance")
        self._votes = VoteSettings(max_distance=max_distance, min_votes=config.min_votes)
        emotion = models.emotion.spec
        self._expression = ExpressionRule.from_thresholds(
            emotion.display, models.blendshapes.spec.thresholds
        )
        self._valence = ValenceRule(emotion.valence, emotion.thresholds.get("valence", 0.25))
        self._tracker = FaceTracker(TrackerSettings(max_gap_ms=config.track_gap_ms))
        self._budget = WorkBudget(
            emotion_interval_ms=config.emotion_interval_ms,
            mask_interval_ms=config.mask_interval_ms,
        )
        self._tracks: dict[int, _TrackState] = {}
        self._gallery = gallery
        self._gallery_seen = gallery

    def set_gallery(self, gallery: Gallery) -> None:
        """Swap in a new gallery snapshot (safe to call from another thread)."""
        self._gallery = gallery

    def process(self, frame: Frame) -> FrameResult:
        """Analyse one frame; tracks and identities carry over from earlier frames."""
        started = time.perf_counter()
        clock = _Clock()
        gallery = self._gallery
        if gallery is not self._gallery_seen:  # new people: every track identifies afresh
            self._gallery_seen = gallery
            self._tracks.clear()
        image = frame.image_bgr
        found = self._finder.find(image, still=self.still, timer=clock)
        tracked = self._tracker.update([f.box for f in found], frame.timestamp_ms)
        now_ms = frame.timestamp_ms
        looks = [self._look(image, t, f) for t, f in zip(tracked, found, strict=True)]
        self._work(image, looks, now_ms, gallery, clock)
        faces = [self._result(image, look, now_ms) for look in looks]
        active = self._tracker.active_ids
        for gone in set(self._tracks) - active:
            del self._tracks[gone]
        total = (time.perf_counter() - started) * 1000.0
        return FrameResult(
            frame_index=frame.index,
            timestamp_ms=frame.timestamp_ms,
            width=image.shape[1],
            height=image.shape[0],
            faces=tuple(sorted(faces, key=lambda f: f.track_id)),
            times=StageTimes(
                detect_ms=clock.spent.get("detect", 0.0),
                landmarks_ms=clock.spent.get("landmarks", 0.0),
                embed_ms=clock.spent.get("embed", 0.0),
                emotion_ms=clock.spent.get("emotion", 0.0),
                mask_ms=clock.spent.get("mask", 0.0),
                total_ms=total,
            ),
        )

    def _look(self, image: ImageBGR, tracked: TrackedBox, face: FoundFace) -> _Look:
        mesh = face.mesh if face.trusted else None
        quality = measure(tracked.box, mesh, grey_face(image, tracked.box.xyxy))
        state = self._state(tracked.track_id)
        return _Look(tracked, face, mesh, quality, tracked.track_id, state)

    def _work(
        self, image: ImageBGR, looks: list[_Look], now_ms: float, gallery: Gallery, clock: _Clock
    ) -> None:
        """The per-track runs this frame's plan asks for; each model runs once over its faces."""
        plan = plan_work(
            [self._track_work(look, now_ms) for look in looks],
            now_ms,
            self._budget,
            scanned=self._finder.scanned,
            still=self.still,
        )
        by_id = {look.track_id: look for look in looks}
        embed, mask, emotion, shapes = (
            [by_id[i] for i in ids] for ids in (plan.embed, plan.mask, plan.emotion, plan.shapes)
        )
        if embed:  # may restart a track: the looks above follow it
            self._embed(image, embed, now_ms=now_ms, gallery=gallery, clock=clock)
        self._read(image, (mask, emotion, shapes), now_ms, clock)

    def _read(
        self,
        image: ImageBGR,
        looks: tuple[list[_Look], list[_Look], list[_Look]],
        now_ms: float,
        clock: _Clock,
    ) -> None:
        """Mask, emotion and blendshape readings of the looks planned for each."""
        mask, emotion, shapes = looks
        if mask:
            faces = [look.face for look in mask]
            readings = clock.time("mask", lambda: read_masks(self.models.mask, image, faces))
            for look, scores in zip(mask, readings, strict=True):
                look.state.mask, look.state.last_mask_ms = scores, now_ms
        if emotion:
            boxes = [look.tracked.box for look in emotion]
            readings = clock.time(
                "emotion", lambda: self.models.emotion.classify_many(image, boxes)
            )
            for look, scores in zip(emotion, readings, strict=True):
                look.state.smoother.update(scores, now_ms)
                look.state.last_emotion_ms = now_ms
        with_mesh = [(look, look.mesh) for look in shapes if look.mesh is not None]
        if with_mesh:
            blendshapes = self.models.blendshapes
            read = clock.time("emotion", lambda: [blendshapes.scores(m) for _, m in with_mesh])
            for (look, _), scores in zip(with_mesh, read, strict=True):
                look.state.blendshapes.update(scores, now_ms)
                look.state.last_shapes_ms = now_ms

    def _track_work(self, look: _Look, now_ms: float) -> TrackWork:
        state = look.state
        return TrackWork(
            track_id=look.track_id,
            area_px=look.face.area,
            embed_due=look.mesh is not None and self._embed_due(look, now_ms),
            first_embed=look.tracked.is_new or look.tracked.jumped or state.vote.embeddings == 0,
            last_embed_ms=state.last_embed_ms,
            fresh_mesh=look.mesh is not None and look.face.fresh,
            last_emotion_ms=state.last_emotion_ms,
            last_mask_ms=state.last_mask_ms,
            last_shapes_ms=state.last_shapes_ms,
        )

    def _result(self, image: ImageBGR, look: _Look, now_ms: float) -> FaceResult:
        state = look.state
        emotion = state.smoother.current
        blendshapes = state.blendshapes.current
        mesh = look.mesh if look.face.fresh else None
        live = state.liveness.update(now_ms, mesh, state.texture.update(image, mesh)).live
        return FaceResult(
            track_id=look.track_id,
            box=look.tracked.box,
            identity=state.vote.decide(),
            emotion=emotion,
            valence=None if emotion is None else self._valence.classify(emotion),
            mask=state.mask,
            quality=look.quality,
            mesh=look.mesh,
            live=live,
            expression=self._expression.read(emotion, blendshapes),
            blendshapes=blendshapes,
        )

    def _state(self, track_id: int) -> _TrackState:
        state = self._tracks.get(track_id)
        if state is None:
            state = _TrackState(TrackVote(self._votes), EmotionSmoother(), LivenessTracker())
            self._tracks[track_id] = state
        return state

    def _embed_due(self, look: _Look, now_ms: float) -> bool:
        if look.quality.size_px < self.config.min_face_px:
            return False
        if look.tracked.is_new or look.tracked.jumped:
            return True
        settled = look.state.vote.embeddings >= self.config.min_votes
        interval = self.config.embed_interval_ms if settled else self.config.embed_burst_ms
        return now_ms - look.state.last_embed_ms >= interval

    def _embed(
        self,
        image: ImageBGR,
        looks: list[_Look],
        *,
        now_ms: float,
        gallery: Gallery,
        clock: _Clock,
    ) -> None:
        with_mesh = [(look, look.mesh) for look in looks if look.mesh is not None]
        embedder = self.models.embedder
        descriptors = clock.time(
            "embed", lambda: embedder.embed_many(image, [m for _, m in with_mesh])
        )
        for (look, _), descriptor in zip(with_mesh, descriptors, strict=True):
            if look.state.vote.is_different_person(descriptor):  # e.g. a cut between two people
                del self._tracks[look.track_id]
                look.track_id = self._tracker.restart(look.track_id, now_ms)
                look.state = self._state(look.track_id)
            nearest = gallery.nearest(descriptor, k=1)
            weight = recognition_weight(look.quality)
            look.state.vote.add(descriptor, nearest[0] if nearest else None, weight)
            look.state.last_embed_ms = now_ms
