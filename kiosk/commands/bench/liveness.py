"""`kiosk bench liveness`: time to live on real-person videos, pass rates of generated spoofs.

Real videos are played from several start offsets, each through a fresh pipeline, so one clip
gives many time-to-live samples (a face "arrives" at every start). Spoofs are made from photos
by `kiosk.vision.liveness_spoofs` and fed through the same pipeline. Nothing is asserted.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.camera.sources import IMAGE_SUFFIXES, VideoFileSource, read_image
from kiosk.commands.loaders import empty_gallery, load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.errors import InputError
from kiosk.vision.liveness_eval import SpoofOutcome, TrackLiveness, spoof_outcome, time_to_live
from kiosk.vision.liveness_spoofs import SpoofKind, print_material
from kiosk.vision.models import VisionModels


@dataclass(frozen=True, slots=True)
class BenchPlan:
    """What to measure.

    Attributes:
        videos: real-person videos.
        photos: photos to make spoofs from.
        kinds: spoof kinds.
        seeds: spoof variants per photo and kind (seeds 0 .. seeds-1).
        fps, seconds: frame rate and length of each spoof.
        start_every_s: a video is played from 0, this, twice this, ... seconds.
        max_wait_s: each play lasts at most this long.
        target_s: the time to live a live person should reach.
    """

    videos: tuple[Path, ...]
    photos: tuple[Path, ...]
    kinds: tuple[SpoofKind, ...] = tuple(SpoofKind)
    seeds: int = 2
    fps: float = 15.0
    seconds: float = 6.0
    start_every_s: float = 1.0
    max_wait_s: float = 4.0
    target_s: float = 1.5


@dataclass(frozen=True, slots=True)
class VideoLiveness:
    """Time to live over the starts of one video.

    Attributes:
        video: the file.
        starts_s: the start offsets that had a face to judge.
        times_s: per start, seconds from the face's first frame to live; None = not live
            while it was followed (at least `target_s`) within `max_wait_s`.
        median_s, p90_s, max_s: over the starts (no interpolation: the higher of two middle
            values), counting "not live" as infinitely slow (None when that is where the
            statistic lands).
        within_target: fraction of starts live within the target.
    """

    video: str
    starts_s: tuple[float, ...]
    times_s: tuple[float | None, ...]
    median_s: float | None
    p90_s: float | None
    max_s: float | None
    within_target: float


@dataclass(frozen=True, slots=True)
class KindPassRate:
    """Pass rate of one spoof kind.

    Attributes:
        kind: the attack.
        runs: sequences fed.
        passed: sequences in which some track went live.
        rate: passed / runs.
        max_parallax, max_texture, max_deformation: the largest cue values any run reached
            (agreed nose shift, nose texture shift, mesh deformation; IOD).
        max_blinks: the most blinks any run counted.
    """

    kind: str
    runs: int
    passed: int
    rate: float
    max_parallax: float
    max_texture: float
    max_deformation: float
    max_blinks: int


@dataclass(frozen=True, slots=True)
class LivenessBenchReport:
    """Everything `kiosk bench liveness` measured."""

    target_s: float
    videos: tuple[VideoLiveness, ...]
    kinds: tuple[KindPassRate, ...]
    spoofs: tuple[SpoofOutcome, ...]
    photos_without_face: tuple[str, ...]


def count_steps(plan: BenchPlan) -> int:
    """Runs the bench will make (video starts + spoof sequences), for progress bars."""
    starts = sum(len(video_starts(v, plan)) for v in plan.videos)
    return starts + len(plan.photos) * len(plan.kinds) * plan.seeds


def video_starts(video: Path, plan: BenchPlan) -> tuple[float, ...]:
    """Start offsets (s) of one video: every `start_every_s` while `max_wait_s` still fits."""
    with VideoFileSource(video) as source:
        duration = source.frame_count / source.fps
    last = max(0.0, duration - plan.max_wait_s)
    return tuple(float(s) for s in np.arange(0.0, last + 1e-9, plan.start_every_s))


def collect_photos(paths: Sequence[Path]) -> tuple[Path, ...]:
    """Image files among `paths`, folders searched recursively, in name order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"photo or folder {path} does not exist")
    return tuple(found)


