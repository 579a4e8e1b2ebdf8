"""`kiosk eval pairs|labels`: accuracy of the kiosk's models on the user's labelled photos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.camera.sources import IMAGE_SUFFIXES, read_image
from kiosk.commands.loaders import load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig, write_setting
from kiosk.vision.evaluate import LabelsReport, PairsReport, evaluate_labels, evaluate_pairs

TASKS = ("emotion", "mask", "identity")
THRESHOLD_CHOICES = ("best", "far1", "far0.1")


@dataclass(frozen=True, slots=True)
class WrittenThreshold:
    """The distance threshold `--write-threshold` stored, and where."""

    value: float
    path: Path


@dataclass(frozen=True, slots=True)
class PairsOutcome:
    """The verification report, and the threshold written to kiosk.toml if one was asked for."""

    report: PairsReport
    written: WrittenThreshold | None


def eval_pairs(
    config: KioskConfig,
    pairs_csv: Path,
    root: Path,
    *,
    threshold: float | None = None,
    write_threshold: str | None = None,
    progress: Progress = SILENT,
) -> PairsOutcome:
    """Verification on same/different pairs; optionally store a calibrated threshold.

    Args:
        config: settings (models, threads, the configured threshold, the config file).
        pairs_csv: CSV with img_a,img_b,same.
        root: folder the CSV's paths are relative to.
        threshold: distance threshold to report (default: the configured one).
        write_threshold: one of THRESHOLD_CHOICES, stored as [pipeline] max_distance.
        progress: where progress goes.

    Raises:
        InputError: the CSV or an image cannot be read, or the choice is unknown.
    """
    progress.start("embedding", None)
    with load_models(config) as models:
        report = evaluate_pairs(
            models,
            pairs_csv,
            root,
            read_image,
            threshold=threshold or config.pipeline.max_distance or None,
            on_progress=lambda done, total: _step(progress, done, total),
        )
    written = None if write_threshold is None else _write(report, write_threshold, config)
    return PairsOutcome(report, written)


def eval_labels(
    config: KioskConfig, task: str, root: Path, progress: Progress = SILENT
) -> LabelsReport:
    """Emotion, mask or identity accuracy on `root/<label>/<images>`.

    Raises:
        InputError: the folder holds no labelled images, or `task` is unknown.
    """
    progress.start(task, None)
    with load_models(config) as models:
        return evaluate_labels(
            models,
            task,
            root,
            read_image,
            IMAGE_SUFFIXES,
            on_progress=lambda done, total: _step(progress, done, total),
        )


def _step(progress: Progress, done: int, total: int) -> None:
    """Adapt the evaluators' (done, total) calls, which start at done == 1."""
    if done == 1:
        progress.start("evaluating", total)
    progress.advance()


def _write(report: PairsReport, choice: str, config: KioskConfig) -> WrittenThreshold:
    by_far = {f"far{t.far_target * 100:g}": t.threshold for t in report.tar_at_far}
    value = report.best.threshold if choice == "best" else by_far[choice]
    path = config.config_path
    write_setting(path, "pipeline", "max_distance", round(value, 4))
    return WrittenThreshold(value, path)
