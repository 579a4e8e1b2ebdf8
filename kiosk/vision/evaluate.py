"""Accuracy of the shipped models on labelled photos: `kiosk eval pairs` and `kiosk eval labels`.

Every photo is reduced to its largest face. Photos in which no face is found are counted and
named in the report, never silently dropped. Reports are frozen dataclasses whose fields are
plain numbers, strings and tuples, so `dataclasses.asdict(report)` is JSON-serialisable.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from kiosk.core import metrics
from kiosk.core.gallery import Gallery
from kiosk.core.scoring import NO_FACE, GroupScore, ImageRow, score_by_source
from kiosk.core.splits import SplitItem
from kiosk.core.types import ClassScores, FloatArray
from kiosk.errors import InputError
from kiosk.vision.finder import largest
from kiosk.vision.mask_cue import read_masks
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.still import labelled_tree, largest_face

TASKS = ("emotion", "mask", "identity")
FAR_TARGETS = (0.01, 0.001)
PAIR_COLUMNS = ("img_a", "img_b", "same")

_T = TypeVar("_T")
Reader = Callable[[Path], ImageBGR]
Progress = Callable[[int, int], None]
"""Called after each image as (images done, images in total)."""


@dataclass(frozen=True, slots=True)
class Pair:
    """One row of a pairs CSV: two photos and whether they show the same person."""

    a: Path
    b: Path
    same: bool
    line: int


@dataclass(frozen=True, slots=True)
class PairsReport:
    """Face verification on a list of pairs (distance = Euclidean between descriptors).

    Attributes:
        pairs_csv: the CSV evaluated.
        pairs_total: rows in the CSV.
        pairs_evaluated: pairs in which both photos gave a face.
        genuine_pairs, impostor_pairs: evaluated pairs of the same / different people.
        pairs_no_face: pairs dropped because one or both photos gave no face.
        images_no_face: the photos without a face, in first-seen order.
        roc_auc: area under the ROC curve in [0, 1].
        best: the most accurate threshold on these pairs and its accuracy.
        threshold: the configured threshold (accept `distance <= threshold`).
        accuracy_at_threshold: accuracy at `threshold`, in [0, 1].
        tar_at_far: TAR at each FAR target of `FAR_TARGETS` (1 %, 0.1 %).
        median_ms_per_embedding: median wall time of detection + landmarks + embedding of one
            photo that gave a face, in milliseconds (decoding excluded).
        roc: the ROC curve, for plotting.
    """

    pairs_csv: str
    pairs_total: int
    pairs_evaluated: int
    genuine_pairs: int
    impostor_pairs: int
    pairs_no_face: int
    images_no_face: tuple[str, ...]
    roc_auc: float
    best: metrics.ThresholdAccuracy
    threshold: float
    accuracy_at_threshold: float
    tar_at_far: tuple[metrics.TarAtFar, ...]
    median_ms_per_embedding: float
    roc: metrics.RocCurve


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


def read_pairs(pairs_csv: Path, root: Path) -> tuple[Pair, ...]:
    """Parse a pairs CSV with header `img_a,img_b,same` (paths relative to `root`, same 1 or 0).

    Raises:
        InputError: the file cannot be read, a column is missing, a `same` value is not 0 or 1,
            or a photo does not exist; the message names the file and line.
    """
    try:
        with pairs_csv.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in PAIR_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise InputError(
                    f"{pairs_csv}:1: expected columns {','.join(PAIR_COLUMNS)}, got "
                    f"{','.join(reader.fieldnames or ()) or 'an empty file'}"
                )
            pairs = tuple(_pair(pairs_csv, root, row, reader.line_num) for row in reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read pairs file {pairs_csv}: {exc}") from exc
    if not pairs:
        raise InputError(f"{pairs_csv}: expected at least one pair after the header, got none")
    return pairs


def _pair(pairs_csv: Path, root: Path, row: dict[str, str | None], line: int) -> Pair:
    where = f"{pairs_csv}:{line}"
    cells = {c: (row.get(c) or "").strip() for c in PAIR_COLUMNS}
    if cells["same"] not in ("0", "1"):
        raise InputError(f"{where}: expected `same` to be 1 or 0, got {cells['same']!r}")
    paths = []
    for column in ("img_a", "img_b"):
        if not cells[column]:
            raise InputError(f"{where}: expected a path in `{column}`, got an empty cell")
        path = root / cells[column]
        if not path.is_file():
            raise InputError(f"{where}: {column} {path} does not exist")
        paths.append(path)
    return Pair(paths[0], paths[1], cells["same"] == "1", line)


def _per_photo(
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


def _descriptor(models: VisionModels) -> Callable[[ImageBGR], FloatArray | None]:
    def work(image_bgr: ImageBGR) -> FloatArray | None:
        face = largest_face(models, image_bgr)
        return None if face is None else face.descriptor

    return work


def _median(values: Sequence[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def evaluate_pairs(
    models: VisionModels,
    pairs_csv: Path,
    root: Path,
    read: Reader,
    *,
    threshold: float | None = None,
    on_progress: Progress | None = None,
) -> PairsReport:
    """Verify every pair of a pairs CSV by descriptor distance; each photo is embedded once.

    Args:
        models: loaded models.
        pairs_csv: CSV with header `img_a,img_b,same`, paths relative to `root`.
        root: folder the CSV's paths are relative to.
        read: image reader, path -> BGR uint8 (H, W, 3); raises InputError when unreadable.
        threshold: accept `distance <= threshold`; None = the manifest's face_embedder
            max_distance.
        on_progress: called after each distinct photo as (done, total).

    Raises:
        InputError: the CSV is malformed (see `read_pairs`), a photo cannot be read, or the
            pairs with faces are not both genuine and impostor.
    """
    pairs = read_pairs(pairs_csv, root)
    limit = models.embedder.spec.threshold("max_distance") if threshold is None else threshold
    images = tuple(dict.fromkeys(path for pair in pairs for path in (pair.a, pair.b)))
    found, times_ms = _per_photo(images, read, _descriptor(models), on_progress)
    distances: list[float] = []
    same: list[bool] = []
    for pair in pairs:
        a, b = found[pair.a], found[pair.b]
        if a is not None and b is not None:
            distances.append(float(np.linalg.norm(a.astype(np.float64) - b)))
            same.append(pair.same)
    try:
        roc_auc = metrics.roc_auc(distances, same)
    except ValueError as exc:
        raise InputError(f"{pairs_csv}: cannot evaluate the pairs with faces: {exc}") from exc
    return PairsReport(
        pairs_csv=str(pairs_csv),
        pairs_total=len(pairs),
        pairs_evaluated=len(distances),
        genuine_pairs=sum(same),
        impostor_pairs=len(same) - sum(same),
        pairs_no_face=len(pairs) - len(distances),
        images_no_face=tuple(str(path) for path, d in found.items() if d is None),
        roc_auc=roc_auc,
        best=metrics.best_accuracy(distances, same),
        threshold=limit,
        accuracy_at_threshold=metrics.accuracy_at(distances, same, limit),
        tar_at_far=tuple(metrics.tar_at_far(distances, same, far) for far in FAR_TARGETS),
        median_ms_per_embedding=_median(times_ms),
        roc=metrics.roc_curve(distances, same),
    )


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

    def reading(image_bgr: ImageBGR) -> ClassScores | None:
        face = largest(models.finder.find(image_bgr, still=True))
        if face is None:
            return None
        if task == "mask":
            return read_masks(classifier, image_bgr, (face,))[0]
        return classifier.classify(image_bgr, face.box)

    found, times_ms = _per_photo(tuple(truth), read, reading, on_progress)
    scored = [(truth[path], r.top) for path, r in found.items() if r is not None]
    confusion = metrics.confusion_matrix(
        [t for t, _ in scored], [p for _, p in scored], classifier.spec.labels
    )
    rows = tuple(_image_row(root, path, truth[path], r, subset) for path, r in found.items())
    report = _report(task, root, found, confusion, times_ms)
    return replace(report, scores=score_by_source(rows), rows=rows, skipped=skipped)


def _image_row(
    root: Path,
    path: Path,
    label: str,
    scores: ClassScores | None,
    subset: Mapping[str, SplitItem] | None,
) -> ImageRow:
    rel = path.relative_to(root).as_posix()
    source = subset[rel].source if subset is not None and rel in subset else ""
    if scores is None:
        return ImageRow(rel, label, NO_FACE, 0.0, (), source)
    pairs = tuple(zip(scores.labels, scores.probs, strict=True))
    return ImageRow(rel, label, scores.top, scores.top_prob, pairs, source)


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
        median_ms_per_image=_median(times_ms),
    )


def _identify(
    models: VisionModels,
    root: Path,
    truth: Mapping[Path, str],
    read: Reader,
    on_progress: Progress | None,
) -> LabelsReport:
    """Leave-one-out rank-1 identification over the photos with a face."""
    found, times_ms = _per_photo(tuple(truth), read, _descriptor(models), on_progress)
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
