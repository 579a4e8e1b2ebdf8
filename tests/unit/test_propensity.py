"""The propensity logged with a shown product is the probability the policy had of showing it."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from kiosk.core.vocabulary import Valence
from kiosk.recommend.context import Shopper, build_context
from kiosk.recommend.exploration import Candidates, Item
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.policies import POLICY_NAMES, make_policy

CATS = ("snacks", "drinks", "books", "toys")
ITEMS = tuple(Item(f"{c}-{j}", c) for c in CATS for j in range(3))
POPULARITY = {"drinks-1": 5.0, "books-0": 2.0, "toys-2": 1.0}


def trained_model() -> LinUCB:
    model = LinUCB(alpha=0.5)
    context = build_context(Shopper(True, Valence.NEGATIVE, -0.5, False, 9.0), CATS)
    rng = np.random.default_rng(1)
    for _ in range(30):
        for c in CATS:
            model.update(c, context.vector(c), float(rng.random() < (0.8 if c == "books" else 0.2)))
    return model


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_logged_propensity_matches_empirical_frequency(name: str) -> None:
    policy = make_policy(name, trained_model(), epsilon=0.2)
    shopper = Shopper(
        known=True,
        valence=Valence.NEGATIVE,
        valence_change=-0.5,
        masked=False,
        hour=9.0,
        declared=frozenset({"toys"}),
        shown_skus=frozenset({"snacks-0"}),
        shown_categories=frozenset({"snacks"}),
    )
    context = build_context(shopper, CATS)
    candidates = Candidates(ITEMS, POPULARITY)
    k, draws = 3, 8000
    rng = np.random.default_rng(7)
    counts: Counter[str] = Counter()
    logged: dict[str, float] = {}
    for _ in range(draws):
        slate = policy.choose(context, candidates, k, rng)
        assert len(slate.items) == k
        assert len({s.sku for s in slate.items}) == k
        for shown in slate.items:
            counts[shown.sku] += 1
            assert logged.setdefault(shown.sku, shown.propensity) == shown.propensity
    probs = policy.inclusion(context, candidates, k)
    assert "snacks-0" not in probs  # already shown in this visit: not eligible
    assert sum(probs.values()) == pytest.approx(k)
    assert all(0.0 < p <= 1.0 for p in probs.values())
    for sku, p in probs.items():
        assert logged.get(sku, p) == pytest.approx(p)
        tolerance = 4.5 * math.sqrt(p * (1 - p) / draws) + 1e-9
        assert counts[sku] / draws == pytest.approx(p, abs=tolerance), sku


def test_all_items_become_eligible_again_when_too_few_are_left() -> None:
    items = ITEMS[:4]
    shopper = Shopper(False, None, 0.0, False, 12.0, shown_skus=frozenset(i.sku for i in items[:3]))
    context = build_context(shopper, CATS)
    probs = make_policy("popularity").inclusion(context, Candidates(items), 2)
    assert set(probs) == {i.sku for i in items}


def test_random_policy_propensity_is_k_over_n() -> None:
    context = build_context(Shopper(False, None, 0.0, False, 12.0), CATS)
    probs = make_policy("random").inclusion(context, Candidates(ITEMS), 3)
    assert list(probs.values()) == pytest.approx([3 / len(ITEMS)] * len(ITEMS))


def test_unknown_policy_and_bad_epsilon_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy"):
        make_policy("oracle")
    with pytest.raises(ValueError, match="epsilon"):
        make_policy("rules", epsilon=0.0)
