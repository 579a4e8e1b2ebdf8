"""Evaluation metrics on plain arrays: verification (distances of pairs) and classification.

Verification convention: a pair is *accepted* as the same person when its distance is at or below
the threshold (`distance <= threshold`); lower distance means more alike. `same` is True for a
genuine pair (same person) and False for an impostor pair. TAR (true accept rate) is the share of
genuine pairs accepted, FAR (false accept rate) the share of impostor pairs accepted.

Pairs with equal distances are accepted or rejected together: no threshold splits a tie.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

_Floats = npt.NDArray[np.float64]
_Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class RocCurve:
    """Operating points of a distance threshold, from accepting nothing to accepting everything.

    Attributes:
        thresholds: distance thresholds, ascending; point i accepts `distance <= thresholds[i]`.
            The first one lies just below the smallest distance (accepts nothing).
        far: false accept rate at each threshold, in [0, 1], non-decreasing.
        tar: true accept rate at each threshold, in [0, 1], non-decreasing.
    """

    thresholds: tuple[float, ...]
    far: tuple[float, ...]
    tar: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ThresholdAccuracy:
    """Verification accuracy at one threshold.

    Attributes:
        threshold: distance threshold (accept `distance <= threshold`).
        accuracy: share of all pairs decided correctly, in [0, 1].
    """

    threshold: float
    accuracy: float


@dataclass(frozen=True, slots=True)
class TarAtFar:
    """The true accept rate at the loosest threshold whose false accept rate stays within a target.

    Attributes:
        far_target: the FAR the threshold had to stay at or below, in [0, 1].
        threshold: the chosen distance threshold (accept `distance <= threshold`).
        tar: true accept rate at that threshold, in [0, 1].
        far: false accept rate actually reached, <= far_target.
        impostors: number of impostor pairs; with fewer than 1 / far_target of them the only
            reachable FAR within target is 0.
    """

    far_target: float
    threshold: float
    tar: float
    far: float
    impostors: int


@dataclass(frozen=True, slots=True)
class Confusion:
    """A confusion matrix.

    Attributes:
        labels: the label of each row and column.
        counts: counts[i][j] = number of samples whose true label is labels[i] and predicted
            label is labels[j] (rows: truth, columns: prediction).
    """

    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    @property
    def total(self) -> int:
        """Number of samples counted."""
        return sum(sum(row) for row in self.counts)


def _pairs(distances: npt.ArrayLike, same: npt.ArrayLike) -> tuple[_Floats, _Bools]:
    """Validated float64 distances (N,) and bool same (N,); ValueError saying what is wrong."""
    dist = np.asarray(distances, dtype=np.float64).reshape(-1)
    flags = np.asarray(same).reshape(-1)
    if dist.shape != flags.shape:
        raise ValueError(
            f"distances and same must have one entry per pair, got {dist.size} and {flags.size}"
        )
    if not np.all(np.isfinite(dist)):
        raise ValueError("distances must be finite numbers")
    if flags.dtype != np.bool_ and not np.all(np.isin(flags, (0, 1))):
        raise ValueError("same must hold booleans or 0/1 values")
    genuine = flags.astype(np.bool_)
    n_genuine = int(genuine.sum())
    if n_genuine in (0, genuine.size):
        raise ValueError(
            f"need both genuine and impostor pairs, got {n_genuine} genuine and "
            f"{genuine.size - n_genuine} impostor"
        )
    return dist, genuine


def _accept_counts(dist: _Floats, genuine: _Bools) -> tuple[_Floats, _Floats, _Floats]:
    """Unique distances ascending (T,), and genuine / impostor counts accepted at each (T,)."""
    cuts = np.unique(dist)
    tp = np.searchsorted(np.sort(dist[genuine]), cuts, side="right").astype(np.float64)
    fp = np.searchsorted(np.sort(dist[~genuine]), cuts, side="right").astype(np.float64)
    return cuts, tp, fp


def roc_auc(distances: npt.ArrayLike, same: npt.ArrayLike) -> float:
    """Area under the ROC curve, by ranks (Mann-Whitney U).

    It is the probability that a random genuine pair has a smaller distance than a random
    impostor pair; a tie between a genuine and an impostor pair counts one half.

    Args:
        distances: float (N,) distance per pair (lower = more alike).
        same: bool or 0/1 (N,), True for genuine pairs.

    Returns:
        AUC in [0, 1]: 1.0 when every genuine pair is closer than every impostor pair.

    Raises:
        ValueError: lengths differ, a distance is not finite, or one of the two kinds is absent.
    """
    dist, genuine = _pairs(distances, same)
    _, inverse, counts = np.unique(dist, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    mean_rank = ends - (counts - 1) / 2.0  # 1-based average rank of each tied group
    ranks = mean_rank[inverse]
    n_imp = float((~genuine).sum())
    n_gen = float(genuine.sum())
    u_impostor = float(ranks[~genuine].sum()) - n_imp * (n_imp + 1) / 2.0
    return u_impostor / (n_gen * n_imp)


def roc_curve(distances: npt.ArrayLike, same: npt.ArrayLike) -> RocCurve:
    """The ROC curve: one point per distinct distance, plus the accept-nothing point first.

    Args:
        distances: float (N,) distance per pair (lower = more alike).
        same: bool or 0/1 (N,), True for genuine pairs.

    Raises:
        ValueError: as for `roc_auc`.
    """
    dist, genuine = _pairs(distances, same)
    cuts, tp, fp = _accept_counts(dist, genuine)
    below = math.nextafter(float(cuts[0]), -math.inf)
    n_gen, n_imp = float(genuine.sum()), float((~genuine).sum())
    return RocCurve(
        thresholds=(below, *(float(c) for c in cuts)),
        far=(0.0, *(float(v) for v in fp / n_imp)),
        tar=(0.0, *(float(v) for v in tp / n_gen)),
    )


def accuracy_at(distances: npt.ArrayLike, same: npt.ArrayLike, threshold: float) -> float:
    """Share of pairs decided correctly when accepting `distance <= threshold`, in [0, 1].

    Raises:
        ValueError: as for `roc_auc`.
    """
    dist, genuine = _pairs(distances, same)
    return float(np.mean((dist <= threshold) == genuine))


def best_accuracy(distances: npt.ArrayLike, same: npt.ArrayLike) -> ThresholdAccuracy:
    """The highest accuracy any threshold reaches on these pairs, and that threshold.

    Every threshold from one distinct distance up to (not including) the next gives the same
    decisions; the one reported is the midpoint of that interval (the largest distance itself
    when everything is accepted, just below the smallest when nothing is). Among equally
    accurate intervals the lowest (strictest) wins.

    Raises:
        ValueError: as for `roc_auc`.
    """
    dist, genuine = _pairs(distances, same)
    cuts, tp, fp = _accept_counts(dist, genuine)
    n_imp = float((~genuine).sum())
    correct = np.concatenate(([n_imp], tp + (n_imp - fp)))  # accept nothing, then each cut
    best = int(np.argmax(correct))
    if best == 0:
        threshold = math.nextafter(float(cuts[0]), -math.inf)
    elif best == cuts.size:
        threshold = float(cuts[-1])
    else:
        threshold = float((cuts[best - 1] + cuts[best]) / 2.0)
    return ThresholdAccuracy(threshold, float(correct[best]) / dist.size)


def tar_at_far(distances: npt.ArrayLike, same: npt.ArrayLike, far: float) -> TarAtFar:
    """TAR at the loosest threshold whose FAR is at most `far`.

    The threshold is the largest distinct distance at which no more than `floor(far * impostors)`
    impostor pairs are accepted, or just below the smallest distance if even the first one
    accepts too many. Ties: pairs at the same distance are accepted together, so a tied group
    of impostors that would exceed the budget is rejected whole, together with any genuine pairs
    at that same distance; the FAR reached can therefore be below the target.

    Args:
        distances: float (N,) distance per pair (lower = more alike).
        same: bool or 0/1 (N,), True for genuine pairs.
        far: the target false accept rate in [0, 1], e.g. 0.01 for 1 %.

    Raises:
        ValueError: `far` outside [0, 1], or as for `roc_auc`.
    """
    if not 0.0 <= far <= 1.0:
        raise ValueError(f"far must be in [0, 1], got {far}")
    dist, genuine = _pairs(distances, same)
    cuts, tp, fp = _accept_counts(dist, genuine)
    n_gen, n_imp = int(genuine.sum()), int((~genuine).sum())
    budget = math.floor(far * n_imp + 1e-9)
    allowed = np.flatnonzero(fp <= budget)
    if allowed.size == 0:
        below = math.nextafter(float(cuts[0]), -math.inf)
        return TarAtFar(far, below, 0.0, 0.0, n_imp)
    last = int(allowed[-1])  # fp is non-decreasing, so the allowed cuts are a prefix
    tar, far_reached = float(tp[last]) / n_gen, float(fp[last]) / n_imp
    return TarAtFar(far, float(cuts[last]), tar, far_reached, n_imp)


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> Confusion:
    """Count (true label, predicted label) combinations.

    Args:
        truth: the true label of each sample (N,).
        predicted: the predicted label of each sample (N,).
        labels: the labels, in the order of the matrix rows and columns (no duplicates).

    Raises:
        ValueError: lengths differ, labels repeat, or a label is not among `labels`.
    """
    if len(truth) != len(predicted):
        raise ValueError(
            f"truth and predicted must have one entry per sample, got {len(truth)} and "
            f"{len(predicted)}"
        )
    index = {label: i for i, label in enumerate(labels)}
    if len(index) != len(labels):
        raise ValueError(f"labels must not repeat, got {tuple(labels)}")
    stray = sorted((set(truth) | set(predicted)) - set(index))
    if stray:
        raise ValueError(f"labels {stray} are not among {tuple(labels)}")
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(truth, predicted, strict=True):
        counts[index[t], index[p]] += 1
    rows = tuple(tuple(int(v) for v in row) for row in counts)
    return Confusion(tuple(labels), rows)


def accuracy(confusion: Confusion) -> float:
    """Share of samples on the diagonal, in [0, 1]; ValueError when nothing was counted."""
    total = confusion.total
    if total == 0:
        raise ValueError("accuracy of an empty confusion matrix is undefined")
    return sum(confusion.counts[i][i] for i in range(len(confusion.labels))) / total


def balanced_accuracy(confusion: Confusion) -> float:
    """Mean per-label recall over the labels that occur in the truth, in [0, 1].

    Labels with no true samples (they may still be predicted) are left out of the mean, as in
    scikit-learn. ValueError when nothing was counted.
    """
    recalls = [row[i] / sum(row) for i, row in enumerate(confusion.counts) if sum(row) > 0]
    if not recalls:
        raise ValueError("balanced accuracy of an empty confusion matrix is undefined")
    return float(sum(recalls) / len(recalls))
