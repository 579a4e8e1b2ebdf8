"""Slot-wise off-policy estimators, BTS reproduction and replay against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kiosk.core.vocabulary import Estimator, ObdCampaign, ObdPolicy, ReplayLearner
from kiosk.recommend import ope, thompson
from kiosk.recommend.obd import BtsPrior, ObdLog
from kiosk.recommend.position import examination, pbm_table, slot_rates, wilson
from kiosk.recommend.replay import replay

ITEMS, SLOTS = 5, 3


def synthetic(n: int, seed: int) -> tuple[ope.Feedback, np.ndarray]:
    """A log with varied propensities and a random target table (columns sum to 1)."""
    rng = np.random.default_rng(seed)
    item = rng.integers(0, ITEMS, n)
    slot = rng.integers(0, SLOTS, n)
    click = (rng.random(n) < 0.3).astype(np.float64)
    propensity = rng.uniform(0.05, 0.6, n)
    target = rng.random((ITEMS, SLOTS))
    target /= target.sum(axis=0)
    return ope.Feedback(item, slot, click, propensity, ITEMS, SLOTS), target


def brute_force(fb: ope.Feedback, target: np.ndarray) -> dict[Estimator, float]:
    """The textbook formulas, one row at a time, reward model refitted by counting."""
    n = len(fb.item)
    w = [target[fb.item[t], fb.slot[t]] / fb.propensity[t] for t in range(n)]
    overall = sum(fb.click) / n
    q = np.zeros((ITEMS, SLOTS))
    slot_rate = []
    for k in range(SLOTS):
        shows = sum(1 for t in range(n) if fb.slot[t] == k)
        clicks = sum(fb.click[t] for t in range(n) if fb.slot[t] == k)
        slot_rate.append((clicks + n / SLOTS * overall) / (shows + n / SLOTS))
    for a in range(ITEMS):
        shows = sum(1 for t in range(n) if fb.item[t] == a)
        clicks = sum(fb.click[t] for t in range(n) if fb.item[t] == a)
        attraction = (clicks + n / ITEMS * overall) / (shows + n / ITEMS)
        for k in range(SLOTS):
            q[a, k] = attraction * slot_rate[k] / overall
    dr = 0.0
    for t in range(n):
        k = fb.slot[t]
        dr += sum(target[a, k] * q[a, k] for a in range(ITEMS))
        dr += w[t] * (fb.click[t] - q[fb.item[t], k])
    return {
        Estimator.IPS: sum(w[t] * fb.click[t] for t in range(n)) / n,
        Estimator.SNIPS: sum(w[t] * fb.click[t] for t in range(n)) / sum(w),
        Estimator.DR: dr / n,
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_estimators_match_the_textbook_formulas_row_by_row(seed: int) -> None:
    fb, target = synthetic(60, seed)
    values = ope.estimate(fb, target)
    for estimator, expected in brute_force(fb, target).items():
        assert values.get(estimator) == pytest.approx(expected, rel=1e-10)


def test_bootstrap_weights_equal_a_log_with_rows_repeated() -> None:
    fb, target = synthetic(40, 3)
    counts = np.random.default_rng(0).integers(0, 3, 40).astype(np.float64)
    counts[0] = 1.0
    rows = np.repeat(np.arange(40), counts.astype(int))
    repeated = ope.Feedback(
        fb.item[rows], fb.slot[rows], fb.click[rows], fb.propensity[rows], ITEMS, SLOTS
    )
    weighted, plain = ope.estimate(fb, target, counts), ope.estimate(repeated, target)
    for e in Estimator:
        assert weighted.get(e) == pytest.approx(plain.get(e), rel=1e-10)


def test_ips_and_dr_are_unbiased_over_every_possible_impression() -> None:
    """Expectation over all (item, slot, click) outcomes of a uniform logger, weighted by their
    probability, equals the target's true click rate exactly (IPS), and DR too for any model."""
    rng = np.random.default_rng(4)
    rate = rng.uniform(0.0, 0.5, (ITEMS, SLOTS))
    target = rng.random((ITEMS, SLOTS))
    target /= target.sum(axis=0)
    outcomes = list(itertools.product(range(ITEMS), range(SLOTS), (0.0, 1.0)))
    item = np.array([o[0] for o in outcomes])
    slot = np.array([o[1] for o in outcomes])
    click = np.array([o[2] for o in outcomes])
    chance = np.array(
        [(rate[a, k] if c else 1 - rate[a, k]) / (ITEMS * SLOTS) for a, k, c in outcomes]
    )
    fb = ope.Feedback(item, slot, click, np.full(len(outcomes), 1.0 / ITEMS), ITEMS, SLOTS)
    truth = float((target * rate).sum(axis=0).mean())
    assert ope.estimate(fb, target, chance).ips == pytest.approx(truth, rel=1e-12)
    w = target[item, slot] * ITEMS
    for q in (np.zeros((ITEMS, SLOTS)), rng.random((ITEMS, SLOTS))):
        direct = (target * q).sum(axis=0)[slot]
        dr = float((chance * (direct + w * (click - q[item, slot]))).sum())
        assert dr == pytest.approx(truth, rel=1e-12)


def test_bootstrap_intervals_are_sane_and_reproducible() -> None:
    fb, target = synthetic(400, 5)
    first = ope.bootstrap(fb, target, resamples=300, seed=7)
    assert first == ope.bootstrap(fb, target, resamples=300, seed=7)
    for interval in first.values():
        assert interval.low < interval.value < interval.high
    small = ope.bootstrap(synthetic(100, 5)[0], target, resamples=300, seed=7)
    big = ope.bootstrap(synthetic(3000, 5)[0], target, resamples=300, seed=7)
    for e in Estimator:
        assert big[e].high - big[e].low < small[e].high - small[e].low
    truth = ope.on_policy(np.array([1.0] * 38 + [0.0] * 9962), resamples=2000)
    assert truth.value == 0.0038
    assert 0.002 < truth.low < truth.value < truth.high < 0.0055
    assert (truth.low, truth.high) == pytest.approx(wilson(38, 10000), abs=4e-4)


