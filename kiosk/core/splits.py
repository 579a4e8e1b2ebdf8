"""Tuning / held-out splits of labelled photo sets, made once with a fixed seed.

A validation set is cut in two halves: thresholds, crop margins and fusion weights are fitted
on the tuning half only, and accuracy is reported on the held-out half. The split keeps every
photo of one subject (a person in a posed data set) in the same half, and balances each
(label, source) stratum between the halves. It depends only on the file names, the strata and
the seed, so anyone can rebuild it and check it against the committed manifest.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.errors import InputError

SPLIT_COLUMNS = ("file", "label", "source", "subject", "half")


class Half(StrEnum):
    """Which half of a validation set a photo belongs to."""

    TUNE = "tune"
    HELDOUT = "heldout"


@dataclass(frozen=True, slots=True)
class SplitItem:
    """One photo of a validation set.

    Attributes:
        file: path relative to the set's root, with forward slashes.
        label: the photo's label (its folder).
        source: the data set it came from (scored separately).
        subject: who is on it; photos of one subject stay in one half ("" = its own subject).
        half: the half it was put in.
    """

    file: str
    label: str
    source: str
    subject: str
    half: Half


def _rank(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def split_halves(
    items: Iterable[tuple[str, str, str, str]], seed: int, *, by_label: bool = True
) -> tuple[SplitItem, ...]:
    """Split (file, label, source, subject) rows into two halves.

    Subjects are ordered by a seeded hash within each (label, source) stratum and dealt
    alternately to the halves, starting with the half that has fewer photos of that stratum
    so far; a subject seen in an earlier stratum keeps its half. With `by_label` False the
    strata are the sources alone (identity sets, where the label is the subject).

    Returns:
        One `SplitItem` per row, sorted by file.
    """
    rows = sorted(set(items))
    strata: dict[tuple[str, str], dict[str, list[str]]] = {}
    for file, label, source, subject in rows:
        who = subject or f"file:{file}"
        strata.setdefault((label if by_label else "", source), {}).setdefault(who, []).append(file)
    assigned: dict[str, Half] = {}
    for stratum in sorted(strata):
        subjects = strata[stratum]
        counts = {Half.TUNE: 0, Half.HELDOUT: 0}
        for who in (w for w in subjects if w in assigned):
            counts[assigned[who]] += len(subjects[who])
        for who in sorted((w for w in subjects if w not in assigned), key=lambda w: _rank(seed, w)):
            half = Half.TUNE if counts[Half.TUNE] <= counts[Half.HELDOUT] else Half.HELDOUT
            assigned[who] = half
            counts[half] += len(subjects[who])
    return tuple(
        SplitItem(file, label, source, subject, assigned[subject or f"file:{file}"])
        for file, label, source, subject in rows
    )


def split_csv(items: Sequence[SplitItem]) -> str:
    """The split as CSV text with header `file,label,source,subject,half`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SPLIT_COLUMNS)
    for item in items:
        writer.writerow((item.file, item.label, item.source, item.subject, item.half.value))
    return out.getvalue()


def read_split(path: Path) -> tuple[SplitItem, ...]:
    """Read a split manifest written by `split_csv`.

    Raises:
        InputError: the file cannot be read, lacks a column, or names an unknown half.
    """
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in SPLIT_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise InputError(f"{path}: expected columns {SPLIT_COLUMNS}, missing {missing}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read split manifest {path}: {exc}") from exc
    items = []
    for line, row in enumerate(rows, start=2):
        try:
            half = Half(row["half"])
        except ValueError:
            raise InputError(
                f"{path}:{line}: expected half 'tune' or 'heldout', got {row['half']!r}"
            ) from None
        items.append(SplitItem(row["file"], row["label"], row["source"], row["subject"], half))
    return tuple(items)


def select(items: Iterable[SplitItem], half: Half | None) -> Mapping[str, SplitItem]:
    """The items of one half (both when `half` is None), keyed by file."""
    return {i.file: i for i in items if half is None or i.half == half}
