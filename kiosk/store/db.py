"""The kiosk's one SQLite database: open, migrate, check, and write atomically.

WAL mode, foreign keys on, schema by numbered migrations recorded in `schema_version`. Every
multi-row write goes through `Store.atomic()`, so a failure or a kill in the middle leaves none
of it behind.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kiosk.errors import StoreError
from kiosk.paths import make_private_dir, make_private_file
from kiosk.store.schema_chain import v3_chain_sync
from kiosk.store.sqlscript import run_script

log = logging.getLogger(__name__)

DB_NAME = "kiosk.db"
_RESTORE_HINT = (
    "; the kiosk will not run on it: stop it and restore a backup "
    "(`kiosk backup list`, then `kiosk backup restore FILE`)"
)

Migration = Callable[[sqlite_utils.Database], None]
_PERSON_IN = re.compile(r"\bperson (\d+)")


def utc_now() -> str:
    """Current UTC time as ISO 8601 with seconds, the format of every timestamp in the DB."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _v1_people(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            display_name TEXT NOT NULL,
            loyalty_id TEXT UNIQUE,
            preferences TEXT NOT NULL DEFAULT '{}',   -- JSON: {"categories": [...], ...}
            keep_photos INTEGER NOT NULL DEFAULT 0,   -- staff opted in to keeping photos
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE consents (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            scope TEXT NOT NULL,          -- e.g. "recognition,personalisation"
            staff TEXT NOT NULL,          -- staff member who recorded it
            method TEXT NOT NULL,         -- "in-person", "import"
            given_at TEXT NOT NULL,
            withdrawn_at TEXT
        );
        CREATE TABLE templates (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            model_key TEXT NOT NULL,      -- sha256 of the embedding model file
            nonce BLOB NOT NULL,
            ciphertext BLOB NOT NULL,     -- AES-GCM(float32 descriptor)
            quality REAL NOT NULL DEFAULT 1.0,
            source TEXT NOT NULL,         -- "camera", "import", "flip"
            created_at TEXT NOT NULL
        );
        CREATE INDEX templates_person ON templates(person_id);
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            nonce BLOB NOT NULL,
            ciphertext BLOB NOT NULL,     -- AES-GCM(JPEG bytes)
            created_at TEXT NOT NULL
        );
        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,  -- NULL: unknown visitor
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL
        );
        CREATE INDEX visits_started ON visits(started_at);
        CREATE TABLE events (            -- append-only log of what happened at the kiosk
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,           -- "reaction", "tap", "scan", "purchase", ...
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            visit_id INTEGER REFERENCES visits(id) ON DELETE CASCADE,
            sku TEXT,
            payload TEXT NOT NULL DEFAULT '{}'  -- JSON; never a face image or embedding
        );
        CREATE INDEX events_at ON events(at);
        CREATE INDEX events_person ON events(person_id);
        CREATE TABLE audit (             -- staff actions: enrol, forget, export, settings
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            staff TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''   -- never a name or biometric data
        );
        """,
    )


def _v1_catalog(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE categories (
            name TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            sort INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE products (
            sku TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL REFERENCES categories(name),
            price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
            tags TEXT NOT NULL DEFAULT '[]',   -- JSON list of strings
            image_path TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE impressions (       -- every suggestion shown, for offline evaluation
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            visit_id INTEGER REFERENCES visits(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            sku TEXT NOT NULL,
            position INTEGER NOT NULL,
            policy TEXT NOT NULL,
            propensity REAL NOT NULL CHECK (propensity > 0 AND propensity <= 1),
            context TEXT NOT NULL         -- JSON feature vector and its names
        );
        CREATE INDEX impressions_at ON impressions(at);
        CREATE TABLE rewards (
            id INTEGER PRIMARY KEY,
            impression_id INTEGER NOT NULL REFERENCES impressions(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,           -- "tap", "scan", "purchase", "valence"
            value REAL NOT NULL
        );
        CREATE TABLE learner_state (     -- bandit parameters; per person rows go with forget-me
            scope TEXT PRIMARY KEY,       -- "global" or "person:<id>"
            person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
            policy TEXT NOT NULL,
            state BLOB NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )
    db.table("products").enable_fts(
        ["name", "description", "tags", "category"], create_triggers=True
    )


def _v2_person_uid(db: sqlite_utils.Database) -> None:
    """People ids are never reused (AUTOINCREMENT) and each person has a uuid minted here.

    A reused id would hand a forgotten person's leftovers (a late visit, a stale gallery in a
    running kiosk) to the next person enrolled; the uuid names the person across kiosks and
    bundles. Runs with foreign keys off (see `Store._migrate`): the table is rebuilt in place.
    """
    run_script(
        db,
        """
        CREATE TABLE people_v2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uid TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),  -- minted where enrolled
            display_name TEXT NOT NULL,
            loyalty_id TEXT UNIQUE,
            preferences TEXT NOT NULL DEFAULT '{}',
            keep_photos INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )
    for row in db.execute("SELECT id FROM people ORDER BY id").fetchall():
        db.execute(
            "INSERT INTO people_v2 SELECT id, ?, display_name, loyalty_id, preferences, "
            "keep_photos, created_at, updated_at FROM people WHERE id = ?",
            [uuid.uuid4().hex, row[0]],
        )
    run_script(
        db,
        """
        DROP TABLE people;
        ALTER TABLE people_v2 RENAME TO people;
        """,
    )
    # Ids handed out before this migration and since forgotten are not handed out again: the
    # audit log names every person id it ever saw ("person 7: ...").
    details = (str(row[0]) for row in db.execute("SELECT detail FROM audit"))
    seen = [int(m) for detail in details for m in _PERSON_IN.findall(detail)]
    high = max(seen, default=0)
    db.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'people', ? "
        "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'people')",
        [high],
    )
    db.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'people'", [high])


def _v4_product_details(db: sqlite_utils.Database) -> None:
    """What the shopper reads about a product: the price before an offer, where it is in the
    store, and the day it arrived (for "On offer" and "New this week")."""
    for column in (  # one statement each: executescript would commit the migration half way
        "was_price_cents INTEGER NOT NULL DEFAULT 0 CHECK (was_price_cents >= 0)",  # 0: no offer
        "location TEXT NOT NULL DEFAULT ''",
        "added TEXT NOT NULL DEFAULT ''",  # YYYY-MM-DD, or '' when unknown
    ):
        db.execute(f"ALTER TABLE products ADD COLUMN {column}")


MIGRATIONS: tuple[tuple[int, str, tuple[Migration, ...]], ...] = (
    (
        1,
        "people, consent, templates, visits, events, audit, catalog, impressions",
        (_v1_people, _v1_catalog),
    ),
    (2, "people: ids never reused, a uuid per person", (_v2_person_uid,)),
    (
        3,
        "gallery change counter, forget tombstones, ids minted at the origin, chain sync state",
        (v3_chain_sync,),
    ),
    (4, "products: offer price, location in the store, date added", (_v4_product_details,)),
)


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
