"""`kiosk bench soak --minutes M VIDEO`: hours of kiosk work in minutes, watching memory.

The video loops through the pipeline and the kiosk's own `ShopperSession` (visits, liveness
gate, suggestions, greeting), as `kiosk run` drives them, only as fast as possible: a shopper
taps the first card of every fifth new slate, and visits end when the faces go. The database
is a scratch kiosk's (deleted afterwards) with the demo catalog imported and the gallery's
people enrolled, so identities are real person ids. Every `interval_s` the resident memory and
the frame times of that interval are sampled; memory growth is measured after the first
interval (warm-up: model arenas, caches and the SQLite page cache fill during it).
"""

from __future__ import annotations

import logging
import resource
import sys
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kiosk.camera.sources import VideoFileSource
from kiosk.commands.loaders import empty_gallery, gallery_from_folder, load_models
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import Frame
from kiosk.errors import InputError
from kiosk.paths import demo_catalog, demo_people_dir
from kiosk.services.demo import ScratchKiosk, scratch_kiosk
from kiosk.services.shopper_session import Card, ScreenMode
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

TAP_EVERY_SLATES = 5  # a shopper taps the first product of every fifth new slate
MAX_ERROR_MESSAGES = 5


@dataclass(frozen=True, slots=True)
class SoakSample:
    """One interval of the soak.

    Attributes:
        elapsed_s: seconds since the start, at the end of the interval.
        rss_mb: resident memory of the process then, in MiB.
        frames: frames processed in the interval.
        p50_ms, p95_ms: whole-frame time (pipeline + suggestions) in the interval.
        errors: frames that raised in the interval.
    """

    elapsed_s: float
    rss_mb: float
    frames: int
    p50_ms: float
    p95_ms: float
    errors: int


@dataclass(frozen=True, slots=True)
class SoakReport:
    """The numbers `kiosk bench soak` prints.

    Attributes:
        video: the looped file.
        planned_s: how long the soak was asked to run.
        wall_s: how long it ran.
        frames: frames processed.
        loops: times the video was played through (counting the partial last one).
        slates: new suggestion slates shown.
        taps: taps recorded.
        visits: visits recorded (faces that stayed long enough, then left).
        identified: frames with an enrolled person in them.
        samples: one per interval.
        p50_ms, p95_ms, p99_ms, max_ms: whole-frame time over the run.
        errors: frames that raised.
        first_errors: the first few error messages.
        rss_start_mb: resident memory before the first frame (models loaded).
        rss_warm_mb: after the first interval.
        rss_end_mb: at the end.
        growth_after_warmup_mb: `rss_end_mb - rss_warm_mb`.
        peak_rss_mb: peak resident memory of the process.
    """

    video: str
    planned_s: float
    wall_s: float
    frames: int
    loops: float
    slates: int
    taps: int
    visits: int
    identified: int
    samples: tuple[SoakSample, ...]
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    first_errors: tuple[str, ...]
    rss_start_mb: float
    rss_warm_mb: float
    rss_end_mb: float
    growth_after_warmup_mb: float
    peak_rss_mb: float


def rss_mb() -> float:
    """Current resident memory of this process in MiB (Linux /proc; elsewhere the peak)."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
        return int(fields[1]) * resource.getpagesize() / 2**20
    except (OSError, IndexError, ValueError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 1024.0


def _percentiles(values: Sequence[float], qs: Sequence[float]) -> tuple[float, ...]:
    if not values:
        return tuple(0.0 for _ in qs)
    return tuple(float(v) for v in np.percentile(np.asarray(values, np.float64), qs))


@dataclass(slots=True)
class _Tally:
    """Mutable counters of one run (lives inside `run_soak` only)."""

    started_s: float
    all_ms: array[float] = field(default_factory=lambda: array("d"))  # 8 bytes a frame
    interval_ms: array[float] = field(default_factory=lambda: array("d"))
    interval_errors: int = 0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)
    samples: list[SoakSample] = field(default_factory=list)
    frames: int = 0
    slates: int = 0
    taps: int = 0
    visits: int = 0
    identified: int = 0
    last_cards: tuple[Card, ...] = ()

    def error(self, message: str) -> None:
        self.errors += 1
        self.interval_errors += 1
        if len(self.first_errors) < MAX_ERROR_MESSAGES:
            self.first_errors.append(message)

    def sample(self) -> SoakSample:
        p50, p95 = _percentiles(self.interval_ms, (50, 95))
        elapsed = time.monotonic() - self.started_s
        sample = SoakSample(
            elapsed, rss_mb(), len(self.interval_ms), p50, p95, self.interval_errors
        )
        self.samples.append(sample)
        self.interval_ms, self.interval_errors = array("d"), 0
        return sample


def _step(kiosk: ScratchKiosk, pipeline: Pipeline, frame: Frame, tally: _Tally) -> None:
    """One frame through the pipeline and the shopper session, as the kiosk's GUI thread does."""
    result = pipeline.process(frame)
    tally.identified += any(f.identity.known for f in result.faces)
    update = kiosk.session.on_result(result, frame.timestamp_ms / 1000.0)
    picks = update is not None and update.mode is ScreenMode.SHOPPER and bool(update.cards)
    if update is not None and picks and update.cards != tally.last_cards:
        tally.last_cards = update.cards
        tally.slates += 1
        if tally.slates % TAP_EVERY_SLATES == 0:
            kiosk.session.on_interested(update.cards[0].sku, frame.timestamp_ms / 1000.0)
            tally.taps += 1


