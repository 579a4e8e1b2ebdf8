"""Measure the liveness check through the real pipeline: time to live, and spoofs that pass.

Frames go through `Pipeline.process` (detector, face mesh, texture flow, liveness) exactly as
in the kiosk; nothing here decides liveness itself.

- `time_to_live`: feed a real person's frames; per track, when it was first seen and when it
  first went live.
- `spoof_outcome`: feed one generated attack (`kiosk.vision.liveness_spoofs`); did any track go
  live, and how close did the cues come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kiosk.config import PipelineConfig
from kiosk.core.gallery import Gallery
from kiosk.core.liveness import LivenessResult, LivenessTracker
from kiosk.core.types import FaceResult, Frame
from kiosk.vision.liveness_spoofs import PrintMaterial, SpoofKind, spoof_frames
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline
from kiosk.vision.texture_motion import TextureTracker


@dataclass(frozen=True, slots=True)
class TrackLiveness:
    """What happened to one track.

    Attributes:
        track_id: the pipeline's track id.
        first_seen_ms: timestamp of its first frame.
        last_seen_ms: timestamp of its last frame.
        live_ms: timestamp of its first live frame, or None if it never went live.
        reason: the cues that made it live ("" if never).
    """

    track_id: int
    first_seen_ms: float
    last_seen_ms: float
    live_ms: float | None
    reason: str

    @property
    def time_to_live_s(self) -> float | None:
        """Seconds from first seen to live, or None."""
        return None if self.live_ms is None else (self.live_ms - self.first_seen_ms) / 1000.0

    @property
    def followed_s(self) -> float:
        """Seconds the track was followed."""
        return (self.last_seen_ms - self.first_seen_ms) / 1000.0


@dataclass(frozen=True, slots=True)
class SpoofOutcome:
    """One generated attack through the pipeline.

    Attributes:
        kind: the attack.
        photo: which photo it was made from.
        seed: the generator's seed.
        frames: frames fed.
        frames_with_face: frames in which a face was tracked.
        passed: some track went live.
        reason: the cues that made it live ("" if none).
        max_parallax: the largest nose shift (IOD) the texture and mesh agreed on, any track.
        max_texture: the largest nose texture shift (IOD) any track showed.
        max_deformation: the largest mesh deformation (IOD) any track showed.
        blinks: the most blinks any track counted.
    """

    kind: str
    photo: str
    seed: int
    frames: int
    frames_with_face: int
    passed: bool
    reason: str
    max_parallax: float
    max_texture: float
    max_deformation: float
    blinks: int


class _Shadow:
    """The pipeline's per-track liveness redone beside it (same meshes, same frames), to read
    the cues and reasons that `FaceResult.live` does not carry."""

    def __init__(self) -> None:
        self._texture: dict[int, TextureTracker] = {}
        self._liveness: dict[int, LivenessTracker] = {}

    def update(self, frame: Frame, face: FaceResult) -> LivenessResult:
        texture = self._texture.setdefault(face.track_id, TextureTracker())
        tracker = self._liveness.setdefault(face.track_id, LivenessTracker())
        points = texture.update(frame.image_bgr, face.mesh)
        return tracker.update(frame.timestamp_ms, face.mesh, points)


def time_to_live(
    models: VisionModels,
    gallery: Gallery,
    config: PipelineConfig,
    frames: Iterable[Frame],
    *,
    stop_after_ms: float | None = None,
    on_frame: Callable[[Frame], None] | None = None,
) -> tuple[TrackLiveness, ...]:
    """Run a fresh pipeline over `frames`; every track's first-seen and first-live times.

    Args:
        models: loaded models.
        gallery: who the pipeline recognises (liveness does not depend on it).
        config: the pipeline's settings.
        frames: the video, in time order.
        stop_after_ms: stop this long after the first frame (None: run to the end).
        on_frame: called after each frame (progress bars).
    """
    pipeline = Pipeline(models, gallery, config)
    shadow = _Shadow()
    seen: dict[int, list[float]] = {}
    live: dict[int, tuple[float, str]] = {}
    start: float | None = None
    for frame in frames:
        start = frame.timestamp_ms if start is None else start
        if stop_after_ms is not None and frame.timestamp_ms - start > stop_after_ms:
            break
        for face in pipeline.process(frame).faces:
            verdict = shadow.update(frame, face)
            times = seen.setdefault(face.track_id, [frame.timestamp_ms, frame.timestamp_ms])
            times[1] = frame.timestamp_ms
            if face.live and face.track_id not in live:
                live[face.track_id] = (frame.timestamp_ms, verdict.reason)
        if on_frame is not None:
            on_frame(frame)
    return tuple(
        TrackLiveness(
            track_id=track,
            first_seen_ms=first,
            last_seen_ms=last,
            live_ms=live[track][0] if track in live else None,
            reason=live[track][1] if track in live else "",
        )
        for track, (first, last) in sorted(seen.items())
    )


def spoof_outcome(
    models: VisionModels,
    gallery: Gallery,
    config: PipelineConfig,
    material: PrintMaterial,
    *,
    kind: SpoofKind,
    photo: str,
    seed: int,
    fps: float,
    seconds: float,
) -> SpoofOutcome:
    """Run one generated attack through a fresh pipeline."""
    pipeline = Pipeline(models, gallery, config)
    shadow = _Shadow()
    frames = with_face = blinks = 0
    passed, reason, parallax, texture, deformation = False, "", 0.0, 0.0, 0.0
    for frame in spoof_frames(material, kind, seed=seed, fps=fps, seconds=seconds):
        frames += 1
        faces = pipeline.process(frame).faces
        with_face += bool(faces)
        for face in faces:
            verdict = shadow.update(frame, face)
            parallax = max(parallax, verdict.max_parallax)
            texture = max(texture, verdict.max_texture)
            deformation = max(deformation, verdict.max_deformation)
            blinks = max(blinks, verdict.blinks)
            if face.live and not passed:
                passed, reason = True, verdict.reason or "live"
    return SpoofOutcome(
        kind=str(kind),
        photo=photo,
        seed=seed,
        frames=frames,
        frames_with_face=with_face,
        passed=passed,
        reason=reason,
        max_parallax=parallax,
        max_texture=texture,
        max_deformation=deformation,
        blinks=blinks,
    )
