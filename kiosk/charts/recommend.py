"""Learning curves for `kiosk recommend simulate`; estimates and replay for `benchmark`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes

from kiosk.charts import new_figure, save_png
from kiosk.core.vocabulary import ObdPolicy, ReplayLearner
from kiosk.recommend.benchmark import CampaignResult
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


def benchmark_png(campaigns: Sequence[CampaignResult], path: Path) -> None:
    """Off-policy estimates beside the truth (top) and replay click rate over time (bottom).

    Args:
        campaigns: results of `kiosk recommend benchmark`, one column each.
        path: the PNG to write.

    Raises:
        ValueError: no campaigns.
        InputError: the file cannot be written.
    """
    if not campaigns:
        raise ValueError("benchmark_png needs at least one campaign")
    figure = new_figure(5.2 * len(campaigns), 8.0)
    axes = figure.subplots(2, len(campaigns), squeeze=False)
    for column, result in enumerate(campaigns):
        _estimates_axes(axes[0][column], result)
        _replay_axes(axes[1][column], result)
    figure.suptitle("Open Bandit Dataset sample (ZOZOTOWN, CC BY 4.0): click rate per impression")
    figure.tight_layout()
    save_png(figure, path)


def _estimates_axes(axes: Axes, result: CampaignResult) -> None:
    colours = {ObdPolicy.BTS: "tab:orange", ObdPolicy.RANDOM: "tab:blue"}
    truths = {facts.policy: facts.truth for facts in result.logs}
    for target, colour in colours.items():
        rows = [r for r in result.ope if r.target == target]
        base = 0 if target == ObdPolicy.BTS else len(rows) + 1
        truth = truths[target]
        span = (base - 0.5, base + len(rows) - 0.5)
        axes.fill_between(span, truth.low, truth.high, color=colour, alpha=0.15, linewidth=0)
        axes.hlines(truth.value, *span, color=colour, linestyle="--", linewidth=1)
        for j, row in enumerate(rows):
            e = row.estimate
            axes.errorbar(
                base + j,
                e.value,
                yerr=[[e.value - e.low], [e.high - e.value]],
                fmt="o",
                color=colour,
                capsize=4,
                label=f"{target} CTR from the {row.logged_by} log" if j == 0 else None,
            )
    labels = [f"{r.estimator}\n{r.logged_by}" for r in result.ope]
    ticks = [j for j in range(len(result.ope) + 1) if j != len(result.ope) // 2]
    axes.set_xticks(ticks[: len(labels)], labels, fontsize=7)
    axes.set_ylabel("click rate")
    axes.legend(fontsize=7, loc="upper right")
    axes.set_title(
        f"{result.campaign}: estimates (95 % bootstrap)\nvs own-log truth (dashed, 95 % band)"
    )
    axes.grid(True, axis="y", alpha=0.3)


def _replay_axes(axes: Axes, result: CampaignResult) -> None:
    colours = {ReplayLearner.LINUCB: "tab:green", ReplayLearner.EPSILON_GREEDY: "tab:purple"}
    for learner, colour in colours.items():
        first = True
        for run in result.replay:
            if run.learner != learner or not run.matched:
                continue
            counted = np.arange(1, run.matched + 1)
            rate = np.asarray(run.cumulative_clicks) / counted
            axes.plot(counted, rate, color=colour, alpha=0.6, label=learner if first else None)
            first = False
    for facts in result.logs:
        colour = "tab:blue" if facts.policy == ObdPolicy.RANDOM else "tab:orange"
        axes.axhline(facts.truth.value, color=colour, linestyle="--", label=f"{facts.policy} log")
    # the first click makes a spike (1 click in a few impressions): keep the truths readable
    axes.set_ylim(0.0, 6.0 * max(facts.truth.value for facts in result.logs))
    axes.set_xlabel("impressions counted by replay (one line per seed; early spikes clipped)")
    axes.set_ylabel("cumulative click rate")
    axes.set_title(f"{result.campaign}: replay on the random log")
    axes.legend(fontsize=7)
    axes.grid(True, alpha=0.3)
