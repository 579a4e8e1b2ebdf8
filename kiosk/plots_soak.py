"""PNG chart for `kiosk bench soak`: memory and frame time over the run (matplotlib, Agg)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot is imported: no display, no GUI toolkit

import matplotlib.pyplot as plt

from kiosk.commands.soak import SoakReport
from kiosk.errors import InputError

_DPI = 120


def soak_png(report: SoakReport, path: Path) -> None:
    """Resident memory (MiB) and p50/p95 frame time (ms) per interval against minutes, to a PNG.

    The first interval is shaded as warm-up; growth is measured from its end.

    Raises:
        InputError: the file cannot be written.
    """
    minutes = [s.elapsed_s / 60.0 for s in report.samples]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8.0, 6.5), sharex=True)
    top.plot(minutes, [s.rss_mb for s in report.samples], marker="o", label="RSS")
    top.axhline(report.rss_warm_mb, color="grey", linestyle=":", label="after warm-up")
    top.set_ylabel("resident memory (MiB)")
    top.set_title(
        f"{Path(report.video).name}: {report.frames:,} frames in {report.wall_s / 60:.1f} min; "
        f"growth after warm-up {report.growth_after_warmup_mb:+.1f} MiB"
    )
    bottom.plot(minutes, [s.p50_ms for s in report.samples], marker="o", label="p50")
    bottom.plot(minutes, [s.p95_ms for s in report.samples], marker="o", label="p95")
    bottom.set_ylabel("frame time (ms)")
    bottom.set_xlabel("minutes since start")
    bottom.set_ylim(bottom=0)
    for axes in (top, bottom):
        if minutes:
            axes.axvspan(0.0, minutes[0], color="0.9", label="_warm-up")
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best")
    try:
        figure.savefig(path, format="png", dpi=_DPI, bbox_inches="tight")
    except OSError as exc:
        raise InputError(f"cannot write chart {path}: {exc.strerror or exc}") from exc
    finally:
        plt.close(figure)
