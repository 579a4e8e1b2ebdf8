"""Gallery snapshots from the database: built whole at start-up, then updated person by person.

A full build decrypts every template once, person by person, straight into the snapshot (large
galleries into the compact index), never holding a second copy. Afterwards the kiosk asks for
an update whenever the gallery change counter moved: only the people in ``gallery_changes``
past the snapshot's version are decrypted again, whichever process changed them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from kiosk.core.gallery import Gallery
from kiosk.core.types import FloatArray
from kiosk.store.crypto import Sealed, Vault
from kiosk.store.db import Store

FULL_REBUILD = 5_000  # changed people past which a full (streaming) build is cheaper


def gallery_version(store: Store) -> int:
    """The gallery change counter (grows with every template or display-name change)."""
    row = store.db.execute("SELECT value FROM counters WHERE name = 'gallery'").fetchone()
    return int(row[0])


def _names(store: Store) -> dict[int, str]:
    rows = store.db.execute("SELECT id, display_name FROM people").fetchall()
    return {int(i): str(n) for i, n in rows}


def _context(person_id: int, model_key: str) -> str:
    return f"template:{person_id}:{model_key}"


def _groups(
    store: Store, vault: Vault, model_key: str, dim: int
) -> Iterator[tuple[int, FloatArray]]:
    """(person id, float32 (n, D) templates) for everyone, decrypted person by person."""
    cursor = store.db.execute(
        "SELECT person_id, nonce, ciphertext FROM templates WHERE model_key = ? "
        "ORDER BY person_id, id",
        [model_key],
    )
    current = -1
    rows: list[FloatArray] = []
    for person_id, nonce, ciphertext in cursor:
        if person_id != current and rows:
            yield current, np.stack(rows)
            rows = []
        current = int(person_id)
        rows.append(vault.open_vector(Sealed(nonce, ciphertext), _context(current, model_key)))
    if rows:
        yield current, np.stack(rows).reshape(-1, dim)


def build_gallery(store: Store, vault: Vault, model_key: str, dim: int) -> Gallery:
    """Everyone's templates as one snapshot (the version is read first: never too new)."""
    version = gallery_version(store)
    count = store.db.execute(
        "SELECT count(*) FROM templates WHERE model_key = ?", [model_key]
    ).fetchone()[0]
    groups = _groups(store, vault, model_key, dim)
    return Gallery.from_groups(
        groups, _names(store), model_key, dim=dim, rows=int(count), version=version
    )


def update_gallery(store: Store, vault: Vault, old: Gallery, dim: int) -> Gallery:
    """`old` with the people changed since its version rebuilt (or `old` if nothing changed)."""
    version = gallery_version(store)
    if version == old.version:
        return old
    if old.version == 0:
        return build_gallery(store, vault, old.model_key, dim)
    changed_ids = [
        int(r[0])
        for r in store.db.execute(
            "SELECT person_id FROM gallery_changes WHERE seq > ?", [old.version]
        ).fetchall()
    ]
    if len(changed_ids) > FULL_REBUILD:  # e.g. a new kiosk's first pull: stream, never hold
        return build_gallery(store, vault, old.model_key, dim)  # every float32 row at once
    changed: dict[int, FloatArray] = {}
    removed: list[int] = []
    for person_id in changed_ids:
        rows = store.db.execute(
            "SELECT nonce, ciphertext FROM templates WHERE person_id = ? AND model_key = ? "
            "ORDER BY id",
            [person_id, old.model_key],
        ).fetchall()
        context = _context(person_id, old.model_key)
        vectors = [vault.open_vector(Sealed(n, c), context) for n, c in rows]
        if vectors:
            changed[person_id] = np.stack(vectors).reshape(-1, dim)
        else:
            removed.append(person_id)
    return old.with_people(changed, _names(store), removed, version)
