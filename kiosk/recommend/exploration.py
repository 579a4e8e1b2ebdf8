"""What every suggestion policy shares: the slate it shows and how it explores (exact propensities).

Every policy shows a slate of `k` products, no more than two from one category (a screen of
three hats says nothing), and logs, for each product shown, its propensity: the probability
that the policy would include that product in this context. All policies share one exploration
scheme so that probability is exact: with probability `1 - epsilon` the policy shows its
deterministic greedy slate G, otherwise a slate drawn uniformly from every valid slate (`k`
eligible products, at most two per category; `kiosk.recommend.slates`). So product i is shown
with probability

    p(i) = (1 - epsilon) * [i in G] + epsilon * q(i)      (> 0 for every eligible product)

where q(i) is its exact inclusion probability under the uniform valid draw (k / N when every
category has the same number of products). `RandomPolicy` is the case epsilon = 1. Eligible
products are the catalog minus those already shown in this visit (all of them again once fewer
than k are left); when the categories cannot fill `k` slots under the cap, the slate is smaller.

Slots matter (a shopper looks at the first card more than at the third; position.py), so each
product shown also carries its slot propensity, the probability of that product in that slot:
an explored slate is shown in a uniformly random order, so each of its `size` products is
equally likely in each slot, and

    p(i, slot s) = (1 - epsilon) * [G_s = i] + epsilon * q(i) / size   (epsilon / N when even)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kiosk.recommend.context import Context
from kiosk.recommend.slates import MAX_PER_CATEGORY, capacity, draw, inclusion

DEFAULT_EPSILON = 0.05


@dataclass(frozen=True, slots=True)
class Item:
    """A product that may be suggested."""

    sku: str
    category: str


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a policy chooses from: active products and their popularity (explicit rewards)."""

    items: tuple[Item, ...]
    popularity: Mapping[str, float] = field(default_factory=dict)

    def eligible(self, context: Context, k: int) -> tuple[Item, ...]:
        """Items not shown yet in this visit; all items once those left cannot fill `k` slots
        (at most two per category)."""
        fresh = tuple(i for i in self.items if i.sku not in context.shown_skus)
        return fresh if capacity(fresh, MAX_PER_CATEGORY) >= k else self.items


@dataclass(frozen=True, slots=True)
class Shown:
    """One product of a slate with the probability the policy had of showing it.

    Attributes:
        position: its slot, 0 first.
        propensity: probability that the product is in the slate (any slot).
        slot_propensity: probability that it is in this slot (None in logs from before
            slot propensities were logged).
    """

    sku: str
    category: str
    position: int
    propensity: float
    slot_propensity: float | None = None


@dataclass(frozen=True, slots=True)
class Slate:
    """What a policy chose: `items` in screen order; `explored` when drawn at random."""

    policy: str
    items: tuple[Shown, ...]
    explored: bool


class Policy(ABC):
    """A slate policy with epsilon-uniform exploration (see the module docstring)."""

    name = "policy"

    def __init__(self, epsilon: float = DEFAULT_EPSILON) -> None:
        """Explore with probability `epsilon` in (0, 1]."""
        if not 0.0 < epsilon <= 1.0:
            raise ValueError(f"epsilon must be in (0, 1], got {epsilon}")
        self.epsilon = epsilon

    @abstractmethod
    def greedy(
        self, context: Context, eligible: Sequence[Item], popularity: Mapping[str, float], k: int
    ) -> tuple[Item, ...]:
        """The deterministic slate (best first) for this context and current state."""

    def update(  # noqa: B027
        self, context: Context, item: Item, reward: float, slot: int = 0
    ) -> None:
        """Learn from the reward of an item shown in `slot` (no-op for policies that do not
        learn)."""

    def inclusion(self, context: Context, candidates: Candidates, k: int) -> dict[str, float]:
        """Probability that each eligible product is in the slate; they sum to min(k, N)."""
        return self._plan(context, candidates, k)[2]

    def placement(
        self, context: Context, candidates: Candidates, k: int
    ) -> dict[str, tuple[float, ...]]:
        """Probability of each eligible product in each slot; every slot's column sums to 1."""
        eligible, greedy, _ = self._plan(context, candidates, k)
        size = min(k, capacity(eligible, MAX_PER_CATEGORY))
        if not size:
            return {}
        uniform = self._uniform_slot(eligible, size)
        slots = {i.sku: [uniform[i.sku]] * size for i in eligible}
        for slot, item in enumerate(greedy):
            slots[item.sku][slot] += 1.0 - self.epsilon
        return {sku: tuple(p) for sku, p in slots.items()}

    def _uniform_slot(self, eligible: Sequence[Item], size: int) -> dict[str, float]:
        """Exploration's share of each product in any one slot: an explored slate is a uniform
        valid set in uniformly random order, so epsilon * q(i) / size."""
        if not size:
            return {}
        return {
            sku: self.epsilon * q / size
            for sku, q in inclusion(eligible, size, MAX_PER_CATEGORY).items()
        }

    def _plan(
        self, context: Context, candidates: Candidates, k: int
    ) -> tuple[tuple[Item, ...], tuple[Item, ...], dict[str, float]]:
        """Eligible items, the greedy slate, and every eligible item's inclusion probability."""
        eligible = candidates.eligible(context, k)
        size = min(k, capacity(eligible, MAX_PER_CATEGORY))
        if not size:
            return eligible, (), {}
        uniform = inclusion(eligible, size, MAX_PER_CATEGORY)
        probs = {sku: self.epsilon * q for sku, q in uniform.items()}
        greedy: tuple[Item, ...] = ()
        if self.epsilon < 1.0:
            greedy = self.greedy(context, eligible, candidates.popularity, size)
            for item in greedy:
                probs[item.sku] += 1.0 - self.epsilon
        return eligible, greedy, probs

    def choose(
        self, context: Context, candidates: Candidates, k: int, rng: np.random.Generator
    ) -> Slate:
        """Draw a slate of up to `k` products, each with its propensity."""
        eligible, greedy, probs = self._plan(context, candidates, k)
        chosen = greedy
        explored = bool(rng.random() < self.epsilon)
        size = min(k, capacity(eligible, MAX_PER_CATEGORY))
        if explored and probs:
            chosen = draw(eligible, size, rng)
        uniform = self._uniform_slot(eligible, size)
        items = tuple(
            Shown(
                i.sku,
                i.category,
                pos,
                probs[i.sku],
                uniform.get(i.sku, 0.0)
                + (1.0 - self.epsilon) * float(pos < len(greedy) and greedy[pos] == i),
            )
            for pos, i in enumerate(chosen)
        )
        return Slate(self.name, items, explored)
