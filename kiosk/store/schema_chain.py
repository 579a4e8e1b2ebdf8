"""Schema 3: what a kiosk needs to stay consistent with other processes and other kiosks.

- ``counters.gallery`` grows with every change to templates or display names (triggers), and
  ``gallery_changes`` says which person changed last at which count: a running kiosk polls the
  counter and rebuilds only the people who changed, whichever process changed them.
- ``tombstones`` keeps the stable uid of everyone forgotten, for good: no restore, bundle or
  chain sync may bring them back.
- Rows that leave the kiosk (templates, consents, photos, visits, impressions, rewards) get a
  uid minted here and a ``synced`` flag, so pushing them is idempotent (exactly once centrally).
- ``people`` gets a last-writer-wins clock for its attributes (``attrs_at``, ``attrs_by``) and
  a revision pair (``rev`` / ``pushed_rev``) that says whether they changed since the last push.
- ``chain_membership`` and ``sync_state`` hold this kiosk's chain identity and sync cursors.
"""

from __future__ import annotations

import sqlite_utils

from kiosk.store.sqlscript import run_script

NOW_MS = "strftime('%Y-%m-%dT%H:%M:%f', 'now')"  # UTC, millisecond ISO 8601, sorts as text
MINTED = ("templates", "consents", "photos", "visits", "impressions", "rewards")
_MY_KIOSK = "coalesce((SELECT kiosk_id FROM chain_membership), '')"


def _bump(person: str) -> str:
    return f"""
    UPDATE counters SET value = value + 1 WHERE name = 'gallery';
    INSERT OR REPLACE INTO gallery_changes (person_id, seq)
        SELECT {person}, value FROM counters WHERE name = 'gallery';"""


_TABLES = """
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('gallery', 0);
CREATE TABLE gallery_changes (person_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
CREATE INDEX gallery_changes_seq ON gallery_changes(seq);
CREATE TABLE tombstones (          -- forgotten people, never deleted: uid only, no personal data
    uid TEXT PRIMARY KEY,
    person_id INTEGER,               -- the local id it had (ids are never reused)
    forgotten_at TEXT NOT NULL,
    pushed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE chain_membership (    -- at most one row: the chain this kiosk joined
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chain_id TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    kiosk_name TEXT NOT NULL,
    store_name TEXT NOT NULL,
    joined_at TEXT NOT NULL
);
CREATE TABLE sync_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
ALTER TABLE people ADD COLUMN attrs_at TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN attrs_by TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN pushed_rev INTEGER NOT NULL DEFAULT 0;
UPDATE people SET attrs_at = coalesce(strftime('%Y-%m-%dT%H:%M:%f', updated_at), '');
ALTER TABLE learner_state ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;
CREATE INDEX templates_model ON templates(model_key, person_id);
"""

_TRIGGERS = f"""
CREATE TRIGGER gallery_template_added AFTER INSERT ON templates BEGIN {_bump("NEW.person_id")}
END;
CREATE TRIGGER gallery_template_removed AFTER DELETE ON templates BEGIN {_bump("OLD.person_id")}
END;
CREATE TRIGGER gallery_person_removed AFTER DELETE ON people BEGIN {_bump("OLD.id")}
END;
CREATE TRIGGER gallery_person_renamed AFTER UPDATE OF display_name ON people
WHEN NEW.display_name IS NOT OLD.display_name BEGIN {_bump("NEW.id")}
END;
CREATE TRIGGER people_attrs_new AFTER INSERT ON people WHEN NEW.attrs_at = '' BEGIN
    UPDATE people SET attrs_at = {NOW_MS}, attrs_by = {_MY_KIOSK} WHERE id = NEW.id;
END;
CREATE TRIGGER people_attrs_changed AFTER UPDATE OF display_name, preferences, keep_photos
ON people WHEN NEW.display_name IS NOT OLD.display_name
    OR NEW.preferences IS NOT OLD.preferences OR NEW.keep_photos IS NOT OLD.keep_photos
BEGIN
    UPDATE people SET
        rev = OLD.rev + 1,
        attrs_at = CASE WHEN NEW.attrs_at IS NOT OLD.attrs_at THEN NEW.attrs_at
                        ELSE max({NOW_MS}, OLD.attrs_at || '1') END,
        attrs_by = CASE WHEN NEW.attrs_at IS NOT OLD.attrs_at THEN NEW.attrs_by
                        ELSE {_MY_KIOSK} END
    WHERE id = NEW.id;
END;
CREATE TRIGGER visits_changed AFTER UPDATE OF person_id, ended_at ON visits BEGIN
    UPDATE visits SET synced = 0 WHERE id = NEW.id;
END;
"""


def _minted(table: str) -> str:
    return f"""
ALTER TABLE {table} ADD COLUMN uid TEXT;
ALTER TABLE {table} ADD COLUMN synced INTEGER NOT NULL DEFAULT 0;
UPDATE {table} SET uid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX {table}_uid ON {table}(uid);
CREATE INDEX {table}_unsynced ON {table}(id) WHERE synced = 0;
CREATE TRIGGER {table}_mint_uid AFTER INSERT ON {table} WHEN NEW.uid IS NULL BEGIN
    UPDATE {table} SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
"""


def v3_chain_sync(db: sqlite_utils.Database) -> None:
    """Migration 3 (see the module docstring)."""
    run_script(db, _TABLES)
    for table in MINTED:
        run_script(db, _minted(table))
    run_script(db, _TRIGGERS)
