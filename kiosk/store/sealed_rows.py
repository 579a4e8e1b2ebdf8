"""Templates and photos, the biometric rows of the people tables: sealed with the `Vault`, bound
to their row by the associated data ``template:<person>:<model_key>`` or ``photo:<person>``, and
opened again. Each person also gets a mean template of their own captures (`MEAN`).

Callers hold the transaction (`Store.atomic()`); nothing here logs.
"""

from __future__ import annotations

import numpy as np

from kiosk.core.types import readonly
from kiosk.store.crypto import Sealed, Vault
from kiosk.store.db import Store
from kiosk.store.people_records import NewTemplate, StoredTemplate

MEAN = "mean"  # source of the per-person mean template, recomputed after each enrolment
_NOT_IN_MEAN = (MEAN, "flip")
DERIVED = _NOT_IN_MEAN  # template sources made from captures, not captures themselves


def template_context(person_id: int, model_key: str) -> str:
    """Associated data binding a template's ciphertext to its person and model."""
    return f"template:{person_id}:{model_key}"


def insert_template(
    store: Store, vault: Vault, person_id: int, model_key: str, t: NewTemplate, *, now: str
) -> None:
    """Seal one template and add its row."""
    sealed = vault.seal_vector(t.vector, template_context(person_id, model_key))
    store.db.table("templates").insert(
        {"person_id": person_id, "model_key": model_key, "nonce": sealed.nonce}
        | {"ciphertext": sealed.ciphertext, "quality": float(t.quality), "source": t.source}
        | {"created_at": now}
    )


def read_templates(
    store: Store, vault: Vault, model_key: str, person_id: int | None = None
) -> tuple[StoredTemplate, ...]:
    """Decrypted templates of `model_key` (of one person, or everyone), in storage order."""
    sql = "SELECT person_id, source, quality, nonce, ciphertext FROM templates WHERE model_key=?"
    params: list[object] = [model_key]
    if person_id is not None:
        sql += " AND person_id = ?"
        params.append(person_id)
    out = []
    for pid, source, quality, nonce, ciphertext in store.db.execute(
        sql + " ORDER BY id", params
    ).fetchall():
        vector = vault.open_vector(Sealed(nonce, ciphertext), template_context(int(pid), model_key))
        out.append(StoredTemplate(int(pid), str(source), float(quality), readonly(vector)))
    return tuple(out)


def refresh_mean(store: Store, vault: Vault, person_id: int, model_key: str, now: str) -> None:
    """Recompute a person's mean template from their own captures (2 or more)."""
    own = [
        t.vector
        for t in read_templates(store, vault, model_key, person_id)
        if t.source not in _NOT_IN_MEAN
    ]
    store.db.execute("DELETE FROM templates WHERE person_id = ? AND source = ?", [person_id, MEAN])
    if len(own) >= 2:
        mean = readonly(np.mean(np.stack(own), axis=0))
        insert_template(store, vault, person_id, model_key, NewTemplate(mean, MEAN), now=now)


def insert_photos(
    store: Store, vault: Vault, person_id: int, photos: tuple[bytes, ...], now: str
) -> None:
    """Seal each photo (JPEG bytes) and add its row."""
    for jpeg in photos:
        sealed = vault.seal(jpeg, f"photo:{person_id}")
        store.db.table("photos").insert(
            {"person_id": person_id, "nonce": sealed.nonce, "ciphertext": sealed.ciphertext}
            | {"created_at": now}
        )


def read_photos(store: Store, vault: Vault, person_id: int) -> tuple[bytes, ...]:
    """The person's kept photos (JPEG bytes), decrypted, in storage order."""
    rows = store.db.execute(
        "SELECT nonce, ciphertext FROM photos WHERE person_id = ? ORDER BY id", [person_id]
    ).fetchall()
    return tuple(vault.open(Sealed(n, c), f"photo:{person_id}") for n, c in rows)
