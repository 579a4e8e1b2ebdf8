"""The kiosk's one SQLite database: open, migrate, check, and write atomically.

WAL mode, foreign keys on, schema by numbered migrations (`kiosk.store.migrations`) applied at
open and recorded in `schema_version`. Every multi-row write goes through `Store.atomic()`, so a
failure or a kill in the middle leaves none of it behind.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kiosk.errors import StoreError
from kiosk.paths import make_private_dir, make_private_file
from kiosk.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

DB_NAME = "kiosk.db"
_RESTORE_HINT = (
    "; the kiosk will not run on it: stop it and restore a backup "
    "(`kiosk backup list`, then `kiosk backup restore FILE`)"
)


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds, the format of every timestamp in the DB."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    """Result of SQLite's integrity and foreign-key checks."""

    ok: bool
    problems: tuple[str, ...]


class Store:
    """The open database. One per thread: the GUI thread owns the kiosk's."""

    def __init__(self, path: Path) -> None:
        """Open (creating if needed) and migrate the database at `path`.

        Raises:
            StoreError: the file is not a database, is read-only, or is locked by another process.
        """
        self.path = path
        try:
            _private(path)
            conn = sqlite3.connect(str(path), timeout=5.0, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten
            self._quick_check()
            self.db.enable_wal()
            self._migrate()
        except StoreError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            damaged = "malformed" in str(exc) or "not a database" in str(exc)
            hint = _RESTORE_HINT if damaged else ""
            if not os.access(path.parent, os.W_OK) or not os.access(path, os.W_OK):
                hint += " (the file or its folder is read-only)"
            raise StoreError(f"database {path} cannot be used: {exc}{hint}") from exc
        except OSError as exc:
            raise StoreError(f"database {path} cannot be opened: {exc.strerror or exc}") from exc

    def _quick_check(self) -> None:
        """Refuse a damaged file at open (a fast structural check, not the full one)."""
        rows = self.db.execute("PRAGMA quick_check(5)").fetchall()
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        if problems:
            raise StoreError(
                f"database {self.path} is damaged ({'; '.join(problems)}){_RESTORE_HINT}"
            )

    @property
    def version(self) -> int:
        """The schema version the database is at."""
        rows = self.db.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(rows[0] or 0)

    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        current = self.version
        latest = MIGRATIONS[-1][0]
        if current > latest:
            raise StoreError(
                f"database {self.path} is at schema {current}, newer than this kiosk ({latest}); "
                f"upgrade the kiosk"
            )
        if current == latest:
            return
        # Table rebuilds must not cascade: foreign keys are off while migrating (the pragma is
        # a no-op inside a transaction) and checked before the migration commits.
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            for version, description, steps in MIGRATIONS:
                if version <= current:
                    continue
                with self.atomic():
                    for step in steps:
                        step(self.db)
                    broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            f"database {self.path}: migration {version} broke {len(broken)} "
                            f"foreign keys (first: {tuple(broken[0])}); nothing was changed"
                        )
                    self.db.table("schema_version").insert(
                        {"version": version, "description": description, "applied_at": utc_now()}
                    )
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        """A transaction: everything inside is written, or nothing is (nested: savepoints).

        Raises:
            StoreError: the disk is full, the file is read-only or locked; nothing was written.
        """
        conn = self.db.conn
        try:
            if conn.in_transaction:
                with self.db.atomic() as db:  # a savepoint inside the open transaction
                    yield db
                return
            # IMMEDIATE: take the write lock now (waiting up to busy_timeout for another
            # process or the sync worker), so a read-then-write cannot fail half way with
            # SQLITE_BUSY_SNAPSHOT when another connection committed in between.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"database {self.path}: write failed, nothing saved: {exc}") from exc

    def integrity(self) -> IntegrityReport:
        """Run `PRAGMA integrity_check` and `PRAGMA foreign_key_check`."""
        problems = [row[0] for row in self.db.execute("PRAGMA integrity_check").fetchall()]
        problems = [p for p in problems if p != "ok"]
        fk = self.db.execute("PRAGMA foreign_key_check").fetchall()
        problems += [f"foreign key: table {r[0]} row {r[1]} -> {r[2]}" for r in fk]
        return IntegrityReport(not problems, tuple(problems))

    def compact(self) -> None:
        """Rewrite the file so deleted rows' bytes are gone (after forget), and trim the WAL.

        Raises:
            StoreError: the rewrite failed (a full disk); the data is as it was before it.
        """
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.vacuum()
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"database {self.path} could not be compacted: {exc}") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Checkpoint and close.

        A failed checkpoint (full disk) loses nothing: the WAL stays and is replayed when the
        database is next opened.
        """
        try:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as exc:
            log.warning("database %s: checkpoint at close failed (%s); WAL kept", self.path, exc)
        finally:
            self.db.close()


def _private(path: Path) -> None:
    """The database's folder 0700, the file and its -wal/-shm 0600 (SQLite creates those with
    the database file's mode), created empty if absent: names, consents and visits are no
    other local user's business."""
    make_private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private_file(file)


def open_store(data_dir: Path) -> Store:
    """The kiosk's database in its data directory."""
    return Store(data_dir / DB_NAME)
