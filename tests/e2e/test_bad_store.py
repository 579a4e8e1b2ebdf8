"""The database in trouble: locked, read-only, damaged, on a full disk, or without its key.

Each case must end in a StoreError or CryptoError that names the problem, and lose nothing that
was saved before. A full disk and a read-only filesystem are real: a small tmpfs mounted in the
test (needs root; skipped otherwise, and chmod stands in for read-only).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.config import PathsConfig
from kiosk.errors import CryptoError, StoreError
from kiosk.store.backup import create_backup
from kiosk.store.db import DB_NAME, Store
from kiosk.store.health import check_data
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.store.restore import restore_backup
from tests.unit.test_backup import T0

KEY = "d" * 64
IS_ROOT = os.geteuid() == 0


def _request(name: str, n: int = 4, seed: int = 0) -> EnrolRequest:
    rng = np.random.default_rng(seed)
    templates = tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "c") for _ in range(n))
    return EnrolRequest(Consent("staff-x"), KEY, templates, name=name)


def _open(data_dir: Path) -> PeopleStore:
    return open_people(PathsConfig(data_dir=data_dir), retention_days=None)


def _names(data_dir: Path) -> list[str]:
    people = _open(data_dir)
    try:
        return [p.name for p in people.list_people()]
    finally:
        people.close()


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A data dir holding 20 enrolled people."""
    data_dir = tmp_path / "data"
    people = _open(data_dir)
    try:
        for i in range(20):
            people.enrol(_request(f"person {i}", seed=i))
    finally:
        people.close()
    return data_dir


def test_a_locked_database_refuses_the_write_and_loses_nothing(saved: Path) -> None:
    other = sqlite3.connect(saved / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    people = _open(saved)
    try:
        people.store.db.execute("PRAGMA busy_timeout = 200")
        with pytest.raises(StoreError, match="write failed, nothing saved: database is locked"):
            people.enrol(_request("late"))
    finally:
        other.execute("ROLLBACK")
        other.close()
        people.close()
    assert len(_names(saved)) == 20 and "late" not in _names(saved)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 640 KiB tmpfs, unmounted afterwards (root only)."""
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    where = tmp_path / "mnt"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", str(where)],
        check=False,
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_refuses_the_write_and_keeps_what_was_saved(tmpfs: Path) -> None:
    data_dir = tmpfs / "data"
    ballast = tmpfs / "ballast"
    ballast.write_bytes(bytes(8 * 1024))  # freed afterwards, as staff would make room
    # (an empty schema-4 database takes 225 KiB of the 640: room for a few enrolments)
    people = _open(data_dir)
    saved = []
    try:
        with pytest.raises(StoreError, match=r"write failed, nothing saved: .*full"):
            for i in range(10_000):
                people.enrol(_request(f"person {i}", n=20, seed=i))
                saved.append(f"person {i}")
    finally:
        people.close()  # the final checkpoint may not fit: logged, the WAL keeps the data
    assert len(saved) >= 2
    assert _names(data_dir) == saved  # readable while still full
    ballast.unlink()
    store = Store(data_dir / DB_NAME)
    try:
        assert store.integrity().ok
    finally:
        store.close()
    assert _names(data_dir) == saved


def test_a_read_only_filesystem_is_refused_clearly(saved: Path, tmpfs: Path) -> None:
    data_dir = tmpfs / "data"
    shutil.copytree(saved, data_dir)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with pytest.raises(StoreError, match=f"database {data_dir / DB_NAME} .*read-only"):
        _open(data_dir)
    subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)
    assert len(_names(data_dir)) == 20


@pytest.mark.skipif(IS_ROOT, reason="root ignores file modes; the read-only tmpfs test covers it")
def test_a_read_only_file_and_folder_are_refused_clearly(saved: Path) -> None:
    (saved / DB_NAME).chmod(0o444)
    saved.chmod(0o555)
    try:
        with pytest.raises(StoreError, match=r"readonly|read-only|cannot"):
            people = _open(saved)
            people.enrol(_request("late"))
    finally:
        saved.chmod(0o755)
        (saved / DB_NAME).chmod(0o644)
    assert len(_names(saved)) == 20


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = np.random.default_rng(4).bytes(8192)
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_reported_refused_and_restorable(
    saved: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(saved / DB_NAME)
    backup = create_backup(store, saved, T0)
    store.close()
    _damage(saved / DB_NAME)
    health = check_data(saved / DB_NAME, saved / "kiosk.key")
    assert not health.ok and health.database is not None and health.database.problems
    with pytest.raises(StoreError, match=r"(damaged|malformed).*kiosk backup restore FILE"):
        _open(saved)
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(saved))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["people", "list"]) == StoreError.exit_code
    assert "kiosk backup restore" in capsys.readouterr().err
    restore_backup(saved, backup.path, "staff-x")
    assert len(_names(saved)) == 20
    assert check_data(saved / DB_NAME, saved / "kiosk.key").ok


def test_a_missing_key_names_the_key_file(saved: Path) -> None:
    key = saved / "kiosk.key"
    key.rename(saved / "elsewhere.key")
    with pytest.raises(CryptoError, match=f"encryption key {key} is missing"):
        _open(saved)
    health = check_data(saved / DB_NAME, key)
    assert health.key is not None and not health.key.ok and str(key) in health.key.detail
    assert (saved / DB_NAME).exists() and not key.exists()  # no new key was made


def test_a_wrong_key_is_reported_by_the_health_check(saved: Path) -> None:
    key = saved / "kiosk.key"
    key.write_bytes(bytes(32))
    health = check_data(saved / DB_NAME, key)
    assert health.key is not None and not health.key.ok
    assert "does not decrypt" in health.key.detail


@pytest.mark.models
def test_import_from_folders_with_unusual_names(
    tmp_path: Path,
    faces_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "photos with space" / "ünïcödé"
    names = {'José O\'Brien "Q"': "obama", "顔 -dash; $HOME": "biden"}
    for name, source in names.items():
        (root / name).mkdir(parents=True)
        shutil.copy(faces_dir / source / f"{source}_1.jpg", root / name / f"{name} 1.jpg")
    (root / names_key(names) / "empty.jpg").write_bytes(b"")
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["people", "import", str(root), "--staff", "anna", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["people_added"] == 2 and summary["templates"] == 2
    assert [s["reason"] for s in summary["skipped"]] == [
        f"image {root / names_key(names) / 'empty.jpg'} is empty (0 bytes)"
    ]
    assert sorted(_names(tmp_path / "data")) == sorted(names)


def names_key(names: dict[str, str]) -> str:
    return next(iter(names))
