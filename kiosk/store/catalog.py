"""The product catalog: import (validated, all or nothing), export, list, search, (de)activate.

Import is an upsert by SKU: a product already in the catalog is updated, a new one is added,
and products the file does not mention are left alone. A product staff hid stays hidden when
the file is imported again, unless the import is asked to show hidden products again. Image
paths in a file are relative to that file; the database stores them resolved (absolute).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.catalog_rows import (
    ProductRow,
    RawRow,
    RowError,
    parse_csv,
    parse_json,
    validate_rows,
)
from kiosk.errors import InputError
from kiosk.store.catalog_export import write_export
from kiosk.store.db import Store


@dataclass(frozen=True, slots=True)
class Product:
    """A product as stored. `image_path` is absolute ("" when there is none).

    Attributes:
        was_price_cents: the price before an offer (0: not on offer).
        location: where it is in the store ("" when not given).
        added: the day it arrived, YYYY-MM-DD ("" when not given).
    """

    sku: str
    name: str
    description: str
    category: str
    price_cents: int
    tags: tuple[str, ...]
    image_path: str
    active: bool
    was_price_cents: int = 0
    location: str = ""
    added: str = ""

    @property
    def on_offer(self) -> bool:
        """Cheaper than it was."""
        return self.was_price_cents > self.price_cents


@dataclass(frozen=True, slots=True)
class Category:
    """A product category: slug `name`, what the shopper reads, and its sort position."""

    name: str
    display_name: str
    sort: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, with `dry_run` or errors, would have done: nothing was written).

    Attributes:
        kept_hidden: products the file lists as shown that staff hid; they stay hidden unless
            the import was asked to show hidden products again.
    """

    path: Path
    rows: int
    added: int
    updated: int
    errors: tuple[RowError, ...]
    dry_run: bool
    kept_hidden: int = 0

    @property
    def ok(self) -> bool:
        """True when every row was valid."""
        return not self.errors


