"""`kiosk catalog import|export|list|demo`: the product catalog in the kiosk database."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, err, safe
from kiosk.commands import catalog
from kiosk.config import KioskConfig
from kiosk.errors import InputError
from kiosk.store.catalog import ImportReport


def register(nouns: Subparsers) -> None:
    """Add `kiosk catalog` and its verbs."""
    cmd = nouns.add_parser(
        "catalog",
        help="import, export, list the product catalog",
        description="The products the kiosk suggests (format: catalog/README.md).",
    )
    verbs = cmd.add_subparsers(title="verbs", metavar="VERB", required=True)
    imp = verbs.add_parser(
        "import",
        help="import products from CSV or JSON (all rows or none)",
        description="Validate every row; if any is bad, print each problem with its line and "
        "import nothing (exit 4). Products already present (same sku) are updated.",
    )
    imp.add_argument("file", type=Path, help="FILE.csv or FILE.json")
    imp.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    imp.add_argument(
        "--show-hidden",
        action="store_true",
        help="show again the products staff hid, when the file lists them as active "
        "(by default they stay hidden)",
    )
    add_json(imp)
    imp.set_defaults(handler=_import)
    exp = verbs.add_parser("export", help="write every product to CSV or JSON (by suffix)")
    exp.add_argument("file", type=Path, help="FILE.csv or FILE.json")
    exp.set_defaults(handler=_cmd_export)
    lst = verbs.add_parser("list", help="list active products")
    lst.add_argument("--category", help="only this category (slug)")
    lst.add_argument("--search", metavar="TEXT", help="full-text search of name, tags, ...")
    add_json(lst)
    lst.set_defaults(handler=_cmd_list)
    demo = verbs.add_parser("demo", help="import the bundled demo catalog (40 products)")
    add_json(demo)
    demo.set_defaults(handler=_import, file=None, dry_run=False, show_hidden=False)


def _import(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = catalog.import_catalog(
        config, args.file, dry_run=args.dry_run, show_hidden=args.show_hidden
    )
    _print_report(report, console, args.json)
    return 0 if report.ok else InputError.exit_code


def _print_report(report: ImportReport, console: Console, as_json: bool) -> None:
    if as_json:
        data = dataclasses.asdict(report)
        data["path"] = str(report.path)
        data["errors"] = [str(e) for e in report.errors]
        print(json.dumps(data, indent=2))
        return
    for error in report.errors:
        err.print(f"[red]{safe(report.path.name)}[/] {safe(str(error))}")
    if not report.ok:
        err.print(f"{len(report.errors)} problem(s) in {report.rows} row(s): nothing imported")
        return
    verb = "would import" if report.dry_run else "imported"
    console.print(f"{verb} {report.rows} product(s): {report.added} new, {report.updated} updated")
    if report.kept_hidden:
        console.print(
            f"{report.kept_hidden} product(s) staff hid stay hidden (--show-hidden shows them)"
        )


def _cmd_export(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    count = catalog.export_catalog(config, args.file)
    console.print(f"exported {count} product(s) to {args.file}")
    return 0


def _cmd_list(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    products = catalog.list_products(config, args.category, args.search)
    if args.json:
        print(json.dumps([dataclasses.asdict(p) for p in products], indent=2))
        return 0
    table = Table("sku", "name", "category", "price", "tags", title=f"{len(products)} product(s)")
    for p in products:
        price = f"{p.price_cents // 100}.{p.price_cents % 100:02d}"
        table.add_row(safe(p.sku), safe(p.name), safe(p.category), price, safe(", ".join(p.tags)))
    console.print(table)
    return 0
