"""The production Bernoulli Thompson sampling policy of the Open Bandit Dataset, reproduced.

BTS draws ``theta_i ~ Beta(alpha_i, beta_i)`` for every item and shows the items with the three
largest draws, the largest in slot 0. Its probability of item i in slot k has no closed form, so
it is estimated as obp 0.5.7 does (`BernoulliTS.compute_batch_action_dist` with
`is_zozotown_prior=True`): sample the posteriors many times (obp: 100,000) with the parameters of
`prior_bts.yaml` and count how often each item lands in each slot. The result is context-free and
the same for every impression.

Those parameters are one snapshot. The BTS that logged the sample updated its posteriors during
the week, and its logged propensities vary by impression; `agreement` measures how far the
snapshot is from them (see the benchmark's report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.recommend.obd import BtsPrior, ObdLog

DRAWS = 100_000
CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Agreement:
    """How the reproduced BTS compares with the BTS log.

    Attributes:
        propensity_correlation: Pearson correlation, over the BTS log's impressions, of the
            reproduced probability of the logged item in the logged slot with the logged one.
        median_ratio: median of reproduced / logged probability.
        frequency_correlation: correlation of the reproduced (item, slot) probabilities with
            how often the BTS log shows each item in each slot.
    """

    propensity_correlation: float
    median_ratio: float
    frequency_correlation: float


def slot_probabilities(
    prior: BtsPrior,
    slots: int = 3,
    draws: int = DRAWS,
    seed: int = 0,
    tick: Callable[[int], None] | None = None,
) -> npt.NDArray[np.float64]:
    """Monte-Carlo probability of each item in each slot, float64 (n_items, slots).

    Args:
        prior: Beta parameters per item.
        slots: slots per slate (the `slots` largest draws, largest first).
        draws: posterior samples.
        seed: seed of the sampling.
        tick: called with the number of draws done after every chunk.
    """
    n_items = prior.alpha.shape[0]
    counts = np.zeros((n_items, slots))
    rng = np.random.default_rng(seed)
    done = 0
    while done < draws:
        size = min(CHUNK, draws - done)
        theta = rng.beta(prior.alpha, prior.beta, size=(size, n_items))
        top = np.argsort(-theta, axis=1)[:, :slots]
        for k in range(slots):
            counts[:, k] += np.bincount(top[:, k], minlength=n_items)
        done += size
        if tick is not None:
            tick(size)
    return np.asarray(counts / draws, dtype=np.float64)


def agreement(probabilities: npt.NDArray[np.float64], bts_log: ObdLog) -> Agreement:
    """Compare reproduced probabilities (n_items, slots) with the BTS log's own propensities."""
    reproduced = probabilities[bts_log.item, bts_log.slot]
    frequency = np.zeros_like(probabilities)
    np.add.at(frequency, (bts_log.item, bts_log.slot), 1.0)
    frequency /= frequency.sum(axis=0, keepdims=True)
    return Agreement(
        propensity_correlation=float(np.corrcoef(reproduced, bts_log.propensity)[0, 1]),
        median_ratio=float(np.median(reproduced / bts_log.propensity)),
        frequency_correlation=float(np.corrcoef(frequency.ravel(), probabilities.ravel())[0, 1]),
    )
