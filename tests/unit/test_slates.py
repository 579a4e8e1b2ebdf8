"""At most two products of one category per slate, and the odds of the uniform draw are exact."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest

from kiosk.core.vocabulary import Valence
from kiosk.recommend.context import Shopper, build_context
from kiosk.recommend.exploration import Candidates, Item
from kiosk.recommend.policies import POLICY_NAMES, make_policy
from kiosk.recommend.slates import capacity, capped, draw, inclusion

UNEVEN = (
    *(Item(f"a{i}", "a") for i in range(6)),
    Item("b0", "b"),
    *(Item(f"c{i}", "c") for i in range(2)),
    *(Item(f"d{i}", "d") for i in range(3)),
)


def brute_force(items: tuple[Item, ...], size: int) -> dict[str, float]:
    valid = [
        s
        for s in itertools.combinations(items, size)
        if max(Counter(i.category for i in s).values()) <= 2
    ]
    return {i.sku: sum(i in s for s in valid) / len(valid) for i in items}


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7])
def test_inclusion_matches_counting_every_valid_slate(size: int) -> None:
    exact = inclusion(UNEVEN, size)
    expected = brute_force(UNEVEN, size)
    assert exact == pytest.approx(expected, abs=1e-12)
    assert sum(exact.values()) == pytest.approx(size)


def test_the_draw_is_uniform_over_valid_slates() -> None:
    rng = np.random.default_rng(3)
    seen: Counter[frozenset[str]] = Counter()
    draws = 20_000
    for _ in range(draws):
        slate = draw(UNEVEN, 3, rng)
        assert max(Counter(i.category for i in slate).values()) <= 2
        seen[frozenset(i.sku for i in slate)] += 1
    valid = sum(
        1
        for s in itertools.combinations(UNEVEN, 3)
        if max(Counter(i.category for i in s).values()) <= 2
    )
    assert len(seen) == valid
    p = 1 / valid
    tolerance = 5 * math.sqrt(p * (1 - p) / draws)
    assert all(abs(n / draws - p) < tolerance for n in seen.values())


def test_a_catalog_of_one_category_shows_two_products() -> None:
    hats = tuple(Item(f"h{i}", "hats") for i in range(9))
    assert capacity(hats) == 2
    context = build_context(Shopper(False, Valence.NEUTRAL, 0.0, False, 12.0), ["hats"])
    for name in POLICY_NAMES:
        slate = make_policy(name, epsilon=0.5).choose(
            context, Candidates(hats), 3, np.random.default_rng(0)
        )
        assert len(slate.items) == 2
        assert sum(s.propensity for s in slate.items) <= 2.0 + 1e-9
    with pytest.raises(ValueError, match="no slate of 3"):
        inclusion(hats, 3)


def test_greedy_ranking_skips_a_third_product_of_a_category() -> None:
    ranked = [Item("a1", "a"), Item("a2", "a"), Item("a3", "a"), Item("b1", "b")]
    assert [i.sku for i in capped(ranked, 3)] == ["a1", "a2", "b1"]


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_logged_propensity_on_an_uneven_catalog_is_the_empirical_rate(name: str) -> None:
    """Categories of 6, 1, 2 and 3 products: the uniform draw is not k/N per product, and the
    logged propensity must still be the true probability of showing it."""
    shopper = Shopper(True, Valence.POSITIVE, 0.0, False, 15.0, declared=frozenset({"a"}))
    context = build_context(shopper, ["a", "b", "c", "d"])
    policy = make_policy(name, epsilon=0.3)
    candidates = Candidates(UNEVEN, {"a0": 3.0, "a1": 2.0, "a2": 1.0})
    rng = np.random.default_rng(11)
    counts: Counter[str] = Counter()
    draws = 6_000
    for _ in range(draws):
        for shown in policy.choose(context, candidates, 3, rng).items:
            counts[shown.sku] += 1
    probs = policy.inclusion(context, candidates, 3)
    assert sum(probs.values()) == pytest.approx(3)
    for sku, p in probs.items():
        tolerance = 4.5 * math.sqrt(p * (1 - p) / draws) + 1e-9
        assert counts[sku] / draws == pytest.approx(p, abs=tolerance), sku