def liveness(
    config: KioskConfig, plan: BenchPlan, progress: Progress = SILENT
) -> LivenessBenchReport:
    """Load the models, then measure time to live on every video and the pass rate of every
    spoof kind (one progress step per video start and per spoof sequence).

    Raises:
        InputError: a video or photo cannot be read.
        ModelError: a model file is missing or broken.
    """
    progress.start("liveness", count_steps(plan))
    with load_models(config) as models:
        return run_liveness_bench(config, models, plan, progress)


def run_liveness_bench(
    config: KioskConfig, models: VisionModels, plan: BenchPlan, progress: Progress = SILENT
) -> LivenessBenchReport:
    """Measure time to live on every video and the pass rate of every spoof kind."""
    videos = tuple(_video(config, models, video, plan, progress) for video in plan.videos)
    outcomes: list[SpoofOutcome] = []
    no_face: list[str] = []
    for photo in plan.photos:
        material = print_material(models, read_image(photo))
        if material is None:
            no_face.append(str(photo))
            progress.advance(len(plan.kinds) * plan.seeds)
            continue
        for kind, seed in itertools.product(plan.kinds, range(plan.seeds)):
            outcomes.append(
                spoof_outcome(
                    models,
                    empty_gallery(models),
                    config.pipeline,
                    material,
                    kind=kind,
                    photo=photo.name,
                    seed=seed,
                    fps=plan.fps,
                    seconds=plan.seconds,
                )
            )
            progress.advance()
    kinds = tuple(_pass_rate(k, [o for o in outcomes if o.kind == k]) for k in plan.kinds)
    return LivenessBenchReport(plan.target_s, videos, kinds, tuple(outcomes), tuple(no_face))


def _video(
    config: KioskConfig,
    models: VisionModels,
    video: Path,
    plan: BenchPlan,
    progress: Progress,
) -> VideoLiveness:
    starts: list[float] = []
    times: list[float | None] = []
    for start_s in video_starts(video, plan):
        with VideoFileSource(video) as source:
            frames = itertools.islice(source.frames(), round(start_s * source.fps), None)
            tracks = time_to_live(
                models,
                empty_gallery(models),
                config.pipeline,
                frames,
                stop_after_ms=plan.max_wait_s * 1000.0,
            )
        outcome = _first_live(tracks, plan.target_s)
        if outcome is not False:
            starts.append(start_s)
            times.append(outcome)
        progress.advance()
    return _summary(str(video), starts, times, plan.target_s)


def _first_live(tracks: Sequence[TrackLiveness], target_s: float) -> float | bool | None:
    """The fastest track's time to live; None if a face followed >= target never went live;
    False if no face was followed long enough to judge."""
    lived = [t.time_to_live_s for t in tracks if t.time_to_live_s is not None]
    if lived:
        return min(lived)
    if any(t.followed_s >= target_s for t in tracks):
        return None
    return False


def _summary(
    video: str, starts: list[float], times: list[float | None], target_s: float
) -> VideoLiveness:
    values = np.array([math.inf if t is None else t for t in times], np.float64)

    def stat(q: float) -> float | None:
        if not len(values):
            return None
        value = float(np.quantile(values, q, method="higher"))
        return value if math.isfinite(value) else None

    within = float(np.mean(values <= target_s)) if len(values) else 0.0
    return VideoLiveness(
        video, tuple(starts), tuple(times), stat(0.5), stat(0.9), stat(1.0), within
    )


def _pass_rate(kind: SpoofKind, outcomes: Sequence[SpoofOutcome]) -> KindPassRate:
    passed = sum(o.passed for o in outcomes)
    return KindPassRate(
        kind=str(kind),
        runs=len(outcomes),
        passed=passed,
        rate=passed / len(outcomes) if outcomes else 0.0,
        max_parallax=max((o.max_parallax for o in outcomes), default=0.0),
        max_texture=max((o.max_texture for o in outcomes), default=0.0),
        max_deformation=max((o.max_deformation for o in outcomes), default=0.0),
        max_blinks=max((o.blinks for o in outcomes), default=0),
    )
