"""Restoring the kiosk database from a backup (`kiosk.store.backup` writes them).

Restore refuses a damaged backup or one with a schema this kiosk does not know, keeps the current
database as `kiosk.db.before-restore` (purged at every forget), swaps the file in with
`os.replace` and audits it. No restore brings back a person forgotten after the backup was taken:
every forget leaves a tombstone (`kiosk.store.forget`) that outlives every copy, and the restored
database forgets everyone with a tombstone, and everyone the current database's audit log forgot
since the backup, before it is used.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import InputError, StoreError
from kiosk.store.backup import check_database
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

__all__ = ["RestoreReport", "restore_backup"]


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore did: the backup used, its schema, and where the old database went."""

    backup: Path
    schema_version: int
    previous: Path | None
    forgotten_again: tuple[int, ...] = ()
    forgets_unchecked: str | None = None


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
