"""Per-image evaluation rows, strict scores (a face not found is an error), per-source scores.

Pure: the rows come from `kiosk.vision.evaluate`; this module counts and writes them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NO_FACE = "(no face)"


@dataclass(frozen=True, slots=True)
class ImageRow:
    """What one labelled photo gave.

    Attributes:
        file: the photo's path relative to the evaluated root.
        label: its true label.
        prediction: the predicted label, or `NO_FACE`.
        confidence: the predicted label's probability in [0, 1] (0 when no face).
        scores: every label's probability, in the model's label order ((), when no face).
        source: the data set the photo came from ("" when unknown).
        shown: emotion only: the shopper-facing expression (`kiosk.core.expression`).
    """

    file: str
    label: str
    prediction: str
    confidence: float
    scores: tuple[tuple[str, float], ...]
    source: str = ""
    shown: str = ""

    @property
    def found(self) -> bool:
        """A face was found."""
        return self.prediction != NO_FACE

    @property
    def correct(self) -> bool:
        """The prediction is the label."""
        return self.prediction == self.label


@dataclass(frozen=True, slots=True)
class GroupScore:
    """Accuracy of one group of photos (a source, or every photo).

    Attributes:
        group: the source name, or "all".
        images: photos in the group.
        found: photos in which a face was found.
        accuracy: correct / found (found-only), in [0, 1]; NaN when none was found.
        strict_accuracy: correct / images: a photo without a face counts as an error.
        balanced_accuracy: mean over labels of found-only recall.
        strict_balanced_accuracy: mean over labels of strict recall.
        recall: (label, found-only recall, strict recall) per label present.
        happy_vs_rest: emotion only: balanced accuracy of "happy or not", found-only and
            strict (a photo without a face is "not happy"); None for other tasks.
        confused_rate: emotion only: (label, share shown as confused) per label present.
    """

    group: str
    images: int
    found: int
    accuracy: float
    strict_accuracy: float
    balanced_accuracy: float
    strict_balanced_accuracy: float
    recall: tuple[tuple[str, float, float], ...]
    happy_vs_rest: tuple[float, float] | None = None
    confused_rate: tuple[tuple[str, float], ...] = ()


def _happy_vs_rest(rows: Sequence[ImageRow], strict: bool) -> float:
    pool = [r for r in rows if strict or r.found]
    happy = [r.prediction == "happy" for r in pool if r.label == "happy"]
    rest = [r.prediction != "happy" for r in pool if r.label != "happy"]
    if not happy or not rest:
        return float("nan")
    return (sum(happy) / len(happy) + sum(rest) / len(rest)) / 2.0


def _ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")


def score_group(group: str, rows: Sequence[ImageRow]) -> GroupScore:
    """Found-only and strict scores of some rows."""
    labels = sorted({r.label for r in rows})
    recall = []
    for label in labels:
        mine = [r for r in rows if r.label == label]
        found = [r for r in mine if r.found]
        correct = sum(r.correct for r in mine)
        recall.append((label, _ratio(correct, len(found)), _ratio(correct, len(mine))))
    found_rows = [r for r in rows if r.found]
    correct = sum(r.correct for r in rows)
    found_recalls = [r for _, r, _ in recall if not math.isnan(r)]  # a label with no face
    emotion = "happy" in labels
    return GroupScore(
        group=group,
        images=len(rows),
        found=len(found_rows),
        accuracy=_ratio(correct, len(found_rows)),
        strict_accuracy=_ratio(correct, len(rows)),
        balanced_accuracy=sum(found_recalls) / len(found_recalls) if found_recalls else 0.0,
        strict_balanced_accuracy=sum(s for _, _, s in recall) / len(recall) if recall else 0.0,
        recall=tuple(recall),
        happy_vs_rest=(
            (_happy_vs_rest(rows, False), _happy_vs_rest(rows, True)) if emotion else None
        ),
        confused_rate=tuple(
            (label, _ratio(sum(r.shown == "confused" for r in mine), len(mine)))
            for label in labels
            if (mine := [r for r in rows if r.label == label and r.found]) and emotion
        ),
    )


def score_by_source(rows: Sequence[ImageRow]) -> tuple[GroupScore, ...]:
    """Scores of every photo ("all") and of each source that has a name, sorted by source."""
    sources = sorted({r.source for r in rows if r.source})
    per_source = (score_group(s, [r for r in rows if r.source == s]) for s in sources)
    return (score_group("all", rows), *per_source)


def rows_csv(rows: Iterable[ImageRow], labels: Sequence[str]) -> str:
    """CSV: file, label, prediction, confidence, face_found, source, shown, one column per label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ("file", "label", "prediction", "confidence", "face_found", "source", "shown")
    writer.writerow((*header, *labels))
    for row in rows:
        probs = dict(row.scores)
        writer.writerow(
            (
                row.file,
                row.label,
                row.prediction,
                f"{row.confidence:.4f}",
                int(row.found),
                row.source,
                row.shown,
                *(f"{probs[label]:.4f}" if label in probs else "" for label in labels),
            )
        )
    return out.getvalue()


def worst_errors(rows: Iterable[ImageRow], count: int) -> tuple[ImageRow, ...]:
    """The wrong predictions made with the most confidence, then the photos without a face."""
    wrong = [r for r in rows if not r.correct]
    wrong.sort(key=lambda r: (r.found, r.confidence), reverse=True)
    return tuple(wrong[:count])
