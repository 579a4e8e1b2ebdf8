"""The schema, as numbered migrations: each version's description and the steps that build it.

`Store` applies the ones a database has not had yet, each in its own transaction with foreign
keys off and checked before it commits (see `kiosk.store.db`). Schema 3 is `schema_chain`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import sqlite_utils

from kiosk.store.schema_chain import v3_chain_sync
from kiosk.store.sqlscript import run_script

Migration = Callable[[sqlite_utils.Database], None]
_PERSON_IN = re.compile(r"\bperson (\d+)")


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
