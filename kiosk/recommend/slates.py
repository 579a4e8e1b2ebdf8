"""Slates with at most `cap` products per category: the uniform draw and its exact odds (pure).

A policy explores by showing a slate drawn uniformly from every valid slate: a set of `size`
eligible products with no more than `cap` from one category. With `n_c` eligible products in
category c, the number of valid slates is the coefficient of ``x^size`` in

    P(x) = prod_c  sum_{j=0..min(cap, n_c)} C(n_c, j) x^j

and the number of valid slates holding one given product of category c is the coefficient of
``x^(size-1)`` in ``P(x)`` with c's factor replaced by ``sum_{j=0..min(cap-1, n_c-1)}
C(n_c - 1, j) x^j``. Their ratio is the product's inclusion probability under the draw: exact
integer arithmetic, so the logged propensity is the true one, not an estimate. The draw picks how
many products each category gives (in proportion to the number of slates with that count) and
then which ones, uniformly, which is uniform over valid slates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import comb
from typing import Protocol, TypeVar

import numpy as np

MAX_PER_CATEGORY = 2  # no more than two cards from one category on screen


class Categorised(Protocol):
    """Anything with a sku and a category (a policy's `Item`)."""

    @property
    def sku(self) -> str: ...

    @property
    def category(self) -> str: ...


T = TypeVar("T", bound=Categorised)
Poly = list[int]


def _mul(a: Poly, b: Poly, limit: int) -> Poly:
    out = [0] * min(len(a) + len(b) - 1, limit + 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                if i + j <= limit:
                    out[i + j] += x * y
    return out


def _factor(n: int, cap: int) -> Poly:
    return [comb(n, j) for j in range(min(cap, n) + 1)] if n >= 0 and cap >= 0 else [1]


def _coefficient(poly: Poly, power: int) -> int:
    return poly[power] if 0 <= power < len(poly) else 0


def _by_category(items: Sequence[T]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return groups


def capacity(items: Sequence[Categorised], cap: int = MAX_PER_CATEGORY) -> int:
    """The largest valid slate: every category gives at most `cap` products."""
    return sum(min(cap, len(group)) for group in _by_category(items).values())


def inclusion(
    items: Sequence[Categorised], size: int, cap: int = MAX_PER_CATEGORY
) -> dict[str, float]:
    """Probability that each item is in a slate drawn uniformly from the valid slates of `size`.

    Args:
        items: eligible products (SKUs unique).
        size: slate size, at most `capacity(items, cap)`.
        cap: at most this many products of one category.

    Returns:
        SKU -> probability; the probabilities sum to `size`.

    Raises:
        ValueError: `size` exceeds what the cap allows.
    """
    groups = _by_category(items)
    if size > capacity(items, cap):
        raise ValueError(f"no slate of {size} fits {cap} per category over {len(items)} items")
    if size <= 0:
        return {item.sku: 0.0 for item in items}
    counts = {c: len(g) for c, g in groups.items()}
    total = _coefficient(_product(counts, cap, size), size)
    out: dict[str, float] = {}
    for category, group in groups.items():
        others = {c: n for c, n in counts.items() if c != category}
        with_one = _mul(_product(others, cap, size), _factor(len(group) - 1, cap - 1), size)
        p = _coefficient(with_one, size - 1) / total
        out.update((item.sku, p) for item in group)
    return out


def _product(counts: Mapping[str, int], cap: int, limit: int) -> Poly:
    poly: Poly = [1]
    for n in counts.values():
        poly = _mul(poly, _factor(n, cap), limit)
    return poly


def draw(
    items: Sequence[T], size: int, rng: np.random.Generator, cap: int = MAX_PER_CATEGORY
) -> tuple[T, ...]:
    """A slate drawn uniformly from the valid slates of `size`, in random screen order.

    Raises:
        ValueError: `size` exceeds what the cap allows.
    """
    if size > capacity(items, cap):
        raise ValueError(f"no slate of {size} fits {cap} per category over {len(items)} items")
    groups = list(_by_category(items).values())
    suffix: list[Poly] = [[1]] * (len(groups) + 1)
    for i in range(len(groups) - 1, -1, -1):
        suffix[i] = _mul(_factor(len(groups[i]), cap), suffix[i + 1], size)
    chosen: list[T] = []
    left = size
    for i, group in enumerate(groups):
        weights = [
            comb(len(group), j) * _coefficient(suffix[i + 1], left - j)
            for j in range(min(cap, len(group), left) + 1)
        ]
        take = _pick(weights, rng)
        picks = rng.choice(len(group), size=take, replace=False) if take else ()
        chosen.extend(group[int(p)] for p in picks)
        left -= take
    order = rng.permutation(len(chosen))
    return tuple(chosen[int(j)] for j in order)


def _pick(weights: Sequence[int], rng: np.random.Generator) -> int:
    """An index drawn in proportion to integer `weights` (exactly, however large they are)."""
    total = sum(weights)
    target = int(rng.integers(0, 2**62)) * total // 2**62  # uniform in [0, total) up to 2^-62
    for index, weight in enumerate(weights):
        if target < weight:
            return index
        target -= weight
    return len(weights) - 1


def capped(ranked: Sequence[T], k: int, cap: int = MAX_PER_CATEGORY) -> tuple[T, ...]:
    """The first `k` of `ranked` skipping products whose category already has `cap` picks."""
    taken: dict[str, int] = {}
    out: list[T] = []
    for item in ranked:
        if len(out) == k:
            break
        if taken.get(item.category, 0) < cap:
            taken[item.category] = taken.get(item.category, 0) + 1
            out.append(item)
    return tuple(out)
