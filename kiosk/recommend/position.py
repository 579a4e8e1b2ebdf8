"""Position bias: a shopper looks at the first card more often than at the third.

The position-based click model (PBM; Craswell et al., 2008; Chuklin et al., 2015) says a click
on item i shown in slot k needs the slot to be examined and the item to attract:

    P(click | x, i, k) = examination[k] * attraction(x, i),       examination[0] = 1

so a learner that treats every slot alike mistakes a good item shown low for a weak one. The
kiosk's LinUCB learns `attraction` by regressing reward on ``examination[k] * x`` (see
`LinUCB.update`'s `weight`; Li, Wang, Zhang, Chen 2016 use the same position discount), and
slates put the most attractive item in the most examined slot.

Examination is estimated from logs whose slots were explored: with ``p_t`` the exact probability
the logging policy had of showing the logged item in the logged slot, ``S_k = sum_{t in slot k}
r_t / p_t`` estimates ``examination[k] * sum_i attraction(i)`` without bias, so ``S_k / S_0`` is
the examination ratio. Few clicks make that ratio noisy: it is shrunk toward 1 (no bias) by
`PRIOR_CLICKS` pseudo-clicks spread evenly over the slots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

PRIOR_CLICKS = 10.0
Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class SlotRate:
    """Click rate of one slot, with a 95 % Wilson score interval."""

    slot: int
    impressions: int
    clicks: int
    rate: float
    low: float
    high: float


def wilson(clicks: int, impressions: int) -> tuple[float, float]:
    """95 % Wilson score interval of a binomial rate (0, 1 for no impressions)."""
    if impressions <= 0:
        return 0.0, 1.0
    p = clicks / impressions
    denom = 1.0 + Z95**2 / impressions
    centre = (p + Z95**2 / (2 * impressions)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / impressions + Z95**2 / (4 * impressions**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def slot_rates(slot: Sequence[int], click: Sequence[float], slots: int) -> tuple[SlotRate, ...]:
    """Raw click rate per slot (only a position effect when items were placed at random)."""
    out = []
    slot_arr = np.asarray(slot, dtype=np.int64)
    click_arr = np.asarray(click, dtype=np.float64)
    for k in range(slots):
        mask = slot_arr == k
        n, c = int(mask.sum()), round(float(click_arr[mask].sum()))
        low, high = wilson(c, n)
        out.append(SlotRate(k, n, c, c / n if n else 0.0, low, high))
    return tuple(out)


def examination(
    slot: Sequence[int] | npt.NDArray[np.int64],
    reward: Sequence[float] | npt.NDArray[np.float64],
    slot_propensity: Sequence[float] | npt.NDArray[np.float64],
    slots: int,
    prior_clicks: float = PRIOR_CLICKS,
) -> tuple[float, ...]:
    """Relative examination per slot (slot 0 is 1.0) from explored logs, shrunk toward 1.

    Args:
        slot: 0-based slot of each logged impression.
        reward: its reward (click 1, else 0; the kiosk's valence credit counts too).
        slot_propensity: the logging policy's exact probability of that item in that slot.
        slots: slots per slate.
        prior_clicks: pseudo-clicks (spread evenly over the slots) pulling the ratios to 1.

    Raises:
        ValueError: a propensity outside (0, 1] or a slot outside [0, slots).
    """
    s = np.asarray(slot, dtype=np.int64)
    r = np.asarray(reward, dtype=np.float64)
    p = np.asarray(slot_propensity, dtype=np.float64)
    if s.size and (s.min() < 0 or s.max() >= slots):
        raise ValueError(f"slots must be in [0, {slots}), got {s.min()}..{s.max()}")
    if not np.all((p > 0.0) & (p <= 1.0)):
        raise ValueError("slot propensities must be in (0, 1]")
    mass = np.bincount(s, weights=r / p if r.size else None, minlength=slots)[:slots]
    total = float(r.sum())
    per_click = float(mass.sum()) / total if total > 0 else 1.0
    pseudo = prior_clicks / slots * per_click
    return tuple(float((mass[k] + pseudo) / (mass[0] + pseudo)) for k in range(slots))


def pbm_table(
    item: npt.NDArray[np.int64],
    slot: npt.NDArray[np.int64],
    click: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
    *,
    n_items: int,
    slots: int,
) -> npt.NDArray[np.float64]:
    """A position-based reward model: expected click of every item in every slot, (n_items, slots).

    ``q[i, k] = attraction[i] * factor[k]``: the item's click rate shrunk toward the overall
    rate by as many pseudo-impressions as an average item has, times the slot's click rate
    (shrunk likewise) over the overall rate. `weight` counts each impression (1 for the log as
    it is; bootstrap multiplicities for a resample).
    """
    shows = float(weight.sum())
    overall = float((weight * click).sum()) / shows if shows > 0 else 0.0
    item_shows = np.bincount(item, weights=weight, minlength=n_items)
    item_clicks = np.bincount(item, weights=weight * click, minlength=n_items)
    strength = shows / n_items
    attraction = (item_clicks + strength * overall) / (item_shows + strength)
    slot_shows = np.bincount(slot, weights=weight, minlength=slots)
    slot_clicks = np.bincount(slot, weights=weight * click, minlength=slots)
    slot_strength = shows / slots
    slot_rate = (slot_clicks + slot_strength * overall) / (slot_shows + slot_strength)
    factor = slot_rate / overall if overall > 0 else np.ones(slots)
    return np.asarray(np.outer(attraction, factor), dtype=np.float64)