class Catalog:
    """Products and categories in the kiosk database."""

    def __init__(self, store: Store) -> None:
        """Use the open `store` (the caller closes it)."""
        self._store = store

    def import_file(
        self, path: Path, dry_run: bool = False, show_hidden: bool = False
    ) -> ImportReport:
        """Validate a CSV or JSON catalog file and, if every row is valid, write it all.

        Args:
            path: ``*.csv`` or ``*.json``; image paths inside are relative to its folder.
            dry_run: validate only.
            show_hidden: products staff hid are shown again when the file says so (by default
                they stay hidden).

        Returns:
            The report; when it has errors, nothing was written.

        Raises:
            InputError: the file cannot be read, has the wrong suffix, or is not CSV/JSON at all.
        """
        raw = read_raw_rows(path)
        validation = validate_rows(raw)
        errors = list(validation.errors)
        for row in validation.rows:
            if row.image and not (path.parent / row.image).is_file():
                errors.append(RowError(row.line, "image", f"file {row.image} does not exist"))
        errors.sort(key=lambda e: e.line)
        rows = self._store.db.execute("SELECT sku, active FROM products").fetchall()
        existing = {str(r[0]): bool(r[1]) for r in rows}
        updated = sum(1 for r in validation.rows if r.sku in existing)
        hidden = {r.sku for r in validation.rows if r.active and existing.get(r.sku) is False}
        report = ImportReport(
            path=path,
            rows=len(raw),
            added=len(validation.rows) - updated,
            updated=updated,
            errors=tuple(errors),
            dry_run=dry_run,
            kept_hidden=0 if show_hidden else len(hidden),
        )
        if report.ok and not dry_run:
            keep = frozenset() if show_hidden else frozenset(hidden)
            self._write(validation.rows, path.parent, keep)
        return report

    def _write(self, rows: tuple[ProductRow, ...], base: Path, keep_hidden: frozenset[str]) -> None:
        with self._store.atomic() as db:
            sort = int(db.execute("SELECT count(*) FROM categories").fetchone()[0])
            for row in rows:
                if db.execute("SELECT 1 FROM categories WHERE name = ?", [row.category]).fetchone():
                    db.execute(
                        "UPDATE categories SET display_name = ? WHERE name = ?",
                        [row.category_display, row.category],
                    )
                else:
                    db.table("categories").insert(
                        {"name": row.category, "display_name": row.category_display, "sort": sort}
                    )
                    sort += 1
                db.table("products").upsert(
                    {
                        "sku": row.sku,
                        "name": row.name,
                        "description": row.description,
                        "category": row.category,
                        "price_cents": row.price_cents,
                        "tags": json.dumps(list(row.tags)),
                        "image_path": str((base / row.image).resolve()) if row.image else "",
                        "active": int(row.active and row.sku not in keep_hidden),
                        "was_price_cents": row.was_price_cents,
                        "location": row.location,
                        "added": row.added,
                    },
                    pk="sku",
                )

    def export(self, path: Path) -> int:
        """Write every product (active or not) as CSV or JSON by suffix; returns the count.

        Image paths are written relative to `path`'s folder, so the file imports again (images
        outside that folder are copied into `<stem>_images/` beside it). In CSV, a text cell
        that a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+`, `-`, `@`) is written
        with a leading apostrophe, which the import removes again.

        Raises:
            InputError: unknown suffix, or the file cannot be written.
        """
        suffix = path.suffix.lower()
        if suffix not in {".json", ".csv"}:
            raise InputError(f"export file must end in .csv or .json, got {path.name}")
        names = {c.name: c.display_name for c in self.categories()}
        return write_export(self.products(active_only=False), names, path)

    def products(
        self, category: str | None = None, active_only: bool = True
    ) -> tuple[Product, ...]:
        """Products sorted by category order then name, optionally one category only."""
        sql = "SELECT p.* FROM products p JOIN categories c ON c.name = p.category WHERE 1"
        args: list[Any] = []
        if category is not None:
            sql += " AND p.category = ?"
            args.append(category)
        if active_only:
            sql += " AND p.active = 1"
        sql += " ORDER BY c.sort, p.name"
        return tuple(_product(r) for r in self._store.db.query(sql, args))

    def search(
        self,
        text: str,
        category: str | None = None,
        limit: int = 50,
        include_hidden: bool = False,
    ) -> tuple[Product, ...]:
        """Full-text search over name, description, tags and category (best match first).

        Every word must match (as a prefix); FTS operators in `text` are treated as words.
        Hidden products are found only with `include_hidden` (staff looking for one to show).
        """
        words = [w.replace('"', "") for w in text.split() if w.replace('"', "")]
        if not words:
            return self.products(category, active_only=not include_hidden)
        query = " ".join(f'"{w}"*' for w in words)
        where, args = ("1" if include_hidden else "active = 1"), []
        if category is not None:
            where += " AND category = ?"
            args.append(category)
        rows = self._store.db.table("products").search(
            query, where=where, where_args=args, limit=limit
        )
        return tuple(_product(r) for r in rows)

    def get(self, sku: str) -> Product | None:
        """The product with `sku`, active or not, or None."""
        rows = list(self._store.db.query("SELECT * FROM products WHERE sku = ?", [sku]))
        return _product(rows[0]) if rows else None

    def set_active(self, sku: str, active: bool) -> None:
        """Show (`active`) or hide a product from suggestions.

        Raises:
            InputError: there is no product `sku`.
        """
        with self._store.atomic() as db:
            cursor = db.execute("UPDATE products SET active = ? WHERE sku = ?", [int(active), sku])
            if cursor.rowcount == 0:
                raise InputError(f"there is no product with sku {sku!r}")

    def categories(self) -> tuple[Category, ...]:
        """All categories in display order."""
        rows = self._store.db.query("SELECT * FROM categories ORDER BY sort, name")
        return tuple(Category(r["name"], r["display_name"], int(r["sort"])) for r in rows)


def read_raw_rows(path: Path) -> tuple[RawRow, ...]:
    """The records of a catalog file (not yet validated).

    Raises:
        InputError: unreadable, wrong suffix, or malformed as a whole (with the line).
    """
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise InputError(f"catalog file must end in .csv or .json, got {path.name}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read catalog {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"catalog {path} is not UTF-8 text: {exc.reason}") from exc
    try:
        return parse_csv(text) if suffix == ".csv" else parse_json(text)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from exc


def _product(row: dict[str, Any]) -> Product:
    return Product(
        sku=row["sku"],
        name=row["name"],
        description=row["description"],
        category=row["category"],
        price_cents=int(row["price_cents"]),
        tags=tuple(json.loads(row["tags"])),
        image_path=row["image_path"],
        active=bool(row["active"]),
        was_price_cents=int(row.get("was_price_cents") or 0),
        location=str(row.get("location") or ""),
        added=str(row.get("added") or ""),
    )
