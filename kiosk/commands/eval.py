"""`kiosk eval pairs|labels`: accuracy of the kiosk's models on the user's labelled photos."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.camera.sources import IMAGE_SUFFIXES, read_image
from kiosk.commands.loaders import load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.config.loading import write_setting
from kiosk.errors import InputError
from kiosk.vision.evaluate import LabelsReport, evaluate_labels
from kiosk.vision.evaluate_output import labels_subset, write_label_outputs
from kiosk.vision.evaluate_pairs import PairsReport, evaluate_pairs, pairs_csv_text

TASKS = ("emotion", "mask", "identity")
THRESHOLD_CHOICES = ("best", "far1", "far0.1")


@dataclass(frozen=True, slots=True)
class WrittenThreshold:
    """The distance threshold `--write-threshold` stored, and where."""

    value: float
    path: Path


@dataclass(frozen=True, slots=True)
class LabelOutputs:
    """What `eval labels` reads and writes besides the tree.

    Attributes:
        split: a split manifest (models/validation/splits); only its photos are scored, and
            per source.
        half: "tune" or "heldout": only that half of `split` (both when None).
        csv: where to write one row per photo.
        contact_sheet: where to write a PNG of the worst errors.
    """

    split: Path | None = None
    half: str | None = None
    csv: Path | None = None
    contact_sheet: Path | None = None


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
    csv_out: Path | None = None,
    progress: Progress = SILENT,
) -> PairsOutcome:
    """Verification on same/different pairs; optionally store a calibrated threshold.

    Args:
        config: settings (models, threads, the configured threshold, the config file).
        pairs_csv: CSV with img_a,img_b,same.
        root: folder the CSV's paths are relative to.
        threshold: distance threshold to report (default: the configured one).
        write_threshold: one of THRESHOLD_CHOICES, stored as [pipeline] max_distance.
        csv_out: where to write one row per pair (distance, face found, accepted).
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
    if csv_out is not None:
        _write_text(csv_out, pairs_csv_text(report.rows, report.threshold))
    written = None if write_threshold is None else _write(report, write_threshold, config)
    return PairsOutcome(report, written)


def eval_labels(
    config: KioskConfig,
    task: str,
    root: Path,
    progress: Progress = SILENT,
    outputs: LabelOutputs = LabelOutputs(),
) -> LabelsReport:
    """Emotion, mask or identity accuracy on `root/<label>/<images>`.

    Raises:
        InputError: the folder holds no labelled images, `task` is unknown, the split
            manifest cannot be read, or an output cannot be written.
    """
    subset = labels_subset(outputs.split, outputs.half)
    progress.start(task, None)
    with load_models(config) as models:
        report = evaluate_labels(
            models,
            task,
            root,
            read_image,
            IMAGE_SUFFIXES,
            subset=subset,
            on_progress=lambda done, total: _step(progress, done, total),
        )
    write_label_outputs(report, outputs.csv, outputs.contact_sheet, read_image)
    return report


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc


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
