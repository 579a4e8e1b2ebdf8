"""Memory and frame time over a `kiosk bench soak` run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from kiosk.charts import new_figure, save_png


class SoakPoint(Protocol):
    """One sampled interval (`kiosk.commands.bench.soak.SoakSample` has these)."""

    @property
    def elapsed_s(self) -> float: ...

    @property
    def rss_mb(self) -> float: ...

    @property
    def p50_ms(self) -> float: ...

    @property
    def p95_ms(self) -> float: ...


def soak_png(samples: Sequence[SoakPoint], title: str, warm_rss_mb: float, path: Path) -> None:
    """Resident memory (MiB) and p50/p95 frame time (ms) per interval against minutes, to a PNG.

    The first interval is shaded as warm-up; growth is measured from its end (`warm_rss_mb`).

    Raises:
        InputError: the file cannot be written.
    """
    minutes = [s.elapsed_s / 60.0 for s in samples]
    figure = new_figure(8.0, 6.5)
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.plot(minutes, [s.rss_mb for s in samples], marker="o", label="RSS")
    top.axhline(warm_rss_mb, color="grey", linestyle=":", label="after warm-up")
    top.set_ylabel("resident memory (MiB)")
    top.set_title(title)
    bottom.plot(minutes, [s.p50_ms for s in samples], marker="o", label="p50")
    bottom.plot(minutes, [s.p95_ms for s in samples], marker="o", label="p95")
    bottom.set_ylabel("frame time (ms)")
    bottom.set_xlabel("minutes since start")
    bottom.set_ylim(bottom=0)
    for axes in (top, bottom):
        if minutes:
            axes.axvspan(0.0, minutes[0], color="0.9", label="_warm-up")
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best")
    save_png(figure, path)
