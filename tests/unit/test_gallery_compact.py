"""The compact gallery (large galleries) answers like the exact one, and updates in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.core import gallery as gallery_module
from kiosk.core import gallery_index
from kiosk.core.gallery import Gallery
from kiosk.core.gallery_index import decode, encode
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people

DIM = 128


def people(n: int, per: int, seed: int = 0) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 0.06, (n, DIM)) + rng.normal(0, 0.1, DIM)
    return {
        i + 1: (centres[i] + rng.normal(0, 0.022, (per, DIM))).astype(np.float32) for i in range(n)
    }


def exact(groups: dict[int, np.ndarray]) -> Gallery:
    ids = [p for p, m in groups.items() for _ in range(len(m))]
    names = {p: f"p{p}" for p in groups}
    return Gallery.build(np.concatenate(list(groups.values())), ids, names, "m", DIM)


def compact(groups: dict[int, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> Gallery:
    monkeypatch.setattr(gallery_module, "COMPACT_FROM", 10)
    rows = sum(len(m) for m in groups.values())
    names = {p: f"p{p}" for p in groups}
    return Gallery.from_groups(groups.items(), names, "m", dim=DIM, rows=rows, version=3)


def test_codes_reconstruct_within_a_small_fraction_of_the_spread() -> None:
    rows = np.random.default_rng(1).normal(0, 0.03, (50, DIM)).astype(np.float32)
    packed, scales = encode(rows)
    assert packed.dtype == np.uint8 and packed.shape == (50, DIM // 2)
    error = np.abs(decode(packed, scales) - rows).max(axis=1)
    assert np.all(error <= np.abs(rows).max(axis=1) / 7 / 2 + 1e-6)  # half a step


def test_compact_search_agrees_with_exact_search(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = people(2_000, 10)
    small, big = exact(groups), compact(groups, monkeypatch)
    assert big.compact is not None and big.templates.shape == (0, DIM) and big.size == 20_000
    assert big.compact.nbytes < small.templates.nbytes / 4
    rng = np.random.default_rng(5)
    for pid in rng.choice(list(groups), 50, replace=False):
        probe = groups[int(pid)][0] + rng.normal(0, 0.02, DIM).astype(np.float32)
        want, got = small.nearest(probe, k=1), big.nearest(probe, k=1)
        assert [m.person_id for m in got] == [m.person_id for m in want]
        assert got[0].distance == pytest.approx(want[0].distance, abs=0.01)
        assert got[0].name == f"p{pid}"


def test_compact_snapshots_replace_and_remove_people(monkeypatch: pytest.MonkeyPatch) -> None:
    groups = people(300, 5)
    first = compact(groups, monkeypatch)
    newcomer = people(1, 5, seed=9)[1]
    names = {p: f"p{p}" for p in groups if p != 7} | {1000: "new"}
    second = first.with_people({1000: newcomer, 8: groups[9]}, names, [7], version=4)
    assert second.version == 4 and first.version == 3  # the old snapshot is untouched
    assert second.nearest(newcomer[0], k=1)[0].person_id == 1000
    assert 7 not in {m.person_id for m in second.nearest(groups[7][0], k=5)}
    assert first.nearest(groups[7][0], k=1)[0].person_id == 7
    assert {m.person_id for m in second.nearest(groups[9][0], k=2)} == {8, 9}
    assert second.size == first.size - 5 + 5  # 7 out, 1000 in, 8 replaced by 5 rows
    monkeypatch.setattr(gallery_index, "FOLD_MIN", 100)
    many = {2000 + i: m for i, m in enumerate(people(200, 5, seed=3).values())}
    folded = second.with_people(many, names | {p: "x" for p in many}, [], version=5)
    assert folded.compact is not None and folded.compact.delta.person_ids.size == 0
    assert folded.nearest(many[2005][1], k=1)[0].person_id == 2005


def test_exact_snapshot_updates(tmp_path: Path) -> None:
    groups = people(5, 3)
    first = exact(groups)
    second = first.with_people({2: groups[3]}, {p: f"p{p}" for p in groups if p != 4}, [4], 9)
    assert second.version == 9 and 4 not in set(second.person_ids.tolist())
    assert {m.person_id for m in second.nearest(groups[3][0], k=2)} == {2, 3}


def test_store_updates_only_the_people_who_changed(tmp_path: Path) -> None:
    paths = PathsConfig(data_dir=tmp_path)
    kiosk, other = open_people(paths, None), open_people(paths, None)
    try:
        vectors = people(3, 3)

        def enrol(store: PeopleStore, name: str, v: np.ndarray) -> int:
            templates = tuple(NewTemplate(x, "camera") for x in v)
            return store.enrol(EnrolRequest(Consent("s"), "m", templates, name=name))

        a = enrol(kiosk, "A", vectors[1])
        snapshot = kiosk.gallery("m")
        assert kiosk.gallery_update(snapshot) is snapshot  # nothing changed: the same object
        b = enrol(other, "B", vectors[2])  # another process
        other.forget(a, "s")
        updated = kiosk.gallery_update(snapshot)
        assert set(updated.names) == {b} and updated.version == kiosk.gallery_version()
        assert updated.nearest(vectors[2][0], k=1)[0].name == "B"
    finally:
        kiosk.close()
        other.close()
