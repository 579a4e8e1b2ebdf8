"""Forget is for good (issue 13.10) and every process sees gallery changes (13.9).

Attacks: restore an old backup, forget, restore a newer one; copy a backup over the database by
hand; re-enrol a forgotten uid through a bundle or the chain; read the set-aside copy a restore
leaves behind.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.errors import InputError
from kiosk.store.backup import create_backup
from kiosk.store.db import DB_NAME
from kiosk.store.forget import BEFORE_RESTORE, read_sidecar, sidecar_path
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.store.restore import restore_backup

T0 = datetime(2025, 3, 1, 9, 30, 15, tzinfo=UTC)
KEY = "a" * 64
NAME = "Quentin Forgettable"


def _templates(seed: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    return tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "camera") for _ in range(3))


def _enrol(people: PeopleStore, name: str, seed: int = 0, uid: str | None = None) -> int:
    request = EnrolRequest(Consent("anna"), KEY, _templates(seed), name=name, uid=uid)
    return people.enrol(request)


def _open(data_dir: Path) -> PeopleStore:
    return open_people(PathsConfig(data_dir=data_dir), retention_days=None)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def people(data_dir: Path) -> Iterator[PeopleStore]:
    store = _open(data_dir)
    _enrol(store, "Staying Person", seed=1)
    yield store
    store.store.db.conn.close()


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("kiosk.db*")) if p.is_file())


def test_restore_old_forget_restore_newer_never_brings_anyone_back(
    people: PeopleStore, data_dir: Path
) -> None:
    pid = _enrol(people, NAME)
    old = create_backup(people.store, data_dir, T0)
    newer = create_backup(people.store, data_dir, T0 + timedelta(days=1))
    people.close()
    restore_backup(data_dir, old.path, "bob")
    again = _open(data_dir)
    again.forget(pid, "anna")
    again.close()
    report = restore_backup(data_dir, newer.path, "bob")
    assert report.forgotten_again == (pid,)
    final = _open(data_dir)
    try:
        assert [p.name for p in final.list_people()] == ["Staying Person"]
    finally:
        final.close()
    assert NAME.encode() not in _all_bytes(data_dir)  # live, WAL and the set-aside copy


def test_the_copy_a_restore_sets_aside_forgets_too(people: PeopleStore, data_dir: Path) -> None:
    pid = _enrol(people, NAME)
    made = create_backup(people.store, data_dir, T0)
    people.close()
    restore_backup(data_dir, made.path, "bob")
    assert NAME.encode() in (data_dir / BEFORE_RESTORE).read_bytes()
    again = _open(data_dir)
    again.forget(pid, "anna")
    again.close()
    assert NAME.encode() not in (data_dir / BEFORE_RESTORE).read_bytes()


def test_a_backup_copied_over_the_database_by_hand_is_purged_at_open(
    people: PeopleStore, data_dir: Path
) -> None:
    pid = _enrol(people, NAME)
    made = create_backup(people.store, data_dir, T0)
    people.forget(pid, "anna")
    uid_line = read_sidecar(data_dir)
    people.close()
    assert len(uid_line) == 1 and sidecar_path(data_dir).stat().st_mode & 0o077 == 0
    for side in ("-wal", "-shm"):
        (data_dir / (DB_NAME + side)).unlink(missing_ok=True)
    shutil.copyfile(made.path, data_dir / DB_NAME)  # what an installer might do
    again = _open(data_dir)
    try:
        assert [p.name for p in again.list_people()] == ["Staying Person"]
    finally:
        again.close()


def test_a_forgotten_uid_is_never_enrolled_again(people: PeopleStore) -> None:
    pid = _enrol(people, NAME)
    uid = people.summary(pid).uid
    people.forget(pid, "anna")
    assert people.is_forgotten(uid)
    with pytest.raises(InputError, match="forgotten"):
        _enrol(people, NAME, uid=uid)  # a bundle or the chain offering the same person
    assert people.find_by_uid(uid) is None
    fresh = _enrol(people, NAME, seed=3)  # consent again: a new person, a new uid
    assert people.summary(fresh).uid != uid and fresh != pid


def test_gallery_version_moves_with_changes_made_by_another_process(
    people: PeopleStore, data_dir: Path
) -> None:
    start = people.gallery_version()
    other = _open(data_dir)  # e.g. `kiosk people forget` while the kiosk runs
    pid = _enrol(other, NAME)
    after_enrol = people.gallery_version()
    assert after_enrol > start
    other.rename(pid, "New Name", "anna")
    after_rename = people.gallery_version()
    assert after_rename > after_enrol
    other.forget(pid, "anna")
    other.close()
    assert people.gallery_version() > after_rename
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:  # unchanged attributes do not move it: no needless rebuilds
        conn.execute("UPDATE people SET keep_photos = keep_photos")
        conn.commit()
    finally:
        conn.close()
    version = people.gallery_version()
    assert people.gallery_version() == version
