"""Slot-wise off-policy estimates with bootstrap intervals (the Open Bandit Dataset's setting).

Each logged row is one impression: item ``a_t`` in slot ``k_t`` with click ``r_t``, shown with
probability ``mu_t`` by the logging policy. The value of a policy pi is its click rate per
impression, slots weighted as in the log (every log here fills the three slots alike). For a
context-free target, ``pi[a, k]`` is the probability that pi shows item a in slot k, and with
``w_t = pi[a_t, k_t] / mu_t``:

- IPS: ``mean_t w_t r_t`` (unbiased when ``mu_t > 0`` wherever pi is)
- self-normalised IPS: ``sum_t w_t r_t / sum_t w_t`` (biased, lower variance)
- doubly robust: ``mean_t [sum_a pi[a, k_t] q[a, k_t] + w_t (r_t - q[a_t, k_t])]`` with q the
  position-based reward model of `position.pbm_table`, fitted on the same log.

Intervals are bootstrap percentile intervals: rows are resampled with replacement (the sample's
impressions were drawn independently from a week of traffic) and, for DR, the reward model is
refitted on every resample, so its own noise is in the interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import Estimator
from kiosk.recommend.position import pbm_table

Array = npt.NDArray[np.float64]
ESTIMATORS = tuple(Estimator)
BOOTSTRAP = 2000


@dataclass(frozen=True, slots=True)
class Feedback:
    """Logged impressions, slot-wise.

    Attributes:
        item: int64 (n,) item shown.
        slot: int64 (n,) 0-based slot.
        click: float64 (n,) reward (0 or 1).
        propensity: float64 (n,) the logging policy's probability of that item in that slot.
        n_items: number of items.
        slots: slots per slate.
    """

    item: npt.NDArray[np.int64]
    slot: npt.NDArray[np.int64]
    click: Array
    propensity: Array
    n_items: int
    slots: int

    def __post_init__(self) -> None:
        n = self.item.shape[0]
        shapes = {a.shape for a in (self.item, self.slot, self.click, self.propensity)}
        if shapes != {(n,)} or n == 0:
            raise ValueError(f"feedback arrays must share one shape (n,), n > 0; got {shapes}")
        if not np.all((self.propensity > 0.0) & (self.propensity <= 1.0)):
            raise ValueError("logged propensities must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate with a 95 % interval."""

    value: float
    low: float
    high: float

    def covers(self, truth: float) -> bool:
        """Whether `truth` lies in [low, high]."""
        return self.low <= truth <= self.high


@dataclass(frozen=True, slots=True)
class Estimates:
    """Every estimator's value for one target on one log."""

    ips: float
    snips: float
    dr: float

    def get(self, estimator: Estimator) -> float:
        """The value of one estimator."""
        return float(getattr(self, str(estimator)))


def estimate(feedback: Feedback, target: Array, weight: Array | None = None) -> Estimates:
    """IPS, self-normalised IPS and DR of the context-free `target` (n_items, slots).

    Args:
        feedback: the log.
        target: pi[a, k], the target's probability of item a in slot k (columns sum to 1).
        weight: multiplicity of each row (bootstrap counts); None counts each row once.

    Raises:
        ValueError: `target` is not (n_items, slots).
    """
    if target.shape != (feedback.n_items, feedback.slots):
        raise ValueError(f"target must be {(feedback.n_items, feedback.slots)}, got {target.shape}")
    c = np.ones(feedback.click.shape[0]) if weight is None else weight
    n = float(c.sum())
    w = target[feedback.item, feedback.slot] / feedback.propensity
    r = feedback.click
    ips = float((c * w * r).sum()) / n
    mass = float((c * w).sum())
    snips = float((c * w * r).sum()) / mass if mass > 0 else 0.0
    q = pbm_table(
        feedback.item, feedback.slot, r, c, n_items=feedback.n_items, slots=feedback.slots
    )
    direct = (target * q).sum(axis=0)[feedback.slot]
    dr = float((c * (direct + w * (r - q[feedback.item, feedback.slot]))).sum()) / n
    return Estimates(ips, snips, dr)


def bootstrap(
    feedback: Feedback,
    target: Array,
    resamples: int = BOOTSTRAP,
    seed: int = 0,
    tick: Callable[[], None] | None = None,
) -> dict[Estimator, Interval]:
    """Each estimator's value on the log with its 95 % bootstrap percentile interval.

    Args:
        feedback: the log.
        target: pi[a, k] as in `estimate`.
        resamples: bootstrap resamples.
        seed: seed of the resampling.
        tick: called after every resample (a progress bar).
    """
    point = estimate(feedback, target)
    n = feedback.click.shape[0]
    rng = np.random.default_rng(seed)
    draws = np.empty((resamples, len(ESTIMATORS)))
    for b in range(resamples):
        counts = rng.multinomial(n, np.full(n, 1.0 / n)).astype(np.float64)
        values = estimate(feedback, target, counts)
        draws[b] = [values.get(e) for e in ESTIMATORS]
        if tick is not None:
            tick()
    low, high = np.quantile(draws, [0.025, 0.975], axis=0)
    return {
        e: Interval(point.get(e), float(low[j]), float(high[j])) for j, e in enumerate(ESTIMATORS)
    }


def on_policy(click: Array, resamples: int = BOOTSTRAP, seed: int = 0) -> Interval:
    """A policy's own click rate from its own log, with its 95 % bootstrap interval."""
    rng = np.random.default_rng(seed)
    n = click.shape[0]
    clicks = int(click.sum())
    # a resample's click count is Binomial(n, clicks / n): the same as resampling the rows
    means = rng.binomial(n, clicks / n, size=resamples) / n
    low, high = np.quantile(means, [0.025, 0.975])
    return Interval(clicks / n, float(low), float(high))
