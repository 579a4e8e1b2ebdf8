"""Accuracy of the shipped models on labelled photos: `kiosk eval labels` (pairs: evaluate_pairs).

Every photo is reduced to its largest face. Photos in which no face is found are counted and
named in the report, never silently dropped. Reports are frozen dataclasses whose fields are
plain numbers, strings and tuples, so `dataclasses.asdict(report)` is JSON-serialisable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from kiosk.core import metrics
from kiosk.core.expression import ExpressionRule
from kiosk.core.gallery import Gallery
from kiosk.core.scoring import NO_FACE, GroupScore, ImageRow, score_by_source
from kiosk.core.splits import SplitItem
from kiosk.core.types import ClassScores, FloatArray
from kiosk.errors import InputError
from kiosk.vision.finder_records import largest
from kiosk.vision.mask_cue import read_masks
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.still import labelled_tree, largest_face

TASKS = ("emotion", "mask", "identity")

_T = TypeVar("_T")
Reader = Callable[[Path], ImageBGR]
Progress = Callable[[int, int], None]
"""Called after each image as (images done, images in total)."""


@dataclass(frozen=True, slots=True)
class LabelsReport:
    """Classification (emotion, mask) or leave-one-out identification on a folder-per-label tree.

    Attributes:
        task: "emotion", "mask" or "identity".
        root: the tree evaluated (`root/<label>/<photos>`).
        images_total: photos found in the tree.
        images_evaluated: photos that gave a face and were scored.
        images_no_face: photos in which no face was found.
        confusion: rows = true label, columns = predicted label, counts of photos.
        accuracy: share of evaluated photos predicted correctly, in [0, 1].
        balanced_accuracy: mean recall over the true labels present, in [0, 1].
        median_ms_per_image: median wall time per photo of the face work (detection and
            classification, or detection + landmarks + embedding for identity), in milliseconds.
        threshold: identity only: the embedder's max_distance; else None.
        beyond_threshold: identity only: evaluated photos whose nearest person was farther than
            `threshold` (the kiosk would say "unknown"); else None.
        no_mate: identity only: photos with a face but no other photo of their label with a
            face; kept in the gallery as distractors, not scored.
        scores: emotion / mask: found-only and strict scores of all photos, then per source
            (sources come from the split manifest).
        rows: emotion / mask: what each photo gave, in file order.
        skipped: photos of a split manifest whose label the model does not have (e.g. an
            optional `contempt` folder), left out of every score.
    """

    task: str
    root: str
    images_total: int
    images_evaluated: int
    images_no_face: tuple[str, ...]
    confusion: metrics.Confusion
    accuracy: float
    balanced_accuracy: float
    median_ms_per_image: float
    threshold: float | None = None
    beyond_threshold: int | None = None
    no_mate: tuple[str, ...] = ()
    scores: tuple[GroupScore, ...] = ()
    rows: tuple[ImageRow, ...] = ()
    skipped: tuple[str, ...] = ()


def per_photo(
    paths: Sequence[Path],
    read: Reader,
    work: Callable[[ImageBGR], _T | None],
    on_progress: Progress | None,
) -> tuple[dict[Path, _T | None], list[float]]:
    """`work` on each photo once (None: no face), and its ms on the photos with a face."""
    results: dict[Path, _T | None] = {}
    times_ms: list[float] = []
    for done, path in enumerate(paths, start=1):
        image = read(path)
        start = time.perf_counter()
        results[path] = work(image)
        if results[path] is not None:
            times_ms.append((time.perf_counter() - start) * 1000.0)
        if on_progress is not None:
            on_progress(done, len(paths))
    return results, times_ms


def descriptor_of(models: VisionModels) -> Callable[[ImageBGR], FloatArray | None]:
    def work(image_bgr: ImageBGR) -> FloatArray | None:
        face = largest_face(models, image_bgr)
        return None if face is None else face.descriptor

    return work


def median_ms(values: Sequence[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def evaluate_labels(
    models: VisionModels,
    task: str,
    root: Path,
    read: Reader,
    suffixes: Iterable[str],
    *,
    subset: Mapping[str, SplitItem] | None = None,
    on_progress: Progress | None = None,
) -> LabelsReport:
    """Score a model on a folder-per-label tree `root/<label>/<photos>`.

    emotion / mask: the prediction is the classifier's top label on the largest detected face;
    folder names must be labels of that model. identity: each photo with a face is matched
    against a gallery of all the other photos (nearest person by closest template); it is
    correct when that person is its own folder's label.

    Args:
        models: loaded models.
        task: "emotion", "mask" or "identity".
        root: the tree.
        read: image reader, path -> BGR uint8 (H, W, 3); raises InputError when unreadable.
        suffixes: file suffixes counted as photos, e.g. {".jpg", ".png"}.
        subset: only these photos (paths relative to `root`, from a split manifest, whose
            sources are reported separately); every photo when None.
        on_progress: called after each photo as (done, total).

    Raises:
        InputError: unknown task, no photos, folder names that are not the model's labels, or
            no photo could be scored.
    """
    if task not in TASKS:
        raise InputError(f"expected an evaluation task among {TASKS}, got {task!r}")
    if not root.is_dir():
        raise InputError(f"{root}: expected a folder of label folders, it is not a folder")
    allowed = tuple(suffixes)
    tree = labelled_tree(root, allowed)
    if not tree:
        raise InputError(f"{root}: expected label folders with photos ({sorted(allowed)})")
    truth = {path: label for label, paths in tree.items() for path in paths}
    if subset is not None:
        truth = {p: t for p, t in truth.items() if p.relative_to(root).as_posix() in subset}
        if not truth:
            raise InputError(f"{root}: none of its photos is in the split manifest")
    if task == "identity":
        return _identify(models, root, truth, read, on_progress)
    classifier = models.emotion if task == "emotion" else models.mask
    stray = sorted(set(truth.values()) - set(classifier.spec.labels))
    if stray and subset is None:
        raise InputError(
            f"{root}: folders {stray} are not labels of the {task} model; expected folders "
            f"named among {classifier.spec.labels}"
        )
    skipped = tuple(str(p) for p, label in truth.items() if label in stray)
    truth = {p: label for p, label in truth.items() if label not in stray}

    rule = ExpressionRule.from_thresholds(
        models.emotion.spec.display, models.blendshapes.spec.thresholds
    )

    def reading(image_bgr: ImageBGR) -> _Reading | None:
        face = largest(models.finder.find(image_bgr, still=True))
        if face is None:
            return None
        if task == "mask":
            return _Reading(read_masks(classifier, image_bgr, (face,))[0], "")
        scores = classifier.classify(image_bgr, face.box)
        shapes = models.blendshapes.scores(face.mesh) if face.trusted else None
        return _Reading(scores, rule.read(scores, shapes) or "")

    found, times_ms = per_photo(tuple(truth), read, reading, on_progress)
    scored = [(truth[path], r.scores.top) for path, r in found.items() if r is not None]
    confusion = metrics.confusion_matrix(
        [t for t, _ in scored], [p for _, p in scored], classifier.spec.labels
    )
    rows = tuple(_image_row(root, path, truth[path], r, subset) for path, r in found.items())
    report = _report(task, root, found, confusion, times_ms)
    return replace(report, scores=score_by_source(rows), rows=rows, skipped=skipped)


@dataclass(frozen=True, slots=True)
class _Reading:
    scores: ClassScores
    shown: str


def _image_row(
    root: Path,
    path: Path,
    label: str,
    reading: _Reading | None,
    subset: Mapping[str, SplitItem] | None,
) -> ImageRow:
    rel = path.relative_to(root).as_posix()
    source = subset[rel].source if subset is not None and rel in subset else ""
    if reading is None:
        return ImageRow(rel, label, NO_FACE, 0.0, (), source)
    scores = reading.scores
    pairs = tuple(zip(scores.labels, scores.probs, strict=True))
    return ImageRow(rel, label, scores.top, scores.top_prob, pairs, source, reading.shown)


def _report(
    task: str,
    root: Path,
    found: Mapping[Path, object],
    confusion: metrics.Confusion,
    times_ms: Sequence[float],
) -> LabelsReport:
    no_face = tuple(str(path) for path, result in found.items() if result is None)
    if confusion.total == 0:
        raise InputError(f"{root}: no photo could be scored ({len(no_face)} without a face)")
    return LabelsReport(
        task=task,
        root=str(root),
        images_total=len(found),
        images_evaluated=confusion.total,
        images_no_face=no_face,
        confusion=confusion,
        accuracy=metrics.accuracy(confusion),
        balanced_accuracy=metrics.balanced_accuracy(confusion),
        median_ms_per_image=median_ms(times_ms),
    )


def _identify(
    models: VisionModels,
    root: Path,
    truth: Mapping[Path, str],
    read: Reader,
    on_progress: Progress | None,
) -> LabelsReport:
    """Leave-one-out rank-1 identification over the photos with a face."""
    found, times_ms = per_photo(tuple(truth), read, descriptor_of(models), on_progress)
    faces = [(path, d) for path, d in found.items() if d is not None]
    labels = tuple(sorted(set(truth.values())))
    names = dict(enumerate(labels, start=1))
    ids = np.array([labels.index(truth[path]) + 1 for path, _ in faces], dtype=np.int64)
    matrix = np.stack([d for _, d in faces]) if faces else np.zeros((0, models.embedder.dim))
    limit = models.embedder.spec.threshold("max_distance")
    pairs: list[tuple[str, str]] = []
    no_mate: list[str] = []
    beyond = 0
    for i, (path, _) in enumerate(faces):
        others = np.arange(len(faces)) != i
        if not np.any(ids[others] == ids[i]):
            no_mate.append(str(path))
            continue
        key, dim = models.embedder.model_key, models.embedder.dim
        gallery = Gallery.build(matrix[others], ids[others], names, key, dim)
        match = gallery.nearest(matrix[i], k=1)[0]
        pairs.append((truth[path], match.name))
        beyond += int(match.distance > limit)
    confusion = metrics.confusion_matrix([t for t, _ in pairs], [p for _, p in pairs], labels)
    report = _report("identity", root, found, confusion, times_ms)
    return replace(report, threshold=limit, beyond_threshold=beyond, no_mate=tuple(no_mate))
