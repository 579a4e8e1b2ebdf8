"""Backups of the kiosk database: create (online, verified), list, prune, check.

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
restore brings them back (`kiosk.store.restore`, which also checks a backup with
`check_database` before it swaps it in).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.errors import StoreError
from kiosk.store.db import Store

log = logging.getLogger(__name__)

__all__ = [
    "BACKUP_DIR",
    "KEEP",
    "BackupInfo",
    "DatabaseCheck",
    "backup_dir",
    "backup_if_due",
    "check_database",
    "create_backup",
    "list_backups",
    "prune_backups",
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
