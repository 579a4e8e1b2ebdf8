"""Backups of the kiosk database: create (online, verified), list, prune, restore.

A backup is one self-contained SQLite file, `<data_dir>/backups/kiosk-YYYYmmddTHHMMSSZ.db`,
written with SQLite's online backup API while the kiosk runs, then checked with
`PRAGMA integrity_check` before it gets its final name. `backup_if_due` (called by the app at
start-up and daily) writes one when the newest is a day old and keeps the last `keep` (7).

The encryption key is NOT copied next to the backups: a backup and its key together would undo
the encryption at rest. Back up the key file (`[paths] key_file`, by default
`<data_dir>/kiosk.key`) separately, once, to offline storage kept apart from the backups (e.g. a
USB stick in the manager's safe): without it no backup's templates or photos can be read.

Backups hold names and encrypted templates, so they are written owner-only (0600), and a person
forgotten after a backup was taken is still in it until it is pruned (at most `keep` days); no
restore brings them back: every forget leaves a tombstone (`kiosk.store.forget`) that outlives
every copy, and a restored database forgets everyone with a tombstone before it is used.
Restore refuses a damaged backup or one with a schema this kiosk does not know, keeps the current
database as `kiosk.db.before-restore` (purged at every forget), swaps the file in with
`os.replace` and audits it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.errors import InputError, StoreError
from kiosk.store.db import DB_NAME, Store, utc_now
from kiosk.store.forget import (
    BEFORE_RESTORE,
    FORGET,
    add_tombstones,
    apply_tombstones,
    forget_person,
    read_sidecar,
)
from kiosk.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

__all__ = [
    "BACKUP_DIR",
    "BEFORE_RESTORE",
    "KEEP",
    "BackupInfo",
    "DatabaseCheck",
    "RestoreReport",
    "backup_dir",
    "backup_if_due",
    "check_database",
    "create_backup",
    "list_backups",
    "prune_backups",
    "restore_backup",
]

BACKUP_DIR = "backups"
KEEP = 7
DUE_AFTER = timedelta(days=1)
_NAME = re.compile(r"^kiosk-(\d{8}T\d{6}Z)(?:-(\d+))?\.db$")
_STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup file: where, when it was taken (UTC, from its name) and its size."""

    path: Path
    taken_at: datetime
    size_bytes: int


@dataclass(frozen=True, slots=True)
class DatabaseCheck:
    """A database file checked read-only: integrity problems and schema version (0: none)."""

    path: Path
    ok: bool
    schema_version: int
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore did: the backup used, its schema, and where the old database went."""

    backup: Path
    schema_version: int
    previous: Path | None
    forgotten_again: tuple[int, ...] = ()
    forgets_unchecked: str | None = None


def backup_dir(data_dir: Path) -> Path:
    """Where backups of the database in `data_dir` go."""
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> tuple[BackupInfo, ...]:
    """The backups in `<data_dir>/backups`, oldest first (other files are ignored)."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return ()
    found: list[tuple[datetime, int, Path]] = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append((taken, int(match.group(2) or 0), path))
    return tuple(BackupInfo(p, t, p.stat().st_size) for t, _, p in sorted(found))


def check_database(path: Path) -> DatabaseCheck:
    """Open `path` read-only and run `PRAGMA integrity_check`; read its schema version.

    Never raises for a damaged file: the problems are in the result.
    """
    if not path.is_file():
        return DatabaseCheck(path, False, 0, (f"{path} does not exist",))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        return DatabaseCheck(path, False, 0, (f"cannot open: {exc}",))
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        problems = tuple(str(r[0]) for r in rows if r[0] != "ok")
        version = _schema_version(conn)
    except sqlite3.Error as exc:
        return DatabaseCheck(path, False, 0, (f"not a readable SQLite database: {exc}",))
    finally:
        conn.close()
    return DatabaseCheck(path, not problems, version, problems)


def _schema_version(conn: sqlite3.Connection) -> int:
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if table is None:
        return 0
    return int(conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0)


