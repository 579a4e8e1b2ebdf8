from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from kiosk.errors import CryptoError, StoreError
from kiosk.store.crypto import Vault, load_or_create_key
from kiosk.store.db import Store, utc_now
from kiosk.store.migrations import MIGRATIONS


def test_new_database_is_migrated_wal_and_sound(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    assert store.version == MIGRATIONS[-1][0]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.integrity().ok
    store.close()
    again = Store(tmp_path / "k.db")  # reopening applies nothing twice
    assert again.version == MIGRATIONS[-1][0]
    again.close()


def test_atomic_writes_all_or_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    now = utc_now()
    with pytest.raises(RuntimeError), store.atomic() as db:
        db.table("people").insert({"display_name": "A", "created_at": now, "updated_at": now})
        raise RuntimeError("killed half way")
    assert store.db.table("people").count == 0


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be used"):
        Store(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    store.db.execute("INSERT INTO schema_version VALUES (999, 'future', '2030')")
    store.close()
    with pytest.raises(StoreError, match="newer than this kiosk"):
        Store(tmp_path / "k.db")


def test_key_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    path.chmod(0o644)
    with pytest.raises(CryptoError, match="readable by others"):
        load_or_create_key(path)


def test_missing_key_is_an_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(CryptoError, match="is missing"):
        load_or_create_key(tmp_path / "absent.key", create=False)


def test_vault_round_trip_and_binding_to_context() -> None:
    vault = Vault(bytes(range(32)))
    vector = np.linspace(-1, 1, 128, dtype=np.float32)
    sealed = vault.seal_vector(vector, "template:1:m")
    assert vector.tobytes() not in sealed.ciphertext
    np.testing.assert_array_equal(vault.open_vector(sealed, "template:1:m"), vector)
    with pytest.raises(CryptoError, match="does not decrypt"):
        vault.open_vector(sealed, "template:2:m")  # moved to another person's row
    with pytest.raises(CryptoError, match="does not decrypt"):
        Vault(bytes(32)).open_vector(sealed, "template:1:m")  # wrong key


def test_the_database_is_private_to_the_kiosk_user(tmp_path: Path) -> None:
    """Another local user must not read names, consents or visits: data dir 0700, the database
    and its -wal/-shm 0600, whatever the umask, and an old 0644 file is tightened on open."""
    data_dir = tmp_path / "data"
    old_umask = os.umask(0o022)
    try:
        store = Store(data_dir / "kiosk.db")
        store.db.table("audit").insert({"at": "x", "staff": "s", "action": "a", "detail": ""})
        files = [data_dir / "kiosk.db", data_dir / "kiosk.db-wal", data_dir / "kiosk.db-shm"]
        assert all(f.exists() for f in files)
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert [stat.S_IMODE(f.stat().st_mode) for f in files] == [0o600] * 3
        store.close()
        (data_dir / "kiosk.db").chmod(0o644)
        data_dir.chmod(0o755)
        Store(data_dir / "kiosk.db").close()
        assert stat.S_IMODE((data_dir / "kiosk.db").stat().st_mode) == 0o600
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    finally:
        os.umask(old_umask)
