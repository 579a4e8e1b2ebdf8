"""Time to live per real video and pass rate per spoof kind of a `kiosk bench liveness` run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from kiosk.charts import new_figure, save_png


class VideoTimes(Protocol):
    """One video's starts (`kiosk.commands.bench.liveness.VideoLiveness` has these)."""

    @property
    def video(self) -> str: ...

    @property
    def times_s(self) -> tuple[float | None, ...]: ...


class KindRate(Protocol):
    """One spoof kind (`kiosk.commands.bench.liveness.KindPassRate` has these)."""

    @property
    def kind(self) -> str: ...

    @property
    def runs(self) -> int: ...

    @property
    def passed(self) -> int: ...


def liveness_png(
    videos: Sequence[VideoTimes], kinds: Sequence[KindRate], target_s: float, path: Path
) -> None:
    """Left: each start's seconds to live per video (red x: never live), the target as a line.
    Right: the share of each spoof kind's sequences that went live, with passed/runs.

    Raises:
        InputError: the file cannot be written.
    """
    figure = new_figure(11.0, 4.5)
    left, right = figure.subplots(1, 2)
    lived = [t for v in videos for t in v.times_s if t is not None]
    ceiling = max([target_s * 2.0, *lived])
    for row, video in enumerate(videos):
        live = [t for t in video.times_s if t is not None]
        never = len(video.times_s) - len(live)
        left.scatter(live, [row] * len(live), alpha=0.6)
        if never:
            left.scatter([ceiling * 1.05] * never, [row] * never, marker="x", color="red")
    left.axvline(target_s, color="grey", linestyle="--", label=f"target {target_s:g} s")
    left.set_yticks(range(len(videos)), [Path(v.video).name for v in videos])
    left.set_xlim(0.0, ceiling * 1.1)
    left.set_ylim(-0.5, len(videos) - 0.5)
    left.set_xlabel("seconds from first seen to live (red x: not live)")
    left.set_title("real people: time to live per start")
    left.legend(loc="upper left", bbox_to_anchor=(0.0, -0.15), frameon=False)
    rates = [100.0 * k.passed / k.runs if k.runs else 0.0 for k in kinds]
    colours = ["tab:red" if r > 0 else "tab:green" for r in rates]
    bars = right.bar([k.kind for k in kinds], rates, color=colours)
    for bar, k in zip(bars, kinds, strict=True):
        x = bar.get_x() + bar.get_width() / 2.0
        right.annotate(f"{k.passed}/{k.runs}", (x, bar.get_height()), ha="center", va="bottom")
    right.set_ylim(0.0, 100.0)
    right.set_ylabel("sequences that went live (%)")
    right.set_title("spoofs: pass rate per kind")
    right.tick_params(axis="x", rotation=30)
    for axes in (left, right):
        axes.grid(True, alpha=0.3)
    save_png(figure, path)
