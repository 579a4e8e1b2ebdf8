"""Apply what arrived from the chain to a kiosk's database, each batch in one transaction.

Every batch also moves its cursor in the same transaction, so a kill or a lost server in the
middle leaves either the whole batch and its cursor, or neither. Rows are keyed by their uid:
applying a batch twice changes nothing. People with a tombstone are never (re)created, and
templates of another embedding model than this kiosk's are never mixed in.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.chain import ChainOutbox
from kiosk.store.chain_records import (
    ChainProduct,
    ConsentOut,
    PersonAttrs,
    PhotoRecord,
    TemplateRecord,
)
from kiosk.store.db import utc_now
from kiosk.store.forget import add_tombstones, forget_tombstoned
from kiosk.store.people import PeopleStore
from kiosk.store.sealed_rows import template_context

log = logging.getLogger(__name__)
CATALOG_IMAGES = "catalog-images"


@dataclass(frozen=True, slots=True)
class Applied:
    """How many rows of a batch changed this kiosk (the rest it already had, or refused)."""

    applied: int
    skipped: int


class ChainInbox:
    """Writes pulled rows into the kiosk database (through `PeopleStore` for sealing)."""

    def __init__(self, people: PeopleStore, outbox: ChainOutbox) -> None:
        self.people = people
        self.outbox = outbox
        self.store = people.store
        self.stale_means: dict[int, str] = {}

    def tombstones(self, uids: Sequence[str], cursor: tuple[str, str]) -> tuple[int, ...]:
        """Record tombstones and forget whoever they name; returns the local ids forgotten."""
        with self.store.atomic():
            add_tombstones(self.store, frozenset(uids), pushed=True)
            self.outbox.put(*cursor)
        return forget_tombstoned(self.store, "chain")

    def people_attrs(self, rows: Sequence[PersonAttrs], cursor: tuple[str, str] | None) -> Applied:
        """Create or update people (last writer wins); tombstoned uids are refused."""
        applied = 0
        with self.store.atomic() as db:
            for attrs in rows:
                if self.people.is_forgotten(attrs.uid):
                    continue
                local = self._local_attrs(attrs.uid)
                if local is None:
                    self._insert_person(attrs)
                elif attrs.newer_than(local[1]):
                    db.execute(
                        "UPDATE people SET display_name = ?, preferences = ?, keep_photos = ?, "
                        "attrs_at = ?, attrs_by = ?, updated_at = ? WHERE id = ?",
                        [
                            attrs.name,
                            attrs.preferences_json,
                            int(attrs.keep_photos),
                            attrs.attrs_at,
                            attrs.attrs_by,
                            utc_now(),
                            local[0],
                        ],
                    )
                    db.execute("UPDATE people SET pushed_rev = rev WHERE id = ?", [local[0]])
                else:
                    continue
                applied += 1
            if cursor is not None:
                self.outbox.put(*cursor)
        return Applied(applied, len(rows) - applied)

    def _local_attrs(self, uid: str) -> tuple[int, PersonAttrs] | None:
        row = self.store.db.execute(
            "SELECT id, display_name, preferences, keep_photos, created_at, attrs_at, attrs_by "
            "FROM people WHERE uid = ?",
            [uid],
        ).fetchone()
        if row is None:
            return None
        mine = self.outbox.membership()
        by = row[6] or (mine.kiosk_id if mine else "")
        return int(row[0]), PersonAttrs(uid, row[1], row[2], bool(row[3]), row[4], row[5], by)

    def _insert_person(self, attrs: PersonAttrs) -> None:
        now = utc_now()
        db = self.store.db
        db.execute(
            "INSERT INTO people (uid, display_name, preferences, keep_photos, created_at, "
            "updated_at, attrs_at, attrs_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                attrs.uid,
                attrs.name,
                attrs.preferences_json,
                int(attrs.keep_photos),
                attrs.created_at or now,
                now,
                attrs.attrs_at,
                attrs.attrs_by,
            ],
        )
        db.execute("UPDATE people SET pushed_rev = rev WHERE uid = ?", [attrs.uid])

    def templates(
        self, rows: Sequence[TemplateRecord], model_key: str | None, cursor: tuple[str, str]
    ) -> Applied:
        """Add templates (sealed with this kiosk's key); their people's means wait for
        `refresh_means` (a person's templates may span several batches)."""
        if model_key is None:
            row = self.store.db.execute("SELECT model_key FROM templates LIMIT 1").fetchone()
            model_key = None if row is None else str(row[0])
        ids: dict[str, int | None] = {}
        now = utc_now()
        values = []
        for t in rows:
            if t.person_uid not in ids:
                ids[t.person_uid] = self.people.find_by_uid(t.person_uid)
            person_id = ids[t.person_uid]
            if person_id is None or (model_key is not None and t.model_key != model_key):
                continue  # forgotten, or another embedding model: never mixed in
            model_key = t.model_key
            sealed = self.people.vault.seal_vector(t.vector, template_context(person_id, model_key))
            values.append(
                (
                    person_id,
                    model_key,
                    sealed.nonce,
                    sealed.ciphertext,
                    t.quality,
                    t.source,
                    now,
                    t.uid,
                )
            )
        with self.store.atomic() as db:
            cursor_ = db.conn.executemany(
                "INSERT OR IGNORE INTO templates (person_id, model_key, nonce, ciphertext, "
                "quality, source, created_at, uid, synced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                values,
            )
            applied = max(int(cursor_.rowcount), 0)  # ignored: already here
            self.outbox.put(*cursor)
        self.stale_means.update({v[0]: str(v[1]) for v in values})
        return Applied(applied, len(rows) - applied)

    def refresh_means(self, batch: int = 500) -> int:
        """Recompute the mean template of every person whose templates arrived."""
        pending = list(self.stale_means.items())
        for start in range(0, len(pending), batch):
            with self.store.atomic():
                now = utc_now()
                for person_id, key in pending[start : start + batch]:
                    if self.people.store.db.execute(
                        "SELECT 1 FROM people WHERE id = ?", [person_id]
                    ).fetchone():
                        self.people.refresh_mean(person_id, key, now)
        self.stale_means.clear()
        return len(pending)

    def consents(self, rows: Sequence[ConsentOut], cursor: tuple[str, str]) -> Applied:
        """Add consent records of known people."""
        applied = 0
        with self.store.atomic() as db:
            for c in rows:
                person_id = self.people.find_by_uid(c.person_uid)
                if person_id is None or self._has("consents", c.uid):
                    continue
                db.execute(
                    "INSERT INTO consents (person_id, scope, staff, method, given_at, "
                    "withdrawn_at, uid, synced) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                    [person_id, c.scope, c.staff, c.method, c.given_at, c.withdrawn_at, c.uid],
                )
                applied += 1
            self.outbox.put(*cursor)
        return Applied(applied, len(rows) - applied)

    def photos(self, rows: Sequence[PhotoRecord], cursor: tuple[str, str]) -> Applied:
        """Add kept photos of people who keep photos here (sealed with this kiosk's key)."""
        applied = 0
        with self.store.atomic() as db:
            for f in rows:
                person_id = self.people.find_by_uid(f.person_uid)
                if person_id is None or self._has("photos", f.uid):
                    continue
                if not self.people.summary(person_id).keep_photos:
                    continue
                sealed = self.people.vault.seal(f.jpeg, f"photo:{person_id}")
                db.execute(
                    "INSERT INTO photos (person_id, nonce, ciphertext, created_at, uid, synced) "
                    "VALUES (?, ?, ?, ?, ?, 1)",
                    [person_id, sealed.nonce, sealed.ciphertext, f.created_at, f.uid],
                )
                applied += 1
            self.outbox.put(*cursor)
        return Applied(applied, len(rows) - applied)

    def products(self, rows: Sequence[ChainProduct], cursor: tuple[str, str]) -> Applied:
        """Upsert centrally managed products; hidden in this store: kept inactive."""
        folder = self.store.path.parent / CATALOG_IMAGES
        with self.store.atomic() as db:
            for p in rows:
                self._category(p)
                image = _write_image(folder, p) if p.image_bytes else ""
                db.execute(
                    "INSERT INTO products (sku, name, description, category, price_cents, tags, "
                    "image_path, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sku) DO "
                    "UPDATE SET name = excluded.name, description = excluded.description, "
                    "category = excluded.category, price_cents = excluded.price_cents, "
                    "tags = excluded.tags, image_path = excluded.image_path, "
                    "active = excluded.active",
                    [
                        p.sku,
                        p.name,
                        p.description,
                        p.category,
                        p.price_cents,
                        json.dumps(list(p.tags)),
                        image,
                        int(p.active and p.visible),
                    ],
                )
            self.outbox.put(*cursor)
        return Applied(len(rows), 0)

    def _category(self, p: ChainProduct) -> None:
        db = self.store.db
        if db.execute("SELECT 1 FROM categories WHERE name = ?", [p.category]).fetchone():
            db.execute(
                "UPDATE categories SET display_name = ? WHERE name = ?",
                [p.category_display, p.category],
            )
        else:
            sort = int(db.execute("SELECT count(*) FROM categories").fetchone()[0])
            db.execute(
                "INSERT INTO categories (name, display_name, sort) VALUES (?, ?, ?)",
                [p.category, p.category_display, sort],
            )

    def _has(self, table: str, uid: str) -> bool:
        found = self.store.db.execute(f"SELECT 1 FROM {table} WHERE uid = ?", [uid]).fetchone()
        return found is not None


def _write_image(folder: Path, product: ChainProduct) -> str:
    """Write a product image under its content hash (idempotent); returns its absolute path."""
    suffix = Path(product.image_name).suffix.lower() or ".jpg"
    path = folder / (hashlib.sha256(product.image_bytes).hexdigest()[:32] + suffix)
    if not path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(product.image_bytes)
        tmp.replace(path)
    return str(path.resolve())
