"""Vision charts for `kiosk eval` and `kiosk bench`: ROC curve, confusion matrix, latency."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from kiosk.charts import new_figure, save_png
from kiosk.core.metrics import RocCurve


class _HasRoc(Protocol):
    @property
    def roc(self) -> RocCurve: ...

    @property
    def roc_auc(self) -> float: ...


def _plain_log(axis: Axis) -> None:
    """Log scale with ticks at 1, 2, 5 per decade written as plain numbers, unlabelled minors."""
    axis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:g}"))
    axis.set_minor_formatter(NullFormatter())


def roc_png(report_or_curve: _HasRoc | RocCurve, path: Path) -> None:
    """Plot a ROC curve (TAR against FAR, log FAR axis) to a PNG.

    Args:
        report_or_curve: a `PairsReport` (anything with `.roc` and `.roc_auc`) or a bare
            `RocCurve`.
        path: the PNG to write.

    Raises:
        InputError: the file cannot be written.
    """
    curve = report_or_curve if isinstance(report_or_curve, RocCurve) else report_or_curve.roc
    auc = None if isinstance(report_or_curve, RocCurve) else report_or_curve.roc_auc
    far = np.asarray(curve.far, dtype=np.float64)
    tar = np.asarray(curve.tar, dtype=np.float64)
    positive = far[far > 0]
    floor = float(positive.min()) / 2.0 if positive.size else 1e-4
    figure = new_figure(5.5, 4.5)
    axes = figure.subplots()
    axes.step(np.maximum(far, floor), tar, where="post", label="ROC")
    axes.set_xscale("log")
    _plain_log(axes.xaxis)
    axes.set_xlim(floor, 1.0)
    axes.set_ylim(0.0, 1.02)
    axes.set_xlabel("False accept rate (impostor pairs accepted)")
    axes.set_ylabel("True accept rate (genuine pairs accepted)")
    title = "Face verification ROC"
    axes.set_title(title if auc is None else f"{title} (AUC {auc:.4f})")
    axes.grid(True, which="both", alpha=0.3)
    save_png(figure, path)


def confusion_png(labels: Sequence[str], matrix: Sequence[Sequence[int]], path: Path) -> None:
    """Plot a confusion matrix of counts to a PNG (rows: true label, columns: predicted).

    Args:
        labels: the label of each row and column (L,).
        matrix: counts (L, L), e.g. `Confusion.counts`.
        path: the PNG to write.

    Raises:
        ValueError: the matrix is not L x L.
        InputError: the file cannot be written.
    """
    counts = np.asarray(matrix, dtype=np.int64)
    if counts.shape != (len(labels), len(labels)):
        raise ValueError(
            f"confusion matrix must be {len(labels)} x {len(labels)}, got {counts.shape}"
        )
    size = 2.0 + 0.6 * len(labels)
    figure = new_figure(size + 1.0, size)
    axes = figure.subplots()
    image = axes.imshow(counts, cmap="Blues")
    figure.colorbar(image, ax=axes, label="photos")
    ticks = np.arange(len(labels))
    axes.set_xticks(ticks, labels=list(labels), rotation=45, ha="right")
    axes.set_yticks(ticks, labels=list(labels))
    threshold = counts.max() / 2.0 if counts.size else 0.0
    for (row, col), value in np.ndenumerate(counts):
        colour = "white" if value > threshold else "black"
        axes.text(col, row, str(value), ha="center", va="center", color=colour)
    axes.set_xlabel("Predicted label")
    axes.set_ylabel("True label")
    axes.set_title("Confusion matrix (counts)")
    save_png(figure, path)


def latency_histogram_png(samples_ms: Mapping[str, Sequence[float]], path: Path) -> None:
    """One histogram per pipeline stage of its per-frame times, on a log-ms axis, to a PNG.

    Args:
        samples_ms: stage name -> its times in milliseconds (stages with no positive sample are
            drawn empty).
        path: the PNG to write.

    Raises:
        ValueError: no stages given.
        InputError: the file cannot be written.
    """
    if not samples_ms:
        raise ValueError("latency_histogram_png needs at least one stage")
    figure = new_figure(6.0, 1.8 * len(samples_ms) + 0.8)
    all_axes = figure.subplots(len(samples_ms), 1, squeeze=False)
    for axes, (stage, samples) in zip(all_axes[:, 0], samples_ms.items(), strict=True):
        values = np.asarray(samples, dtype=np.float64)
        values = values[values > 0]
        if values.size:
            low, high = float(values.min()), float(values.max())
            bins = np.geomspace(low, high * 1.0001 if high > low else low * 2.0, 30)
            axes.hist(values, bins=bins)
            axes.axvline(float(np.median(values)), color="black", linestyle="--", linewidth=1)
        axes.set_xscale("log")
        _plain_log(axes.xaxis)
        axes.set_title(f"{stage} (n={values.size}, median {_median_text(values)})", fontsize=9)
        axes.set_ylabel("frames")
    all_axes[-1, 0].set_xlabel("milliseconds (log scale)")
    figure.suptitle("Latency per stage")
    figure.tight_layout()
    save_png(figure, path)


def _median_text(values: np.typing.NDArray[np.float64]) -> str:
    return f"{float(np.median(values)):.1f} ms" if values.size else "n/a"


def faces_vs_ms_png(samples_by_faces: Mapping[int, Sequence[float]], path: Path) -> None:
    """Whole-frame milliseconds against faces in view: a box per crowd size, p50/p95 marked.

    Args:
        samples_by_faces: faces in view -> whole-frame times in milliseconds.
        path: the PNG to write.

    Raises:
        ValueError: no crowd sizes given.
        InputError: the file cannot be written.
    """
    if not samples_by_faces:
        raise ValueError("faces_vs_ms_png needs at least one crowd size")
    counts = sorted(samples_by_faces)
    data = [np.asarray(samples_by_faces[n], dtype=np.float64) for n in counts]
    figure = new_figure(6.0, 4.0)
    axes = figure.subplots()
    axes.boxplot(data, positions=counts, widths=0.5, showfliers=False)
    for faces, values in zip(counts, data, strict=True):
        if values.size:
            p50, p95 = np.percentile(values, [50, 95])
            axes.plot([faces], [p95], marker="v", color="tab:red")
            axes.annotate(f"p50 {p50:.1f}\np95 {p95:.1f}", (faces + 0.28, p50), fontsize=8)
    axes.set_xlim(min(counts) - 0.6, max(counts) + 0.9)
    axes.set_xticks(counts)
    axes.set_xlabel("faces in view")
    axes.set_ylabel("milliseconds per frame (whole frame)")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.set_title("Cost of a crowd (red: p95)")
    figure.tight_layout()
    save_png(figure, path)
