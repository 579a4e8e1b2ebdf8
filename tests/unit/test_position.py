"""Slots matter: exact slot propensities, position-weighted LinUCB, and what the kiosk logs."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import RecommendConfig
from kiosk.core.vocabulary import RewardKind, Valence
from kiosk.recommend.context import Shopper, build_context, logged_slot_propensity
from kiosk.recommend.exploration import Candidates, Item
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.offline import evaluate, logged_value
from kiosk.recommend.policies import POLICY_NAMES, make_policy
from kiosk.recommend.simulator import SimConfig, make_world, run_policy
from kiosk.services.suggestion_records import ShopperState
from kiosk.services.suggestions import SuggestionService, logged_examination
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.store.learning import LearningLog

CATS = ("snacks", "drinks", "books", "toys")
ITEMS = tuple(Item(f"{c}-{j}", c) for c in CATS for j in range(3))


def trained() -> LinUCB:
    model = LinUCB(alpha=0.5)
    context = build_context(Shopper(True, Valence.POSITIVE, 0.0, False, 15.0), CATS)
    for j in range(40):
        for c in CATS:
            model.update(c, context.vector(c), float(c == "toys" and j % 2 == 0))
    return model


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_slot_propensity_is_the_frequency_of_that_product_in_that_slot(name: str) -> None:
    policy = make_policy(name, trained(), epsilon=0.3)
    context = build_context(Shopper(True, Valence.POSITIVE, 0.0, False, 15.0), CATS)
    candidates = Candidates(ITEMS, {"books-1": 3.0})
    k, draws = 3, 6000
    rng = np.random.default_rng(3)
    counts: Counter[tuple[str, int]] = Counter()
    placement = policy.placement(context, candidates, k)
    for _ in range(draws):
        for shown in policy.choose(context, candidates, k, rng).items:
            counts[shown.sku, shown.position] += 1
            assert shown.slot_propensity == pytest.approx(placement[shown.sku][shown.position])
    for slot in range(k):
        assert sum(p[slot] for p in placement.values()) == pytest.approx(1.0)
    for sku, probs in placement.items():
        assert sum(probs) == pytest.approx(policy.inclusion(context, candidates, k)[sku])
        for slot, p in enumerate(probs):
            tolerance = 4.5 * math.sqrt(p * (1 - p) / draws) + 1e-9
            assert counts[sku, slot] / draws == pytest.approx(p, abs=tolerance), (sku, slot)


def test_position_weighted_update_is_a_regression_on_weighted_features_and_stays_additive() -> None:
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(30, 4))
    rewards = rng.random(30)
    weights = rng.choice([1.0, 0.7, 0.4], 30)
    whole, first, second = (LinUCB(dim=4, features=tuple("abcd")) for _ in range(3))
    for j, (x, r, w) in enumerate(zip(xs, rewards, weights, strict=True)):
        whole.update("arm", x, r, w)
        (first if j < 12 else second).update("arm", x, r, w)
    z = xs * weights[:, None]
    assert whole.arms["arm"].a == pytest.approx(np.eye(4) + z.T @ z)
    assert whole.arms["arm"].b == pytest.approx(z.T @ rewards)
    assert whole.arms["arm"].a_inv == pytest.approx(np.linalg.inv(whole.arms["arm"].a))
    summed = first.arms["arm"].a + second.arms["arm"].a - np.eye(4)  # a chain sums deltas
    assert summed == pytest.approx(whole.arms["arm"].a)
    assert first.arms["arm"].b + second.arms["arm"].b == pytest.approx(whole.arms["arm"].b)
    with pytest.raises(ValueError, match="weight"):
        whole.update("arm", xs[0], 1.0, 0.0)


def test_bandit_weights_each_slot_by_its_examination() -> None:
    context = build_context(Shopper(False, None, 0.0, False, 12.0), CATS)
    plain, weighted = LinUCB(), LinUCB()
    make_policy("bandit", plain).update(context, ITEMS[0], 1.0, slot=2)
    make_policy("bandit", weighted, examination=(1.0, 0.8, 0.5)).update(
        context, ITEMS[0], 1.0, slot=2
    )
    x = context.vector("snacks")
    assert weighted.arms["snacks"].b == pytest.approx(0.5 * x)
    assert plain.arms["snacks"].b == pytest.approx(x)
    with pytest.raises(ValueError, match="examination"):
        make_policy("bandit", LinUCB(), examination=(1.0, 0.0, 1.0))


def test_slot_ips_of_the_logging_policy_is_what_it_got() -> None:
    """On its own logs a fixed policy's slot weights are all 1: slot IPS = the logged value."""
    config = SimConfig(steps=300, seed=3)
    policy = make_policy("rules", epsilon=0.4)
    run = run_policy(policy, make_world(config), config, keep_logs=True)
    estimate = evaluate(policy, run.logs, config.k)
    assert estimate.slot_ips == pytest.approx(logged_value(run.logs)[0])
    assert estimate.slot_ips_stderr is not None


def test_kiosk_logs_exact_slot_propensities_and_learns_examination(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    csv = tmp_path / "c.csv"
    rows = [f"{c[0].upper()}{j},Thing {c} {j},{c},1.00" for c in CATS for j in range(3)]
    csv.write_text("sku,name,category,price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    try:
        assert Catalog(store).import_file(csv).ok
        log = LearningLog(store)
        assert logged_examination(log, 3) == (1.0, 1.0, 1.0)  # nothing logged yet
        service = SuggestionService(
            store, RecommendConfig(policy="random", k=3, min_dwell_ms=0), seed=1
        )
        for step in range(300):
            shown = service.suggest(ShopperState(None, Valence.NEUTRAL), float(step))
            service.record(shown.suggestions[0].sku, RewardKind.TAP)  # only slot 0 is tapped
        service.end_visit()
        logged = log.logged()
        assert len(logged) == 900
        for row in logged:  # random: 1/N in each slot, k/N in the slate (N eligible)
            slot_p = logged_slot_propensity(row.context_json, row.sku)
            assert slot_p == pytest.approx(row.propensity / 3)
        exam = logged_examination(log, 3)
        assert exam[0] == 1.0
        assert exam[1] < 0.1 and exam[2] < 0.1
    finally:
        store.close()
