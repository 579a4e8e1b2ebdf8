"""`kiosk bench gallery`: 1:N search speed and memory at large gallery sizes."""

from __future__ import annotations

import argparse
import dataclasses
import json

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, progress
from kiosk.commands import gallery_bench
from kiosk.config import KioskConfig
from kiosk.errors import InputError


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench gallery` (under `kiosk bench`)."""
    p = verbs.add_parser(
        "gallery",
        help="1:N search speed and memory for large galleries (synthetic templates)",
        description="Random float32 templates for N people x T templates; time Gallery.nearest "
        "(p50/p95 ms per query) and report the matrix's memory. Asserts nothing.",
    )
    p.add_argument(
        "--people",
        type=int,
        nargs="+",
        action="extend",
        metavar="N",
        help="gallery sizes in people, repeatable (default: 1000 10000 100000)",
    )
    p.add_argument("--templates", type=int, default=20, help="templates per person (default 20)")
    p.add_argument("--queries", type=int, default=100, help="queries per size (default 100)")
    add_json(p)
    p.set_defaults(handler=_cmd_bench)


def _cmd_bench(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    sizes = args.people or list(gallery_bench.DEFAULT_PEOPLE)
    if min(sizes) < 1 or args.templates < 1 or args.queries < 1:
        raise InputError("--people, --templates and --queries must be at least 1")
    with progress() as bar:
        task = bar.add_task("benchmarking", total=len(sizes))
        rows = gallery_bench.run_gallery_bench(
            sizes, args.templates, args.queries, on_size=lambda _: bar.advance(task)
        )
    if args.json:
        print(json.dumps({"sizes": [dataclasses.asdict(r) for r in rows]}, indent=2))
        return 0
    table = Table("people", "templates", "p50 ms", "p95 ms", "matrix MiB", title="1:N search")
    for r in rows:
        table.add_row(
            f"{r.people:,}",
            f"{r.templates:,}",
            f"{r.p50_ms:.2f}",
            f"{r.p95_ms:.2f}",
            f"{r.matrix_mb:.1f}",
        )
    console.print(table)
    return 0
