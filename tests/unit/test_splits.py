"""Tuning / held-out splits: deterministic, subjects never straddle halves, manifests consistent."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from kiosk.core.splits import Half, read_split, select, split_csv, split_halves
from kiosk.errors import InputError

SPLITS = Path(__file__).resolve().parents[2] / "models" / "validation" / "splits"


def _rows(n: int = 40) -> list[tuple[str, str, str, str]]:
    rows = []
    for i in range(n):
        subject = f"S{i // 4}" if i < 20 else ""  # 5 posed subjects with 4 photos, 20 web photos
        rows.append(
            (f"{'ab'[i % 2]}/{i:03d}.jpg", "ab"[i % 2], "posed" if i < 20 else "web", subject)
        )
    return rows


def test_the_split_depends_only_on_the_rows_and_the_seed() -> None:
    rows = _rows()
    assert split_halves(rows, 14) == split_halves(list(reversed(rows)), 14)
    assert split_halves(rows, 14) != split_halves(rows, 15)


def test_a_subject_stays_in_one_half() -> None:
    halves = collections.defaultdict(set)
    for item in split_halves(_rows(), 14):
        if item.subject:
            halves[item.subject].add(item.half)
    assert halves and all(len(h) == 1 for h in halves.values())


def test_each_stratum_is_balanced() -> None:
    items = split_halves(_rows(), 14)
    web = collections.Counter((i.label, i.half) for i in items if i.source == "web")
    for label in "ab":
        assert abs(web[label, Half.TUNE] - web[label, Half.HELDOUT]) <= 1


def test_csv_round_trip(tmp_path: Path) -> None:
    items = split_halves(_rows(), 14)
    path = tmp_path / "split.csv"
    path.write_text(split_csv(items), encoding="utf-8")
    assert read_split(path) == items
    tune = select(read_split(path), Half.TUNE)
    assert tune and all(i.half == Half.TUNE for i in tune.values())


def test_a_bad_half_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "split.csv"
    path.write_text("file,label,source,subject,half\na.jpg,x,s,,train\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"split.csv:2: expected half"):
        read_split(path)


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "split.csv"
    path.write_text("file,half\na.jpg,tune\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected columns"):
        read_split(path)


@pytest.mark.parametrize("name", ["emotion_v2", "mask_v2", "identities"])
def test_committed_manifests_hold_names_only_and_keep_subjects_together(name: str) -> None:
    items = read_split(SPLITS / f"{name}.csv")
    files = [i.file for i in items]
    assert len(files) == len(set(files))
    assert all(not f.startswith("/") and ".." not in f for f in files)  # names, not machine paths
    halves = collections.defaultdict(set)
    for item in items:
        if item.subject:
            halves[item.subject].add(item.half)
    assert all(len(h) == 1 for h in halves.values())
    tune = sum(i.half == Half.TUNE for i in items)
    assert abs(2 * tune - len(items)) <= 0.1 * len(items)
