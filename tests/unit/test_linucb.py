"""LinUCB's update against hand computation: A = I + sum x x^T, b = sum r x, theta = A^-1 b."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.recommend.context import DIM, FEATURES, Context
from kiosk.recommend.exploration import Candidates, Item
from kiosk.recommend.linucb import REFRESH, LinUCB
from kiosk.recommend.policies import LinUCBPolicy


def v(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_three_updates_match_hand_computation() -> None:
    model = LinUCB(alpha=1.0, ridge=1.0, dim=2, features=("x1", "x2"))
    # Fresh arm: A = I, b = 0, theta = 0, UCB = alpha * |x|.
    assert model.ucb("a", v(3, 4)) == pytest.approx(5.0)

    model.update("a", v(1, 0), 1.0)  # A = [[2, 0], [0, 1]], b = (1, 0)
    np.testing.assert_allclose(model.theta("a"), [0.5, 0.0])
    assert model.ucb("a", v(1, 0)) == pytest.approx(0.5 + math.sqrt(0.5))

    model.update("a", v(1, 1), 0.0)  # A = [[3, 1], [1, 2]], det 5, A^-1 = [[2, -1], [-1, 3]] / 5
    np.testing.assert_allclose(model.theta("a"), [0.4, -0.2])
    assert model.ucb("a", v(0, 1)) == pytest.approx(-0.2 + math.sqrt(3 / 5))

    model.update("a", v(0, 2), 1.0)  # A = [[3, 1], [1, 6]], det 17, b = (1, 2)
    np.testing.assert_allclose(model.theta("a"), [4 / 17, 5 / 17])
    model.alpha = 0.5
    assert model.ucb("a", v(1, 1)) == pytest.approx(9 / 17 + 0.5 * math.sqrt(7 / 17))
    np.testing.assert_allclose(model.arms["a"].a, [[3, 1], [1, 6]])
    np.testing.assert_allclose(model.arms["a"].b, [1, 2])
    assert model.ucb("other", v(1, 0)) == pytest.approx(0.5)  # arms are disjoint


def test_sherman_morrison_stays_equal_to_a_direct_inverse() -> None:
    rng = np.random.default_rng(0)
    model = LinUCB(alpha=0.3)
    for step in range(REFRESH * 3 + 5):
        x = rng.normal(size=DIM) * (1e3 if step % 7 == 0 else 1.0)  # badly scaled on purpose
        model.update("a", x, float(rng.random()))
    arm = model.arms["a"]
    np.testing.assert_allclose(arm.a_inv, np.linalg.inv(arm.a), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(model.theta("a"), np.linalg.solve(arm.a, arm.b), rtol=1e-8)


def test_state_round_trips_and_rejects_garbage() -> None:
    model = LinUCB(alpha=0.7)
    x = np.linspace(0, 1, DIM)
    model.update("snacks", x, 1.0)
    again = LinUCB.from_bytes(model.to_bytes())
    assert again.features == FEATURES
    assert again.observations("snacks") == 1
    assert again.ucb("snacks", x) == pytest.approx(model.ucb("snacks", x))
    assert LinUCB.from_bytes(model.to_bytes(), alpha=0.0).alpha == 0.0
    with pytest.raises(ValueError, match="not a LinUCB state"):
        LinUCB.from_bytes(b"{nope")


@pytest.mark.parametrize("bad", [np.zeros(3), np.full(DIM, np.nan)])
def test_bad_vectors_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="context vector"):
        LinUCB().update("a", bad, 1.0)


def test_policy_ranks_products_by_their_category_ucb() -> None:
    model = LinUCB(alpha=0.0)
    context = Context((1.0,) + (0.0,) * 8, {"a": (0.0, 0.0, 0.0), "b": (0.0, 0.0, 0.0)})
    for _ in range(5):
        model.update("b", context.vector("b"), 1.0)
        model.update("a", context.vector("a"), 0.0)
    items = (Item("a1", "a"), Item("b1", "b"), Item("b2", "b"))
    policy = LinUCBPolicy(model, epsilon=0.1)
    greedy = policy.greedy(context, items, {"b2": 3.0}, 2)
    assert [i.sku for i in greedy] == ["b2", "b1"]  # category b first, then by popularity
    probs = policy.inclusion(context, Candidates(items, {"b2": 3.0}), 2)
    assert probs == pytest.approx(
        {"a1": 0.1 * 2 / 3, "b1": 0.9 + 0.1 * 2 / 3, "b2": 0.9 + 0.1 * 2 / 3}
    )
