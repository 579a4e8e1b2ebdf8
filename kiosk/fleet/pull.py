"""Pull: what the chain changed since this kiosk's cursors, opened and applied in batches.

Tombstones come first, in a round of their own, before this kiosk pushes anything. People,
templates, consents, photos and products are then read in one REPEATABLE READ snapshot, so a
template is never seen before its person. Each batch is applied with its cursor in one local
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from kiosk.errors import ChainError
from kiosk.fleet import central
from kiosk.fleet.central import Row
from kiosk.fleet.keys import unpack_template
from kiosk.fleet.local import LocalKiosk
from kiosk.fleet.push import OnBatch
from kiosk.store.chain_records import (
    ChainProduct,
    ConsentOut,
    PersonAttrs,
    PhotoRecord,
    TemplateRecord,
)
from kiosk.store.db import utc_now


@dataclass(frozen=True, slots=True)
class Pulled:
    """Rows that changed this kiosk in one pull."""

    people: int
    templates: int
    consents: int
    photos: int
    products: int


def _cursor(local: LocalKiosk, table: str) -> tuple[int, str]:
    seq, _, key = local.outbox.get(f"cursor:{table}", "0:").partition(":")
    return int(seq), key


def _next(table: str, rows: list[Row]) -> tuple[str, str]:
    return f"cursor:{table}", f"{int(rows[-1][-2])}:{rows[-1][-1]}"


def pull_tombstones(
    conn: psycopg.Connection[Row], local: LocalKiosk, batch: int
) -> tuple[int, int]:
    """Apply the chain's tombstones; returns (how many arrived, people forgotten here)."""
    total = forgotten = 0
    while True:
        with central.translated(), conn.transaction():
            after = _cursor(local, "tombstones")
            rows = central.page(conn, "tombstones", "uid", after, limit=batch)
        if not rows:
            return total, forgotten
        gone = local.inbox.tombstones([str(r[0]) for r in rows], _next("tombstones", rows))
        total += len(rows)
        forgotten += len(gone)


def open_person(local: LocalKiosk, row: Row) -> PersonAttrs:
    """Decode a fleet.people row (uid, sealed, attrs_at, attrs_by, ...)."""
    uid, sealed, at, by = str(row[0]), bytes(row[1]), str(row[2]), str(row[3])
    body = local.sealer.open_json(sealed, "person", uid, at, by)
    if not isinstance(body, dict):
        raise ChainError(f"person {uid} in the chain is malformed")
    return PersonAttrs(
        uid,
        str(body["name"]),
        str(body["preferences"]),
        bool(body["keep_photos"]),
        str(body["created_at"]),
        at,
        by,
    )


def pull_changes(
    conn: psycopg.Connection[Row],
    local: LocalKiosk,
    model_key: str | None,
    batch: int,
    on_batch: OnBatch,
) -> Pulled:
    """Everything but tombstones, from one snapshot of the chain."""
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        with central.translated(), conn.transaction():
            conn.execute("SET TRANSACTION READ ONLY")
            drain = _Drain(conn, local, on_batch, model_key)
            people = drain("people", "uid, sealed, attrs_at, attrs_by", batch)
            templates = drain("templates", "uid, person_uid, model_key, sealed", batch * 4)
            consents = drain("consents", "uid, person_uid, sealed", batch)
            photos = drain("photos", "uid, person_uid, sealed", 20)
            products = drain("products", _PRODUCT_COLUMNS, batch)
    finally:
        conn.isolation_level = None
        local.inbox.refresh_means()
    return Pulled(people, templates, consents, photos, products)


_PRODUCT_COLUMNS = (
    "name, description, category, category_display, price_cents, tags, image, image_name, "
    "active, stores"
)


@dataclass(frozen=True, slots=True)
class _Drain:
    """Pulls one table to its end, batch by batch, applying each batch with its cursor."""

    conn: psycopg.Connection[Row]
    local: LocalKiosk
    on_batch: OnBatch
    model_key: str | None

    def __call__(self, table: str, columns: str, limit: int) -> int:
        key = "sku" if table == "products" else "uid"
        applied = 0
        while rows := central.page(
            self.conn, table, columns, _cursor(self.local, table), limit=limit, key=key
        ):
            applied += _apply(self.local, table, rows, self.model_key)
            self.on_batch(f"pulled {table}", applied)
            if len(rows) < limit:
                break
        return applied


def _apply(local: LocalKiosk, table: str, rows: list[Row], model_key: str | None) -> int:
    cursor = _next(table, rows)
    inbox, sealer = local.inbox, local.sealer
    if table == "people":
        return inbox.people_attrs([open_person(local, r) for r in rows], cursor).applied
    if table == "templates":
        records = []
        for uid, person, key, sealed, *_ in rows:
            source, quality, vector = unpack_template(
                sealer.open(bytes(sealed), "template", uid, person, key)
            )
            records.append(TemplateRecord(uid, person, key, source, quality, vector))
        return inbox.templates(records, model_key, cursor).applied
    if table == "consents":
        consents = []
        for uid, person, sealed, *_ in rows:
            body = sealer.open_json(bytes(sealed), "consent", uid, person)
            if not isinstance(body, list) or len(body) != 5:
                raise ChainError(f"consent {uid} in the chain is malformed")
            consents.append(ConsentOut(uid, person, *body))
        return inbox.consents(consents, cursor).applied
    if table == "photos":
        now = utc_now()
        photos = [
            PhotoRecord(uid, person, sealer.open(bytes(sealed), "photo", uid, person), now)
            for uid, person, sealed, *_ in rows
        ]
        return inbox.photos(photos, cursor).applied
    store = local.member.store_name
    products = [
        ChainProduct(
            sku=r[-1],
            name=r[0],
            description=r[1],
            category=r[2],
            category_display=r[3],
            price_cents=int(r[4]),
            tags=tuple(str(t) for t in r[5].split(";") if t),
            image_bytes=bytes(r[6]),
            image_name=r[7],
            active=bool(r[8]),
            visible=r[9] is None or store in r[9],
        )
        for r in rows
    ]
    return inbox.products(products, cursor).applied
