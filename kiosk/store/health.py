"""Start-up health of the stored data: is the database sound, and does the key open it?

Read-only: nothing is created, migrated or written (`kiosk doctor` uses it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import CryptoError
from kiosk.store.backup import DatabaseCheck, check_database
from kiosk.store.crypto import Sealed, Vault, load_or_create_key
from kiosk.store.sealed_rows import template_context


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """Whether the key file opens every stored template (`ok` is True when none are stored)."""

    ok: bool
    templates: int
    detail: str


@dataclass(frozen=True, slots=True)
class DataHealth:
    """The database check (None: no database yet) and the key check (None: not reached)."""

    database: DatabaseCheck | None
    key: KeyCheck | None

    @property
    def ok(self) -> bool:
        """True when there is no database yet, or it is sound and the key opens it."""
        if self.database is None:
            return True
        return self.database.ok and self.key is not None and self.key.ok


def check_data(db_path: Path, key_path: Path) -> DataHealth:
    """Check the database at `db_path` (if it exists) and then the key at `key_path`."""
    if not db_path.exists():
        return DataHealth(None, None)
    database = check_database(db_path)
    if not database.ok:
        return DataHealth(database, None)
    return DataHealth(database, check_key(db_path, key_path))


def check_key(db_path: Path, key_path: Path) -> KeyCheck:
    """Decrypt every stored template with the key file; never creates a key."""
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    try:
        rows = conn.execute(
            "SELECT person_id, model_key, nonce, ciphertext FROM templates ORDER BY id"
        ).fetchall()
    except sqlite3.Error as exc:
        return KeyCheck(False, 0, f"templates cannot be read: {exc}")
    finally:
        conn.close()
    if not rows:
        return KeyCheck(True, 0, "no templates stored yet")
    try:
        vault = Vault(load_or_create_key(key_path, create=False))
        for person_id, model_key, nonce, ciphertext in rows:
            vault.open(Sealed(nonce, ciphertext), template_context(int(person_id), model_key))
    except CryptoError as exc:
        return KeyCheck(False, len(rows), str(exc))
    return KeyCheck(True, len(rows), f"key {key_path} opens all {len(rows)} templates")