def soak(
    config: KioskConfig,
    video: Path,
    *,
    minutes: float,
    interval_s: float,
    enroll: Path | None,
    catalog: Path | None,
    on_sample: Callable[[SoakSample], None] | None = None,
) -> SoakReport:
    """Load the models and the people to recognise (`enroll`, default the demo people), then
    run `run_soak` for `minutes`.

    Raises:
        InputError: non-positive minutes or interval; unreadable video, folder or catalog.
        ModelError: a model file is missing or broken.
    """
    if minutes <= 0 or interval_s <= 0:
        raise InputError("--minutes and --interval must be positive")
    with load_models(config) as models:
        folder = enroll if enroll is not None else demo_people_dir()
        if enroll is None and not folder.is_dir():
            gallery = empty_gallery(models)
        else:
            gallery = gallery_from_folder(models, folder).gallery
        return run_soak(
            config,
            models,
            gallery,
            video,
            seconds=minutes * 60.0,
            catalog=catalog or demo_catalog(),
            interval_s=interval_s,
            on_sample=on_sample,
        )


def run_soak(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    video: Path,
    *,
    seconds: float,
    catalog: Path,
    interval_s: float = 60.0,
    on_sample: Callable[[SoakSample], None] | None = None,
) -> SoakReport:
    """Loop `video` through the pipeline and the suggestions for `seconds`, sampling memory.

    Args:
        config: settings (pipeline, recommend, paths.models_dir).
        models: loaded models (not closed here).
        gallery: people to recognise (enrolled into the temporary database).
        video: the clip to loop.
        seconds: how long to run (wall clock).
        catalog: the product catalog to import (CSV or JSON).
        interval_s: seconds between memory samples (the first one ends the warm-up).
        on_sample: called with each sample as it is taken (progress).

    Raises:
        InputError: the video or the catalog cannot be read.
    """
    with (
        scratch_kiosk(config, models, gallery, catalog) as kiosk,
        VideoFileSource(video, loop=True) as source,
    ):
        pipeline = Pipeline(models, kiosk.gallery, config.pipeline)
        rss_start = rss_mb()
        tally = _Tally(time.monotonic())
        _loop(
            lambda frame: _step(kiosk, pipeline, frame, tally),
            source.frames(),
            tally,
            seconds=seconds,
            interval_s=interval_s,
            on_sample=on_sample,
        )
        frame_count = max(source.frame_count, 1)
        tally.visits = kiosk.session.visits.written
    return _report(str(video), seconds, tally, rss_start, tally.frames / frame_count)


def _loop(
    step: Callable[[Frame], None],
    frames: Iterator[Frame],
    tally: _Tally,
    *,
    seconds: float,
    interval_s: float,
    on_sample: Callable[[SoakSample], None] | None,
) -> None:
    next_sample = tally.started_s + interval_s
    for frame in frames:
        now = time.monotonic()
        if now >= next_sample:
            sample = tally.sample()
            next_sample += interval_s
            if on_sample is not None:
                on_sample(sample)
        if now - tally.started_s >= seconds:
            break
        started = time.perf_counter()
        try:
            step(frame)
        except Exception as exc:  # the soak counts failures instead of stopping at the first
            log.exception("soak: frame %d failed", frame.index)
            tally.error(f"frame {frame.index}: {type(exc).__name__}: {exc}")
        tally.frames += 1
        ms = (time.perf_counter() - started) * 1000.0
        tally.all_ms.append(ms)
        tally.interval_ms.append(ms)
    if tally.interval_ms or not tally.samples:
        sample = tally.sample()
        if on_sample is not None:
            on_sample(sample)


def _report(
    video: str, planned_s: float, tally: _Tally, rss_start: float, loops: float
) -> SoakReport:
    p50, p95, p99 = _percentiles(tally.all_ms, (50, 95, 99))
    warm = tally.samples[0].rss_mb
    end = tally.samples[-1].rss_mb
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return SoakReport(
        video=video,
        planned_s=planned_s,
        wall_s=tally.samples[-1].elapsed_s,
        frames=tally.frames,
        loops=loops,
        slates=tally.slates,
        taps=tally.taps,
        visits=tally.visits,
        identified=tally.identified,
        samples=tuple(tally.samples),
        p50_ms=p50,
        p95_ms=p95,
        p99_ms=p99,
        max_ms=max(tally.all_ms, default=0.0),
        errors=tally.errors,
        first_errors=tuple(tally.first_errors),
        rss_start_mb=rss_start,
        rss_warm_mb=warm,
        rss_end_mb=end,
        growth_after_warmup_mb=end - warm,
        peak_rss_mb=peak_kb / 1024.0,
    )