def test_feedback_and_target_shapes_are_checked() -> None:
    fb, target = synthetic(10, 0)
    with pytest.raises(ValueError, match="target must be"):
        ope.estimate(fb, target[:, :2])
    with pytest.raises(ValueError, match="propensities"):
        ope.Feedback(fb.item, fb.slot, fb.click, fb.propensity * 0.0, ITEMS, SLOTS)
    with pytest.raises(ValueError, match="one shape"):
        ope.Feedback(fb.item[:5], fb.slot, fb.click, fb.propensity, ITEMS, SLOTS)


def test_pbm_table_is_attraction_times_slot_factor() -> None:
    fb, _ = synthetic(90, 2)
    q = pbm_table(fb.item, fb.slot, fb.click, np.ones(90), n_items=ITEMS, slots=SLOTS)
    assert q.shape == (ITEMS, SLOTS)
    assert np.linalg.matrix_rank(q) == 1  # an outer product
    assert np.all(q >= 0)


def test_bts_monte_carlo_matches_an_explicit_sampling_loop() -> None:
    prior = BtsPrior(
        ObdCampaign.ALL, np.array([2.0, 5.0, 1.0, 3.0]), np.array([8.0, 5.0, 9.0, 7.0])
    )
    probs = thompson.slot_probabilities(prior, slots=3, draws=40_000, seed=1)
    assert probs.sum(axis=0) == pytest.approx([1.0, 1.0, 1.0])
    assert np.all(probs.sum(axis=1) <= 1.0 + 1e-12)
    rng = np.random.default_rng(2)
    counts = np.zeros((4, 3))
    for _ in range(20_000):  # obp's select_action: argsort of one draw, largest first
        theta = rng.beta(prior.alpha, prior.beta)
        for k, a in enumerate(theta.argsort()[::-1][:3]):
            counts[a, k] += 1
    assert probs == pytest.approx(counts / 20_000, abs=0.015)
    same = BtsPrior(ObdCampaign.ALL, np.full(6, 3.0), np.full(6, 30.0))
    uniform = thompson.slot_probabilities(same, slots=3, draws=30_000, seed=0)
    assert uniform == pytest.approx(np.full((6, 3), 1 / 6), abs=0.01)


def test_examination_recovers_a_known_position_bias_and_shrinks_without_clicks() -> None:
    rng = np.random.default_rng(0)
    n, exam = 200_000, np.array([1.0, 0.6, 0.3])
    attraction = rng.uniform(0.02, 0.2, ITEMS)
    item, slot = rng.integers(0, ITEMS, n), rng.integers(0, SLOTS, n)
    click = (rng.random(n) < exam[slot] * attraction[item]).astype(np.float64)
    estimate = examination(slot, click, np.full(n, 1.0 / ITEMS), SLOTS)
    assert estimate == pytest.approx(tuple(exam), abs=0.03)
    assert examination([0, 1, 2], [0.0, 0.0, 0.0], [0.2, 0.2, 0.2], SLOTS) == (1.0, 1.0, 1.0)
    assert examination([], [], [], SLOTS) == (1.0, 1.0, 1.0)
    rates = slot_rates(slot.tolist(), click.tolist(), SLOTS)
    assert [r.rate > 0 for r in rates] == [True] * 3
    assert rates[0].low < rates[0].rate < rates[0].high
    with pytest.raises(ValueError, match="propensities"):
        examination([0], [1.0], [0.0], SLOTS)


def uniform_log(n: int, seed: int, best: int) -> ObdLog:
    """A uniformly random log in which item `best` is clicked half the time, others rarely."""
    rng = np.random.default_rng(seed)
    items = 8
    item = rng.integers(0, items, n)
    click = (rng.random(n) < np.where(item == best, 0.5, 0.02)).astype(np.float64)
    return ObdLog(
        ObdPolicy.RANDOM,
        ObdCampaign.ALL,
        items,
        item,
        rng.integers(0, SLOTS, n),
        click,
        np.full(n, 1.0 / items),
        rng.integers(0, 3, (n, 4)),
        rng.random((n, items)),
    )


@pytest.mark.parametrize("learner", list(ReplayLearner))
def test_replay_counts_matches_only_and_learners_find_a_clear_winner(
    learner: ReplayLearner,
) -> None:
    log = uniform_log(6000, 1, best=3)
    run = replay(log, learner, seed=0)
    assert run.matched == len(run.cumulative_clicks)
    assert run.clicks == (run.cumulative_clicks[-1] if run.cumulative_clicks else 0)
    assert 0.5 * 6000 / 8 < run.matched < 2.0 * 6000 / 8
    # random: (0.5 + 7 * 0.02) / 8 = 0.08; best possible: the winner in slot 0 and two others,
    # (0.5 + 0.02 + 0.02) / 3 = 0.18 (the counted impressions spread evenly over the slots)
    assert run.rate > 0.13
    assert replay(log, learner, seed=0) == run


def test_replay_refuses_a_log_that_was_not_uniformly_random() -> None:
    log = uniform_log(100, 0, best=0)
    skewed = ObdLog(
        ObdPolicy.BTS, log.campaign, log.n_items, log.item, log.slot, log.click,
        np.full(100, 0.3), log.user, log.affinity,
    )  # fmt: skip
    with pytest.raises(ValueError, match="uniformly random"):
        replay(skewed, ReplayLearner.LINUCB, seed=0)
