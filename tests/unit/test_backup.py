"""Backups: online copy, verification, daily rotation, restore, and `kiosk backup`."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.config import PathsConfig
from kiosk.errors import StoreError
from kiosk.store.backup import backup_if_due, check_database, create_backup, list_backups
from kiosk.store.db import DB_NAME
from kiosk.store.forget import BEFORE_RESTORE
from kiosk.store.migrations import MIGRATIONS
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.store.restore import restore_backup

T0 = datetime(2025, 3, 1, 9, 30, 15, tzinfo=UTC)
KEY = "a" * 64


def _templates(n: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(n)
    return tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "camera") for _ in range(n))


def _enrol(people: PeopleStore, name: str) -> int:
    return people.enrol(EnrolRequest(Consent("anna"), KEY, _templates(3), name=name))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def people(data_dir: Path) -> Iterator[PeopleStore]:
    store = open_people(PathsConfig(data_dir=data_dir), retention_days=None)
    _enrol(store, "First Person")
    yield store
    with contextlib.suppress(sqlite3.ProgrammingError):  # some tests close it themselves
        store.close()


def _names(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT display_name FROM people ORDER BY id")]
    finally:
        conn.close()


def test_backup_is_a_verified_private_single_file_without_the_key(
    people: PeopleStore, data_dir: Path
) -> None:
    made = create_backup(people.store, data_dir, T0)
    assert made.path == data_dir / "backups" / "kiosk-20250301T093015Z.db"
    assert made.taken_at == T0 and made.size_bytes == made.path.stat().st_size
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]  # no key, no -wal
    check = check_database(made.path)
    assert check.ok and check.schema_version == MIGRATIONS[-1][0]
    assert _names(made.path) == ["First Person"]
    header = made.path.read_bytes()[18:20]
    assert header == b"\x01\x01"  # rollback journal: readable without a -wal file


def test_two_backups_in_one_second_get_distinct_names(people: PeopleStore, data_dir: Path) -> None:
    a = create_backup(people.store, data_dir, T0)
    b = create_backup(people.store, data_dir, T0)
    assert a.path != b.path and b.path.name == "kiosk-20250301T093015Z-1.db"
    assert [x.path for x in list_backups(data_dir)] == [a.path, b.path]


def test_backup_if_due_is_daily_and_keeps_the_last_seven(
    people: PeopleStore, data_dir: Path
) -> None:
    assert backup_if_due(people.store, data_dir, T0) is not None
    assert backup_if_due(people.store, data_dir, T0 + timedelta(hours=23)) is None
    for day in range(1, 10):
        assert backup_if_due(people.store, data_dir, T0 + timedelta(days=day)) is not None
    kept = list_backups(data_dir)
    assert len(kept) == 7
    assert kept[0].taken_at == T0 + timedelta(days=3)
    assert kept[-1].taken_at == T0 + timedelta(days=9)


def test_a_failed_backup_leaves_nothing_behind(people: PeopleStore, data_dir: Path) -> None:
    (data_dir / "backups").write_text("a file where the folder should be")
    with pytest.raises(StoreError, match=r"backup to .* failed, nothing kept"):
        create_backup(people.store, data_dir, T0)


def test_restore_swaps_the_backup_in_keeps_the_old_one_and_audits(
    people: PeopleStore, data_dir: Path
) -> None:
    made = create_backup(people.store, data_dir, T0)
    _enrol(people, "Second Person")
    people.close()
    report = restore_backup(data_dir, made.path, "bob")
    live = data_dir / DB_NAME
    assert report.previous == data_dir / BEFORE_RESTORE
    assert _names(live) == ["First Person"]
    assert _names(report.previous) == ["First Person", "Second Person"]
    assert not live.with_name(DB_NAME + ".restoring").exists()
    restored = open_people(PathsConfig(data_dir=data_dir), retention_days=None)
    try:
        assert len(restored.templates(KEY)) == 4  # 3 + the mean: the same key opens them
        last = restored.store.db.execute(
            "SELECT staff, action, detail FROM audit ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert last == ("bob", "restore", made.path.name)
    finally:
        restored.close()


def test_restore_replaces_a_damaged_database(people: PeopleStore, data_dir: Path) -> None:
    made = create_backup(people.store, data_dir, T0)
    people.close()
    live = data_dir / DB_NAME
    live.write_bytes(b"garbage" * 1000)
    restore_backup(data_dir, made.path, "bob")
    assert check_database(live).ok and _names(live) == ["First Person"]


def _corrupt_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = np.random.default_rng(1).bytes(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        ("corrupt", "is damaged, not restored"),
        ("newer", f"schema version 99; this kiosk reads versions 1 to {MIGRATIONS[-1][0]}"),
        ("not_kiosk", "schema version 0"),
    ],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    people: PeopleStore, data_dir: Path, tmp_path: Path, spoil: str, message: str
) -> None:
    made = create_backup(people.store, data_dir, T0)
    people.close()
    if spoil == "corrupt":
        _corrupt_middle(made.path)
    elif spoil == "newer":
        with sqlite3.connect(made.path) as conn:
            conn.execute("INSERT INTO schema_version VALUES (99, 'future', 'x')")
    else:
        made.path.unlink()
        with sqlite3.connect(made.path) as conn:
            conn.execute("CREATE TABLE other (x)")
    live = data_dir / DB_NAME
    before = live.read_bytes()
    with pytest.raises(StoreError, match=message):
        restore_backup(data_dir, made.path, "bob")
    assert live.read_bytes() == before and not (data_dir / BEFORE_RESTORE).exists()


def test_restore_refuses_while_the_database_is_being_written(
    people: PeopleStore, data_dir: Path
) -> None:
    made = create_backup(people.store, data_dir, T0)
    people.store.db.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="in use: stop the kiosk"):
            restore_backup(data_dir, made.path, "bob")
    finally:
        people.store.db.execute("ROLLBACK")


def test_kiosk_backup_create_list_restore(
    people: PeopleStore,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    people.close()
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["backup", "create", "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert Path(made["path"]).is_file()
    assert main(["backup", "list", "--check", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["backups"]
    assert [(b["path"], b["ok"], b["schema_version"]) for b in listed] == [
        (made["path"], True, MIGRATIONS[-1][0])
    ]
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["backup", "restore", made["path"], "--staff", "bob"]) == 4
    assert "--yes" in capsys.readouterr().err
    assert main(["backup", "restore", made["path"], "--staff", "bob", "--yes", "--json"]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["previous"] == str(data_dir / BEFORE_RESTORE)
    assert main(["backup", "restore", str(data_dir / "nope.db"), "--staff", "b", "--yes"]) == 4
    assert "does not exist" in " ".join(capsys.readouterr().err.split())


def test_restore_forgets_again_whoever_was_forgotten_after_the_backup(
    people: PeopleStore, data_dir: Path
) -> None:
    second = _enrol(people, "Second Person")
    made = create_backup(people.store, data_dir, T0)
    people.forget(second, "anna")
    people.close()
    report = restore_backup(data_dir, made.path, "bob")
    live = data_dir / DB_NAME
    assert report.forgotten_again == (second,) and report.forgets_unchecked is None
    assert _names(live) == ["First Person"]
    assert b"Second Person" not in live.read_bytes()  # compacted, not just unlinked rows
    assert _names(made.path) == ["First Person", "Second Person"]  # the backup itself is kept


def test_restore_leaves_a_foreign_backup_alone(people: PeopleStore, data_dir: Path) -> None:
    other_dir = data_dir.parent / "other-shop"
    other = open_people(PathsConfig(data_dir=other_dir), retention_days=None)
    other.enrol(EnrolRequest(Consent("zoe"), KEY, _templates(3), name="Other Shop Person"))
    foreign = create_backup(other.store, other_dir, T0)
    other.close()
    people.forget(_enrol(people, "Second Person"), "anna")
    people.close()
    report = restore_backup(data_dir, foreign.path, "bob")
    assert report.forgotten_again == ()
    assert report.forgets_unchecked == "the backup is not an earlier copy of this database"
    assert _names(data_dir / DB_NAME) == ["Other Shop Person"]