def create_backup(store: Store, data_dir: Path, now: datetime) -> BackupInfo:
    """Copy the open database to `<data_dir>/backups/kiosk-<now>.db` and verify the copy.

    Raises:
        StoreError: the copy failed (full disk, read-only folder) or does not pass the
            integrity check; no partial backup is left behind.
    """
    folder = backup_dir(data_dir)
    target = _free_name(folder, now)
    partial = target.with_name(target.name + ".partial")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        _copy_online(store.db.conn, partial)
        check = check_database(partial)
        if not check.ok:
            raise StoreError(f"backup {target} failed its integrity check: {check.problems[0]}")
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"backup to {target} failed, nothing kept: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    log.info("database backed up to %s", target.name)
    return BackupInfo(target, _taken(now), target.stat().st_size)


def _copy_online(source: sqlite3.Connection, dest: Path) -> None:
    """SQLite's online backup of `source` into a new single-file (rollback journal) database."""
    dest.unlink(missing_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    conn = sqlite3.connect(str(dest))
    try:
        source.backup(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def _taken(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(microsecond=0)


def _free_name(folder: Path, now: datetime) -> Path:
    stem = f"kiosk-{_taken(now).strftime(_STAMP)}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        path, n = folder / f"{stem}-{n}.db", n + 1
    return path


def prune_backups(data_dir: Path, keep: int = KEEP) -> tuple[Path, ...]:
    """Delete all but the newest `keep` backups; returns the deleted files."""
    if keep < 1:
        raise ValueError(f"keep must be at least 1, got {keep}")
    old = list_backups(data_dir)[:-keep]
    for backup in old:
        backup.path.unlink(missing_ok=True)
    return tuple(b.path for b in old)


def backup_if_due(
    store: Store, data_dir: Path, now: datetime, keep: int = KEEP
) -> BackupInfo | None:
    """Back up when the newest backup is older than a day (or there is none); keep `keep`.

    Called by the app at start-up and then daily. Returns the new backup, or None if not due.

    Raises:
        StoreError: the backup could not be written or verified.
    """
    existing = list_backups(data_dir)
    if existing and _taken(now) - existing[-1].taken_at < DUE_AFTER:
        return None
    made = create_backup(store, data_dir, now)
    prune_backups(data_dir, keep)
    return made


def restore_backup(data_dir: Path, backup: Path, staff: str) -> RestoreReport:
    """Replace the database in `data_dir` by `backup` (the kiosk must not be running).

    The backup is verified first (integrity, and a schema version this kiosk knows: older ones
    are migrated when next opened). The current database, if any, is kept as
    `kiosk.db.before-restore` (with its write-ahead log). The new file is copied beside the
    database, verified, and swapped in with `os.replace`; the restore is audited. Whoever the
    current database forgot after the backup was taken is forgotten again (`RestoreReport`).

    Raises:
        InputError: `backup` does not exist.
        StoreError: the backup is damaged or incompatible, the database is in use, or the copy
            failed; the current database is then untouched.
    """
    if not backup.is_file():
        raise InputError(f"backup {backup} does not exist")
    check = check_database(backup)
    if not check.ok:
        raise StoreError(f"backup {backup} is damaged, not restored: {check.problems[0]}")
    latest = MIGRATIONS[-1][0]
    if not 1 <= check.schema_version <= latest:
        raise StoreError(
            f"backup {backup} has schema version {check.schema_version}; this kiosk reads "
            f"versions 1 to {latest}: not restored"
        )
    live = data_dir / DB_NAME
    forgets, unchecked = _forgets_after(live, backup) if live.exists() else ((), None)
    tombstones = read_sidecar(data_dir) | (_tombstones_in(live) if live.exists() else frozenset())
    staged = live.with_name(DB_NAME + ".restoring")
    try:
        shutil.copyfile(backup, staged)
        staged.chmod(0o600)
        if not check_database(staged).ok:
            raise StoreError(f"copy of {backup} is damaged (disk problem?): not restored")
        previous = _set_aside(live) if live.exists() else None
        staged.replace(live)  # os.replace: atomic swap
    except OSError as exc:
        raise StoreError(f"restore of {backup} failed, database unchanged: {exc}") from exc
    finally:
        staged.unlink(missing_ok=True)
    forgotten = _audit_restore(live, staff, backup, forgets, tombstones)
    log.info("database restored from %s; %d people forgotten again", backup.name, len(forgotten))
    return RestoreReport(backup, check.schema_version, previous, forgotten, unchecked)


def _forgets_after(live: Path, backup: Path) -> tuple[tuple[int, ...], str | None]:
    """Ids of the people the live database forgot after `backup` was taken, or why unknown.

    Audit rows are only appended, so the audit log of an earlier copy of this database is the
    start of the live one, and the forget rows past its end came later. A backup whose log is
    not such a start (another kiosk's, or the live one was restored since) replays nothing.
    """
    columns = "SELECT id, at, staff, action, detail FROM audit"
    try:
        with (
            contextlib.closing(_read_only(backup)) as old,
            contextlib.closing(_read_only(live)) as now,
        ):
            history = old.execute(f"{columns} ORDER BY id").fetchall()
            last = history[-1][0] if history else 0
            if now.execute(f"{columns} WHERE id <= ? ORDER BY id", [last]).fetchall() != history:
                return (), "the backup is not an earlier copy of this database"
            rows = now.execute(
                "SELECT detail FROM audit WHERE action = ? AND id > ? ORDER BY id", [FORGET, last]
            ).fetchall()
    except sqlite3.Error as exc:
        return (), f"the current database's audit log is unreadable ({exc})"
    ids = [int(m.group(1)) for (d,) in rows if (m := re.fullmatch(r"person (\d+)", str(d)))]
    return tuple(dict.fromkeys(ids)), None


def _tombstones_in(path: Path) -> frozenset[str]:
    """The uids the database at `path` has tombstones for (none if it has no such table)."""
    try:
        with contextlib.closing(_read_only(path)) as conn:
            rows = conn.execute("SELECT uid FROM tombstones").fetchall()
    except sqlite3.Error:
        return frozenset()
    return frozenset(str(r[0]) for r in rows)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _set_aside(live: Path) -> Path:
    """Copy the live database (and its WAL) to kiosk.db.before-restore; refuse if it is in use."""
    _checkpoint_if_readable(live)
    keep = live.with_name(BEFORE_RESTORE)
    shutil.copyfile(live, keep)
    keep.chmod(0o600)
    for suffix in ("-wal", "-shm"):
        side = live.with_name(live.name + suffix)
        kept = keep.with_name(keep.name + suffix)
        kept.unlink(missing_ok=True)
        if side.exists() and suffix == "-wal" and side.stat().st_size:
            side.replace(kept)  # the WAL belongs to the old file, never to the restored one
        else:
            side.unlink(missing_ok=True)
    return keep


def _checkpoint_if_readable(live: Path) -> None:
    """Fold the WAL into the file; StoreError if another process holds the database."""
    try:
        conn = sqlite3.connect(str(live), timeout=0.5, isolation_level=None)
    except sqlite3.Error:
        return  # unreadable: it is being replaced, kept as it is
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(f"database {live} is in use: stop the kiosk, then restore") from exc
    except sqlite3.DatabaseError:
        pass  # damaged: that is why it is being restored
    finally:
        conn.close()


def _audit_restore(
    live: Path, staff: str, backup: Path, forgets: tuple[int, ...], tombstones: frozenset[str]
) -> tuple[int, ...]:
    """Audit the restore, then forget again whoever was forgotten (tombstones, audit replay)."""
    store = Store(live)
    try:
        with store.atomic() as db:
            db.table("audit").insert(
                {"at": utc_now(), "staff": staff, "action": "restore", "detail": backup.name}
            )
        add_tombstones(store, tombstones, pushed=False)
        again = set(apply_tombstones(store, staff))
        present = {
            int(r[0])
            for r in store.db.execute("SELECT id FROM people").fetchall()
            if int(r[0]) in forgets
        }
        for person_id in sorted(present):
            forget_person(store, person_id, staff)
        return tuple(sorted(present | again))
    finally:
        with contextlib.suppress(sqlite3.Error):
            store.close()
