"""Catalog export: every product as CSV or JSON in the import format (images beside it)."""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.catalog_rows import COLUMNS
from kiosk.core.untrusted import defuse_formula
from kiosk.errors import InputError

if TYPE_CHECKING:
    from kiosk.store.catalog import Product

log = logging.getLogger(__name__)


def write_export(products: Sequence[Product], display: Mapping[str, str], path: Path) -> int:
    """Write `products` to `path` (CSV or JSON by suffix); returns the count.

    Raises:
        InputError: the file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        records = [_export_record(p, display[p.category], path) for p in products]
        if path.suffix.lower() == ".json":
            text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
        else:
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
            writer.writeheader()
            for record in records:
                row = {**record, "tags": ";".join(record["tags"])}
                writer.writerow({k: defuse_formula(v) for k, v in row.items()})
            text = buffer.getvalue()
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(records)


def _export_image(image_path: str, sku: str, export: Path) -> str:
    """The product image as a path relative to the export's folder, copying it there first
    when it lives elsewhere (a path with `..` would not import again)."""
    if not image_path:
        return ""
    source, base = Path(image_path), export.parent.resolve()
    if not source.is_file():
        log.warning("product %s: image %s is gone; exported without it", sku, source.name)
        return ""
    if source.resolve().is_relative_to(base):
        return source.resolve().relative_to(base).as_posix()
    folder = base / f"{export.stem}_images"
    folder.mkdir(exist_ok=True)
    copy = folder / f"{sku}{source.suffix.lower()}"
    shutil.copyfile(source, copy)
    return copy.relative_to(base).as_posix()


def _export_record(product: Product, display: str, export: Path) -> dict[str, Any]:
    image = _export_image(product.image_path, product.sku, export) if product.image_path else ""
    return {
        "sku": product.sku,
        "name": product.name,
        "category": product.category,
        "price": _amount(product.price_cents),
        "description": product.description,
        "category_display": display,
        "tags": list(product.tags),
        "image": image,
        "active": product.active,
        "was_price": _amount(product.was_price_cents) if product.on_offer else "",
        "location": product.location,
        "added": product.added,
    }


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
