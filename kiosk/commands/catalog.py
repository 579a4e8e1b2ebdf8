"""`kiosk catalog import|export|list|demo`: the product catalog in the kiosk's database."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import KioskConfig
from kiosk.paths import demo_catalog
from kiosk.store.catalog import Catalog, ImportReport, Product
from kiosk.store.db import open_store


def import_catalog(
    config: KioskConfig, path: Path | None, dry_run: bool = False, show_hidden: bool = False
) -> ImportReport:
    """Validate every row of `path` (None: the demo catalog); import all of them or none.
    Products staff hid stay hidden unless `show_hidden`."""
    with open_store(config.paths.data_dir) as store:
        catalog = Catalog(store)
        return catalog.import_file(path or demo_catalog(), dry_run=dry_run, show_hidden=show_hidden)


def export_catalog(config: KioskConfig, path: Path) -> int:
    """Write every product to CSV or JSON (by suffix); the number written.

    Raises:
        InputError: the file cannot be written or has an unknown suffix.
    """
    with open_store(config.paths.data_dir) as store:
        return Catalog(store).export(path)


def list_products(
    config: KioskConfig, category: str | None = None, search: str | None = None
) -> tuple[Product, ...]:
    """Active products, of one category and/or matching a full-text search."""
    with open_store(config.paths.data_dir) as store:
        catalog = Catalog(store)
        if search:
            return tuple(catalog.search(search, category=category))
        return tuple(catalog.products(category=category))
