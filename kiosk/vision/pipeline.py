"""`Pipeline.process(frame) -> FrameResult`: detect, track, landmarks, and per-track work.

A plain object with no threads and no Qt: the GUI's worker, the CLI and the tests call it alike.
Per track: embed when the track starts (a short burst until enough votes), then re-check about
once a second; emotion about 10 times a second, smoothed; mask about once a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from kiosk.config import PipelineConfig
from kiosk.core.emotion import EmotionSmoother, ValenceRule
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
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR, grey_face

T = TypeVar("T")


@dataclass(slots=True)
class _TrackState:
    vote: TrackVote
    smoother: EmotionSmoother
    liveness: LivenessTracker
    last_embed_ms: float = -1e18
    last_emotion_ms: float = -1e18
    last_mask_ms: float = -1e18
    mask: ClassScores | None = None


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

    def __init__(self, models: VisionModels, gallery: Gallery, config: PipelineConfig) -> None:
        """Build a pipeline.

        Args:
            models: loaded models (the pipeline does not close them).
            gallery: enrolled people; swap later with `set_gallery`.
            config: scheduling and identity rules.
        """
        self.models = models
        self.config = config
        spec = models.embedder.spec
        max_distance = config.max_distance or spec.threshold("max_distance")
        self._votes = VoteSettings(max_distance=max_distance, min_votes=config.min_votes)
        emotion = models.emotion.spec
        self._valence = ValenceRule(emotion.valence, emotion.thresholds.get("valence", 0.25))
        self._tracker = FaceTracker(TrackerSettings(max_gap_ms=config.track_gap_ms))
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
        boxes = clock.time("detect", lambda: self.models.detector.detect(image))
        mesh_model = self.models.mesh

        def landmarks() -> list[FaceMesh]:
            return [mesh_model.landmarks(image, box) for box in boxes]

        meshes = clock.time("landmarks", landmarks)
        confirmed = [
            (b, m) for b, m in zip(boxes, meshes, strict=True) if mesh_model.confirms(b, m)
        ]
        tracked = self._tracker.update([b for b, _ in confirmed], frame.timestamp_ms)
        faces = [
            self._analyse(
                image, t, mesh=mesh, now_ms=frame.timestamp_ms, gallery=gallery, clock=clock
            )
            for t, (_, mesh) in zip(tracked, confirmed, strict=True)
        ]
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

    def _analyse(
        self,
        image: ImageBGR,
        tracked: TrackedBox,
        *,
        mesh: FaceMesh,
        now_ms: float,
        gallery: Gallery,
        clock: _Clock,
    ) -> FaceResult:
        box = tracked.box
        mesh_or_none = mesh if self.models.mesh.trusted(mesh) else None
        quality = measure(box, mesh_or_none, grey_face(image, box.xyxy))
        track_id = tracked.track_id
        state = self._state(track_id)
        if mesh_or_none is not None and self._embed_due(state, tracked, quality, now_ms):
            track_id, state = self._embed(
                image=image,
                now_ms=now_ms,
                track_id=track_id,
                state=state,
                mesh=mesh,
                quality=quality,
                gallery=gallery,
                clock=clock,
            )
        if now_ms - state.last_emotion_ms >= self.config.emotion_interval_ms:
            scores = clock.time("emotion", lambda: self.models.emotion.classify(image, box))
            state.smoother.update(scores, now_ms)
            state.last_emotion_ms = now_ms
        if now_ms - state.last_mask_ms >= self.config.mask_interval_ms:
            state.mask = clock.time("mask", lambda: self.models.mask.classify(image, box))
            state.last_mask_ms = now_ms
        emotion = state.smoother.current
        live = state.liveness.update(now_ms, mesh_or_none).live
        return FaceResult(
            track_id=track_id,
            box=box,
            identity=state.vote.decide(),
            emotion=emotion,
            valence=None if emotion is None else self._valence.classify(emotion),
            mask=state.mask,
            quality=quality,
            mesh=mesh_or_none,
            live=live,
        )

    def _state(self, track_id: int) -> _TrackState:
        state = self._tracks.get(track_id)
        if state is None:
            state = _TrackState(TrackVote(self._votes), EmotionSmoother(), LivenessTracker())
            self._tracks[track_id] = state
        return state

    def _embed_due(
        self, state: _TrackState, tracked: TrackedBox, quality: Quality, now_ms: float
    ) -> bool:
        if quality.size_px < self.config.min_face_px:
            return False
        if tracked.is_new or tracked.jumped:
            return True
        settled = state.vote.embeddings >= self.config.min_votes
        interval = self.config.embed_interval_ms if settled else self.config.embed_burst_ms
        return now_ms - state.last_embed_ms >= interval

    def _embed(
        self,
        *,
        image: ImageBGR,
        now_ms: float,
        track_id: int,
        state: _TrackState,
        mesh: FaceMesh,
        quality: Quality,
        gallery: Gallery,
        clock: _Clock,
    ) -> tuple[int, _TrackState]:
        descriptor = clock.time("embed", lambda: self.models.embedder.embed(image, mesh))
        if state.vote.is_different_person(descriptor):  # e.g. a cut between two people
            del self._tracks[track_id]
            track_id = self._tracker.restart(track_id, now_ms)
            state = self._state(track_id)
        nearest = gallery.nearest(descriptor, k=1)
        state.vote.add(descriptor, nearest[0] if nearest else None, recognition_weight(quality))
        state.last_embed_ms = now_ms
        return track_id, state
