"""kiosk.core.metrics on small cases computed by hand."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from kiosk.core import metrics

# Two genuine pairs (0.1, 0.5) and two impostors (0.5, 0.9): one genuine/impostor tie at 0.5.
TIED_D = [0.1, 0.5, 0.5, 0.9]
TIED_SAME = [1, 1, 0, 0]


@pytest.mark.parametrize(
    ("distances", "same", "expected"),
    [
        ([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0], 1.0),  # perfect separation
        ([0.8, 0.9, 0.1, 0.2], [1, 1, 0, 0], 0.0),  # perfectly wrong
        ([0.5, 0.5], [True, False], 0.5),  # a single tie counts one half
        # (g.1 < i.5) 1 + (g.1 < i.9) 1 + (g.5 = i.5) 0.5 + (g.5 < i.9) 1 = 3.5 of 4
        (TIED_D, TIED_SAME, 0.875),
        # only genuine 0.3 < impostor 0.4 holds of the four genuine/impostor combinations
        ([0.3, 0.6, 0.4, 0.2], [1, 1, 0, 0], 0.25),
    ],
)
def test_roc_auc(distances: list[float], same: list[int], expected: float) -> None:
    assert metrics.roc_auc(distances, same) == pytest.approx(expected)


def test_roc_curve_steps_through_each_distinct_distance() -> None:
    curve = metrics.roc_curve(TIED_D, TIED_SAME)
    assert curve.thresholds[0] < 0.1
    assert curve.thresholds[1:] == pytest.approx((0.1, 0.5, 0.9))
    assert curve.far == pytest.approx((0.0, 0.0, 0.5, 1.0))
    assert curve.tar == pytest.approx((0.0, 0.5, 1.0, 1.0))


def test_best_accuracy_takes_the_strictest_best_interval_midpoint() -> None:
    # correct decisions: accept none 2/5, <=0.1 3/5, <=0.2 4/5, <=0.3 3/5, <=0.4 4/5, <=0.5 3/5
    distances, same = [0.1, 0.2, 0.3, 0.4, 0.5], [1, 1, 0, 1, 0]
    best = metrics.best_accuracy(distances, same)
    assert best.accuracy == pytest.approx(0.8)
    assert best.threshold == pytest.approx(0.25)
    assert metrics.accuracy_at(distances, same, best.threshold) == pytest.approx(0.8)
    assert metrics.accuracy_at(distances, same, 0.35) == pytest.approx(0.6)


GENUINE = [0.2, 0.4, 0.55, 0.65, 1.5]
IMPOSTOR = [0.5 + 0.1 * i for i in range(10)]  # 0.5 .. 1.4


@pytest.mark.parametrize(
    ("far", "threshold", "tar", "far_reached"),
    [
        (0.1, 0.55, 0.6, 0.1),  # one impostor (0.5) allowed: loosest cut before the 2nd is 0.55
        (0.0, 0.4, 0.4, 0.0),
        (0.01, 0.4, 0.4, 0.0),  # 10 impostors cannot resolve 1 %: FAR 0
        (0.3, 0.7, 0.8, 0.3),  # three impostors 0.5, 0.6, 0.7
        (1.0, 1.5, 1.0, 1.0),
    ],
)
def test_tar_at_far(far: float, threshold: float, tar: float, far_reached: float) -> None:
    result = metrics.tar_at_far(GENUINE + IMPOSTOR, [1] * 5 + [0] * 10, far)
    assert result.far_target == far
    assert result.threshold == pytest.approx(threshold)
    assert result.tar == pytest.approx(tar)
    assert result.far == pytest.approx(far_reached)
    assert result.impostors == 10


def test_tar_at_far_rejects_a_tied_group_whole() -> None:
    # genuine 0.1, 0.3; impostors 0.3, 0.3, 0.9, 0.9. FAR 25 % allows one impostor, but the two
    # at 0.3 go together, so the cut stays at 0.1 and the genuine pair at 0.3 is rejected too.
    result = metrics.tar_at_far([0.1, 0.3, 0.3, 0.3, 0.9, 0.9], [1, 1, 0, 0, 0, 0], 0.25)
    assert result.threshold == pytest.approx(0.1)
    assert result.tar == pytest.approx(0.5)
    assert result.far == 0.0


def test_tar_at_far_when_the_closest_pair_is_an_impostor() -> None:
    result = metrics.tar_at_far([0.5, 0.1, 0.9], [1, 0, 0], 0.0)
    assert result.threshold < 0.1
    assert (result.tar, result.far) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("distances", "same", "message"),
    [
        ([0.1, 0.2], [1, 1], "0 impostor"),
        ([0.1, 0.2], [0, 0], "0 genuine"),
        ([], [], "0 genuine"),
        ([0.1, 0.2], [1], "one entry per pair"),
        ([0.1, math.nan], [1, 0], "finite"),
        ([0.1, 0.2], [1, 2], "0/1"),
    ],
)
def test_pair_metrics_reject_bad_input(
    distances: list[float], same: list[int], message: str
) -> None:
    for function in (metrics.roc_auc, metrics.roc_curve, metrics.best_accuracy):
        with pytest.raises(ValueError, match=message):
            function(distances, same)
    with pytest.raises(ValueError, match=message):
        metrics.tar_at_far(distances, same, 0.01)


@pytest.mark.parametrize("far", [-0.1, 1.5])
def test_tar_at_far_rejects_a_far_outside_0_1(far: float) -> None:
    with pytest.raises(ValueError, match=r"far must be in \[0, 1\]"):
        metrics.tar_at_far(TIED_D, TIED_SAME, far)


TRUTH = ["a", "a", "a", "b", "b", "c"]
PREDICTED = ["a", "a", "b", "b", "a", "c"]


def test_confusion_accuracy_and_balanced_accuracy() -> None:
    confusion = metrics.confusion_matrix(TRUTH, PREDICTED, ("a", "b", "c"))
    assert confusion.counts == ((2, 1, 0), (1, 1, 0), (0, 0, 1))
    assert confusion.total == 6
    assert metrics.accuracy(confusion) == pytest.approx(4 / 6)
    # recalls a 2/3, b 1/2, c 1/1
    assert metrics.balanced_accuracy(confusion) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)


def test_balanced_accuracy_skips_labels_absent_from_the_truth() -> None:
    confusion = metrics.confusion_matrix(TRUTH, PREDICTED, ("a", "b", "c", "d"))
    assert confusion.counts[3] == (0, 0, 0, 0)
    assert metrics.balanced_accuracy(confusion) == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)


@pytest.mark.parametrize(
    ("truth", "predicted", "labels", "message"),
    [
        (["a"], ["a", "b"], ("a", "b"), "one entry per sample"),
        (["a"], ["z"], ("a", "b"), "'z'"),
        (["a"], ["a"], ("a", "a"), "must not repeat"),
    ],
)
def test_confusion_matrix_rejects_bad_input(
    truth: list[str], predicted: list[str], labels: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        metrics.confusion_matrix(truth, predicted, labels)


def test_empty_confusion_has_no_accuracy() -> None:
    empty = metrics.confusion_matrix([], [], ("a", "b"))
    with pytest.raises(ValueError, match="empty"):
        metrics.accuracy(empty)
    with pytest.raises(ValueError, match="empty"):
        metrics.balanced_accuracy(empty)


def test_results_are_json_serialisable() -> None:
    results = (
        metrics.roc_curve(TIED_D, TIED_SAME),
        metrics.best_accuracy(TIED_D, TIED_SAME),
        metrics.tar_at_far(TIED_D, TIED_SAME, 0.5),
        metrics.confusion_matrix(TRUTH, PREDICTED, ("a", "b", "c")),
    )
    for result in results:
        as_dict = dataclasses.asdict(result)
        json.dumps(as_dict, allow_nan=False)
        for value in as_dict.values():
            assert type(value) in (tuple, float, int, str)
