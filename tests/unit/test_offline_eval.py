"""IPS and DR recover a known policy value from logs of another policy (fixed-seed simulation).

The true value of a candidate on the logged contexts is known exactly in simulation (expected
rewards of every product); each estimate must fall within 3 standard errors of it and within
15 % of it.
"""

from __future__ import annotations

import pytest

from kiosk.recommend.exploration import Policy
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.offline import (
    LoggedSlate,
    RewardModel,
    evaluate,
    logged_value,
    true_value,
)
from kiosk.recommend.policies import make_policy
from kiosk.recommend.simulator import SimConfig, make_world, run_policy


@pytest.fixture(scope="module")
def logs() -> tuple[LoggedSlate, ...]:
    config = SimConfig(steps=2000, seed=5)
    run = run_policy(make_policy("rules", epsilon=0.5), make_world(config), config, keep_logs=True)
    return run.logs


@pytest.fixture(scope="module")
def trained_bandit() -> Policy:
    config = SimConfig(steps=1500, seed=5)
    policy = make_policy("bandit", LinUCB())
    run_policy(policy, make_world(config), SimConfig(steps=1500, seed=6))
    return policy


@pytest.mark.parametrize("name", ["random", "popularity", "rules", "bandit"])
def test_ips_and_dr_recover_the_true_value(
    name: str, logs: tuple[LoggedSlate, ...], trained_bandit: Policy
) -> None:
    policy = trained_bandit if name == "bandit" else make_policy(name)
    truth = true_value(policy, logs, 3)
    estimate = evaluate(policy, logs, 3)
    assert estimate.slates == len(logs)
    for value, stderr in ((estimate.ips, estimate.ips_stderr), (estimate.dr, estimate.dr_stderr)):
        assert abs(value - truth) <= 3 * stderr, (name, value, truth, stderr)
        assert value == pytest.approx(truth, rel=0.15)


def test_dr_is_no_noisier_than_ips_here(logs: tuple[LoggedSlate, ...]) -> None:
    estimate = evaluate(make_policy("popularity"), logs, 3)
    assert estimate.dr_stderr <= estimate.ips_stderr


def test_logging_policy_evaluated_on_its_own_logs_matches_what_it_got(
    logs: tuple[LoggedSlate, ...],
) -> None:
    observed, _ = logged_value(logs)
    estimate = evaluate(make_policy("rules", epsilon=0.5), logs, 3)
    assert estimate.ips == pytest.approx(observed, rel=0.02)  # weights are exactly 1


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="no logged slates"):
        evaluate(make_policy("random"), [], 3)
    assert RewardModel().fit([]).weights == {}
