"""The simulator is deterministic, and with default settings the bandit learns to beat the
baselines after warm-up (a fixed-seed simulation, not a timing test)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.charts.recommend import learning_curves_png
from kiosk.core.vocabulary import Valence
from kiosk.recommend.simulator import (
    SimConfig,
    SimReport,
    _Visit,
    make_world,
    simulate,
    tap_probability,
)


@pytest.fixture(scope="module")
def default_report() -> SimReport:
    return simulate(SimConfig())


def test_same_seed_same_result_other_seed_other_result() -> None:
    small = SimConfig(steps=200, shoppers=30)
    first, again = simulate(small), simulate(small)
    assert first == again
    other = simulate(SimConfig(steps=200, shoppers=30, seed=1))
    assert [r.rewards for r in other.runs] != [r.rewards for r in first.runs]


def test_bandit_beats_popularity_and_rules_after_warmup(default_report: SimReport) -> None:
    runs = {run.policy: run for run in default_report.runs}
    warmup = default_report.config.warmup
    reward = {name: run.mean_reward_after(warmup) for name, run in runs.items()}
    regret = {name: float(np.mean(run.regrets[warmup:])) for name, run in runs.items()}
    assert reward["bandit"] >= 1.10 * reward["rules"]
    assert reward["bandit"] >= 1.30 * reward["popularity"]
    assert regret["bandit"] <= 0.85 * min(regret["rules"], regret["popularity"])
    assert reward["popularity"] > reward["random"]
    assert runs["bandit"].cumulative_regret < runs["rules"].cumulative_regret


def test_regret_is_never_negative(default_report: SimReport) -> None:
    for run in default_report.runs:
        assert min(run.regrets) >= -1e-9
        assert len(run.rewards) == default_report.config.steps


def test_hidden_tastes_shape_tap_probabilities() -> None:
    world = make_world(SimConfig(shoppers=5, steps=10))
    sad = tap_probability(world, 0, _Visit(valence=Valence.NEGATIVE), frozenset())
    assert sad.shape == (len(world.items),)
    assert np.all((sad > 0) & (sad < 1))
    tired = tap_probability(world, 0, _Visit(valence=Valence.NEGATIVE), frozenset({"wellness"}))
    wellness = [j for j, item in enumerate(world.items) if item.category == "wellness"]
    assert np.all(tired[wellness] < sad[wellness])


def test_learning_curves_png(default_report: SimReport, tmp_path: Path) -> None:
    path = tmp_path / "curves.png"
    learning_curves_png(default_report.runs, default_report.config.warmup, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
