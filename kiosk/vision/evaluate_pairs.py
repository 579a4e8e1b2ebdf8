"""Face verification on a list of pairs: `kiosk eval pairs`.

Every photo is reduced to its largest face (`FaceFinder`, still mode). Pairs in which a face is
missing are reported; the strict scores count them as answered wrong: their distance is set
beyond any real one (`NO_FACE_DISTANCE`), so a genuine pair is rejected and an impostor pair is
rejected too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.core import metrics
from kiosk.core.types import FloatArray
from kiosk.errors import InputError
from kiosk.vision.evaluate import Progress, Reader, descriptor_of, median_ms, per_photo
from kiosk.vision.models import VisionModels

FAR_TARGETS = (0.01, 0.001)
PAIR_COLUMNS = ("img_a", "img_b", "same")
NO_FACE_DISTANCE = 100.0  # dlib descriptors are < 2 apart


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
        strict_roc_auc, strict_tar_at_far: the same over every pair, a pair with a missing
            face counted as rejected (`NO_FACE_DISTANCE`).
        rows: every pair with its distance, in the CSV's order.
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
    strict_roc_auc: float = float("nan")
    strict_tar_at_far: tuple[metrics.TarAtFar, ...] = ()
    rows: tuple[PairRow, ...] = ()


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
    found, times_ms = per_photo(images, read, descriptor_of(models), on_progress)
    rows = tuple(_pair_row(pair, found[pair.a], found[pair.b], root) for pair in pairs)
    distances = [r.distance for r in rows if r.distance is not None]
    same = [r.same for r in rows if r.distance is not None]
    strict = [NO_FACE_DISTANCE if r.distance is None else r.distance for r in rows]
    strict_same = [r.same for r in rows]
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
        median_ms_per_embedding=median_ms(times_ms),
        roc=metrics.roc_curve(distances, same),
        strict_roc_auc=metrics.roc_auc(strict, strict_same),
        strict_tar_at_far=tuple(
            metrics.tar_at_far(strict, strict_same, far) for far in FAR_TARGETS
        ),
        rows=rows,
    )


@dataclass(frozen=True, slots=True)
class PairRow:
    """One evaluated pair: paths relative to the root, and their distance (None: no face)."""

    a: str
    b: str
    same: bool
    distance: float | None


def _pair_row(pair: Pair, a: FloatArray | None, b: FloatArray | None, root: Path) -> PairRow:
    distance = None
    if a is not None and b is not None:
        distance = float(np.linalg.norm(a.astype(np.float64) - b))
    names = [
        p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)
        for p in (pair.a, pair.b)
    ]
    return PairRow(names[0], names[1], pair.same, distance)


def pairs_csv_text(rows: tuple[PairRow, ...], threshold: float) -> str:
    """CSV: img_a, img_b, same, distance (empty when a face is missing), accepted at threshold."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("img_a", "img_b", "same", "distance", "face_found", "accepted"))
    for r in rows:
        found = r.distance is not None
        accepted = found and r.distance is not None and r.distance <= threshold
        distance = "" if r.distance is None else f"{r.distance:.4f}"
        writer.writerow((r.a, r.b, int(r.same), distance, int(found), int(accepted)))
    return out.getvalue()
