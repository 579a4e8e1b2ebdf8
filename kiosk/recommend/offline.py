"""Offline evaluation: estimate a candidate policy's value from slates another policy logged.

The value of a policy is the expected total reward of one slate. Rewards are assumed additive
over the products of a slate (a product's reward does not depend on its neighbours), so with
``mu(i|x)`` the logging policy's inclusion probability (the logged propensity) and ``pi(i|x)``
the candidate's, both estimators below are unbiased when every product the candidate may show
had ``mu > 0`` (our exploration guarantees it):

- IPS: ``V = mean_t sum_{i shown at t} pi(i|x_t) / mu(i|x_t) * r_ti``
- doubly robust: ``V = mean_t [ sum_{i eligible} pi(i|x_t) q(x_t, i)
  + sum_{i shown} pi(i|x_t) / mu(i|x_t) * (r_ti - q(x_t, i)) ]``, with q a ridge regression
  of reward on the context vector per category, fitted on the logs.

Both assume a product earns the same in any slot. When slots differ (position.py) and the log
has slot propensities ``mu(i, s|x)``, slot-wise IPS drops that assumption:

- slot IPS: ``V = mean_t sum_{i shown at t in slot s} pi(i, s|x_t) / mu(i, s|x_t) * r_ti``

unbiased when a product's reward depends on the context, the product and its slot only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.recommend.context import DIM, Context
from kiosk.recommend.exploration import Candidates, Policy, Shown


@dataclass(frozen=True, slots=True)
class LoggedSlate:
    """One logged decision.

    Attributes:
        context: the features the logging policy saw.
        candidates: the products it chose from, with popularity at that time.
        shown: the products shown, each with its logged propensity.
        rewards: the reward of each shown product, aligned with `shown`.
        expected: true expected reward per eligible SKU (simulation only; None for real logs).
    """

    context: Context
    candidates: Candidates
    shown: tuple[Shown, ...]
    rewards: tuple[float, ...]
    expected: Mapping[str, float] | None = None


@dataclass(frozen=True, slots=True)
class OfflineEstimate:
    """Estimated value (expected reward per slate) of one policy, with standard errors."""

    policy: str
    slates: int
    ips: float
    ips_stderr: float
    dr: float
    dr_stderr: float
    slot_ips: float | None = None
    slot_ips_stderr: float | None = None


class RewardModel:
    """Ridge regression of reward on the context vector, one per category (the DR baseline)."""

    def __init__(self, ridge: float = 1.0) -> None:
        """Regularise with `ridge` * I."""
        self.ridge = ridge
        self.weights: dict[str, np.ndarray] = {}

    def fit(self, logs: Sequence[LoggedSlate]) -> RewardModel:
        """Fit on every shown product of `logs`; returns self."""
        gram: dict[str, np.ndarray] = {}
        moment: dict[str, np.ndarray] = {}
        for log in logs:
            for shown, reward in zip(log.shown, log.rewards, strict=True):
                x = log.context.vector(shown.category)
                gram.setdefault(shown.category, self.ridge * np.eye(DIM))
                moment.setdefault(shown.category, np.zeros(DIM))
                gram[shown.category] += np.outer(x, x)
                moment[shown.category] += reward * x
        self.weights = {c: np.linalg.solve(gram[c], moment[c]) for c in gram}
        return self

    def predict(self, context: Context, category: str) -> float:
        """Predicted reward of a product of `category` in `context` (0 if never seen)."""
        w = self.weights.get(category)
        return 0.0 if w is None else float(w @ context.vector(category))


def logged_value(logs: Sequence[LoggedSlate]) -> tuple[float, float]:
    """Mean reward per slate the logging policy actually got, and its standard error."""
    return _mean_se([sum(log.rewards) for log in logs])


def evaluate(
    policy: Policy, logs: Sequence[LoggedSlate], k: int, model: RewardModel | None = None
) -> OfflineEstimate:
    """IPS and doubly-robust estimates of `policy`'s value (its state is not changed).

    Args:
        policy: the candidate, frozen at its current state.
        logs: slates logged by any policy with propensities > 0.
        k: slate size the candidate would show.
        model: the reward model for DR (fitted on `logs` when None).

    Raises:
        ValueError: no logs, or a logged propensity outside (0, 1].
    """
    if not logs:
        raise ValueError("no logged slates to evaluate on")
    model = model if model is not None else RewardModel().fit(logs)
    ips_values: list[float] = []
    dr_values: list[float] = []
    slot_values = _slot_ips(policy, logs, k)
    for log in logs:
        target = policy.inclusion(log.context, log.candidates, k)
        category = {i.sku: i.category for i in log.candidates.items}
        predicted = {c: model.predict(log.context, c) for c in set(category.values())}
        direct = sum(p * predicted[category[s]] for s, p in target.items())
        ips = correction = 0.0
        for shown, reward in zip(log.shown, log.rewards, strict=True):
            if not 0.0 < shown.propensity <= 1.0:
                raise ValueError(f"logged propensity must be in (0, 1], got {shown.propensity}")
            weight = target.get(shown.sku, 0.0) / shown.propensity
            ips += weight * reward
            correction += weight * (reward - predicted.get(shown.category, 0.0))
        ips_values.append(ips)
        dr_values.append(direct + correction)
    ips_mean, ips_se = _mean_se(ips_values)
    dr_mean, dr_se = _mean_se(dr_values)
    slot_mean, slot_se = _mean_se(slot_values) if slot_values else (None, None)
    return OfflineEstimate(
        policy.name, len(logs), ips_mean, ips_se, dr_mean, dr_se, slot_mean, slot_se
    )


def _slot_ips(policy: Policy, logs: Sequence[LoggedSlate], k: int) -> list[float]:
    """Slot-wise IPS value of each slate; empty unless every shown product has a slot
    propensity in (0, 1]."""
    shown = [s for log in logs for s in log.shown]
    if not all(s.slot_propensity is not None and 0.0 < s.slot_propensity <= 1.0 for s in shown):
        return []
    values = []
    for log in logs:
        target = policy.placement(log.context, log.candidates, k)
        value = 0.0
        for item, reward in zip(log.shown, log.rewards, strict=True):
            slots = target.get(item.sku, ())
            pi = slots[item.position] if 0 <= item.position < len(slots) else 0.0
            value += pi / float(item.slot_propensity or 1.0) * reward
        values.append(value)
    return values


def true_value(policy: Policy, logs: Sequence[LoggedSlate], k: int) -> float:
    """The exact value of `policy` on the logged contexts (simulation logs with `expected`).

    Raises:
        ValueError: a log has no `expected` rewards (real logs never do).
    """
    total = 0.0
    for log in logs:
        if log.expected is None:
            raise ValueError("true_value needs simulation logs with expected rewards")
        target = policy.inclusion(log.context, log.candidates, k)
        total += sum(p * log.expected[s] for s, p in target.items())
    return total / max(len(logs), 1)


def _mean_se(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    if n == 0:
        return 0.0, 0.0
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1)) / math.sqrt(n) if n > 1 else 0.0
    return mean, se
