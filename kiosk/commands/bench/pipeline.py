"""`kiosk bench pipeline VIDEO`: per-stage latency, frame rate and memory over a whole video.

Wall-clock milliseconds move with whatever else the machine runs; the process CPU time per
frame ("cpu") moves much less, so it is reported beside them. With `--faces` the same is
measured on the crowd clips (`kiosk.vision.crowd_clip`: 1-4 public-domain portraits in view),
made in a temporary folder, to show how the cost grows with the number of faces.
"""

from __future__ import annotations

import dataclasses
import resource
import tempfile
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
from kiosk.errors import InputError
from kiosk.paths import resource_root
from kiosk.vision.crowd_clip import PORTRAITS, write_clip
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

STAGES = ("detect", "landmarks", "embed", "emotion", "mask", "total")
CROWD_SECONDS = 10.0


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
        cpu: CPU time of the whole process per frame (all its threads; decoding excluded).
        steady: whole-frame latency over frames whose faces were all identified (or None).
        peak_rss_mb: peak resident memory of the process.
        samples_ms: per-frame milliseconds per stage, and "cpu" (for the histogram).
        faces: faces in view for a crowd clip (`--faces`), else None.
    """

    video: str
    threads: int
    frames: int
    wall_s: float
    fps: float
    stages: tuple[StageStats, ...]
    cpu: StageStats
    steady: StageStats | None
    peak_rss_mb: float
    samples_ms: dict[str, tuple[float, ...]]
    faces: int | None = None

    def stage(self, name: str) -> StageStats:
        """The statistics of one stage by name ("total", "detect", ...)."""
        return next(s for s in self.stages if s.stage == name)


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
    config: KioskConfig,
    video: Path,
    enroll: Path | None,
    progress: Progress = SILENT,
    *,
    max_frames: int | None = None,
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
        total = frame_total(video)
        if total is not None and max_frames is not None:
            total = min(total, max_frames)
        progress.start("benchmarking", total)
        return run_bench(
            config,
            models,
            loaded.gallery,
            video,
            lambda _: progress.advance(),
            max_frames=max_frames,
        )


def default_faces_dir() -> Path:
    """The public-domain portraits the crowd clips are made of (a source checkout's fixtures)."""
    return resource_root() / "tests" / "fixtures" / "faces"


def bench_crowds(
    config: KioskConfig,
    counts: Sequence[int],
    enroll: Path | None,
    faces_dir: Path,
    progress: Progress = SILENT,
    *,
    seconds: float = CROWD_SECONDS,
) -> tuple[BenchReport, ...]:
    """One crowd clip per number of faces in `counts`, each benchmarked as `bench_pipeline`.

    Raises:
        InputError: a count outside 1..4, or `faces_dir` lacks the portraits.
        ModelError: a model file is missing or broken.
    """
    wrong = [n for n in counts if not 1 <= n <= len(PORTRAITS)]
    if wrong or not counts:
        raise InputError(f"--faces expects numbers from 1 to {len(PORTRAITS)}, got {wrong}")
    missing = [rel for rel, _ in PORTRAITS if not (faces_dir / rel).is_file()]
    if missing:
        raise InputError(f"the crowd clips need the portraits {missing} in {faces_dir}")
    reports = []
    with load_models(config) as models, tempfile.TemporaryDirectory() as tmp:
        progress.start("enrolling", None)
        loaded = recognition_gallery(config, models, enroll, lambda _: progress.advance())
        progress.note(loaded.description)
        for count in counts:
            clip = Path(tmp) / f"crowd{count}.avi"
            frames = write_clip(clip, faces_dir, count, seconds)
            progress.start(f"{count} face(s)", frames)
            report = run_bench(config, models, loaded.gallery, clip, lambda _: progress.advance())
            reports.append(_as_crowd(report, count))
    return tuple(reports)


def _as_crowd(report: BenchReport, faces: int) -> BenchReport:
    return dataclasses.replace(report, video=f"crowd clip, {faces} face(s)", faces=faces)


def run_bench(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    video: Path,
    on_frame: Callable[[FrameResult], None] | None = None,
    *,
    max_frames: int | None = None,
) -> BenchReport:
    """Process every frame of `video` (or its first `max_frames`) once, as fast as possible."""
    samples: dict[str, list[float]] = {stage: [] for stage in (*STAGES, "cpu")}
    steady: list[float] = []
    pipeline = Pipeline(models, gallery, config.pipeline)
    frames = 0
    with VideoFileSource(video) as source:
        start = time.perf_counter()
        for frame in source.frames():
            if max_frames is not None and frames >= max_frames:
                break
            cpu_start = time.process_time()
            result = pipeline.process(frame)
            samples["cpu"].append((time.process_time() - cpu_start) * 1000.0)
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
        cpu=_stats("cpu (process)", samples["cpu"]),
        steady=_stats("total (identified)", steady) if steady else None,
        peak_rss_mb=peak_kb / 1024.0,
        samples_ms={stage: tuple(values) for stage, values in samples.items()},
    )
