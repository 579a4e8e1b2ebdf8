"""`kiosk bench pipeline VIDEO`: per-stage latency, frame rate and memory over a whole video."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.camera.sources import VideoFileSource
from kiosk.commands.analyze import frame_total
from kiosk.commands.loaders import load_models, recognition_gallery
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import FrameResult
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

STAGES = ("detect", "landmarks", "embed", "emotion", "mask", "total")


@dataclass(frozen=True, slots=True)
class StageStats:
    """Latency of one stage over the frames in which it ran.

    Attributes:
        stage: stage name ("total" is the whole frame).
        runs: frames in which the stage ran.
        p50_ms, p95_ms, max_ms: percentiles of its per-frame time.
    """

    stage: str
    runs: int
    p50_ms: float
    p95_ms: float
    max_ms: float


@dataclass(frozen=True, slots=True)
class BenchReport:
    """The numbers `kiosk bench pipeline` prints.

    Attributes:
        video: the file benchmarked.
        threads: onnxruntime threads per model.
        frames: frames processed.
        wall_s: wall-clock seconds for all frames (decoding included).
        fps: frames per second over the run.
        stages: latency per stage.
        steady: whole-frame latency over frames whose faces were all identified (or None).
        peak_rss_mb: peak resident memory of the process.
        samples_ms: per-frame milliseconds per stage (for the histogram).
    """

    video: str
    threads: int
    frames: int
    wall_s: float
    fps: float
    stages: tuple[StageStats, ...]
    steady: StageStats | None
    peak_rss_mb: float
    samples_ms: dict[str, tuple[float, ...]]


def _stats(stage: str, samples: Sequence[float]) -> StageStats:
    if not samples:
        return StageStats(stage, 0, 0.0, 0.0, 0.0)
    values = np.asarray(samples, dtype=np.float64)
    p50, p95 = np.percentile(values, [50, 95])
    return StageStats(stage, len(values), float(p50), float(p95), float(values.max()))


def _stage_times(result: FrameResult) -> dict[str, float]:
    t = result.times
    return {
        "detect": t.detect_ms,
        "landmarks": t.landmarks_ms,
        "embed": t.embed_ms,
        "emotion": t.emotion_ms,
        "mask": t.mask_ms,
        "total": t.total_ms,
    }


def bench_pipeline(
    config: KioskConfig, video: Path, enroll: Path | None, progress: Progress = SILENT
) -> BenchReport:
    """Load the models and a gallery (`--enroll`, else the database's people), then measure.

    Raises:
        ModelError: a model file is missing or broken.
        InputError: the video or the enrolment folder cannot be read.
    """
    with load_models(config) as models:
        progress.start("enrolling", None)
        loaded = recognition_gallery(config, models, enroll, lambda _: progress.advance())
        progress.note(loaded.description)
        progress.start("benchmarking", frame_total(video))
        return run_bench(config, models, loaded.gallery, video, lambda _: progress.advance())


def run_bench(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    video: Path,
    on_frame: Callable[[FrameResult], None] | None = None,
) -> BenchReport:
    """Process every frame of `video` once, as fast as possible, and measure."""
    samples: dict[str, list[float]] = {stage: [] for stage in STAGES}
    steady: list[float] = []
    pipeline = Pipeline(models, gallery, config.pipeline)
    frames = 0
    with VideoFileSource(video) as source:
        start = time.perf_counter()
        for frame in source.frames():
            result = pipeline.process(frame)
            frames += 1
            for stage, ms in _stage_times(result).items():
                if ms > 0.0:
                    samples[stage].append(ms)
            if result.faces and all(f.identity.known for f in result.faces):
                steady.append(result.times.total_ms)
            if on_frame is not None:
                on_frame(result)
        wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return BenchReport(
        video=str(video),
        threads=config.vision.threads,
        frames=frames,
        wall_s=wall,
        fps=frames / wall if wall > 0 else 0.0,
        stages=tuple(_stats(stage, samples[stage]) for stage in STAGES),
        steady=_stats("total (identified)", steady) if steady else None,
        peak_rss_mb=peak_kb / 1024.0,
        samples_ms={stage: tuple(values) for stage, values in samples.items()},
    )
