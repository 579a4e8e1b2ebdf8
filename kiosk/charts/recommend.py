"""Learning curves for `kiosk recommend simulate`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kiosk.charts import new_figure, save_png
from kiosk.recommend.simulator import PolicyRun


def learning_curves_png(runs: Sequence[PolicyRun], warmup: int, path: Path) -> None:
    """Cumulative reward and cumulative expected regret per policy against step, to a PNG.

    Args:
        runs: one run per policy, all over the same steps.
        warmup: steps shaded as warm-up.
        path: the PNG to write.

    Raises:
        ValueError: no runs.
        InputError: the file cannot be written.
    """
    if not runs:
        raise ValueError("learning_curves_png needs at least one run")
    figure = new_figure(7.0, 7.0)
    top, bottom = figure.subplots(2, 1, sharex=True)
    for run in runs:
        steps = np.arange(1, len(run.rewards) + 1)
        top.plot(steps, np.cumsum(run.rewards), label=run.policy)
        bottom.plot(steps, np.cumsum(run.regrets), label=run.policy)
    for axes in (top, bottom):
        axes.axvspan(0, warmup, color="grey", alpha=0.12, label="_warm-up")
        axes.grid(True, alpha=0.3)
    top.set_ylabel("cumulative reward")
    top.set_title("Simulated shoppers: reward (higher is better)")
    top.legend(loc="upper left")
    bottom.set_ylabel("cumulative regret")
    bottom.set_title("Regret against the best slate knowing hidden tastes (lower is better)")
    bottom.set_xlabel(f"step (one slate shown; first {warmup} shaded: warm-up)")
    figure.tight_layout()
    save_png(figure, path)
