"""`kiosk bench gallery`: 1:N search speed and memory at large gallery sizes."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, progress, to_json
from kiosk.commands.bench.gallery import DEFAULT_PEOPLE, bench_gallery
from kiosk.config import KioskConfig


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench gallery`."""
    p = verbs.add_parser(
        "gallery",
        help="1:N search speed and memory for large galleries (synthetic templates)",
        description="Synthetic people (N x T float32 templates around a centre per person); "
        "time Gallery.nearest (p50/p95 ms per query), report the memory of what is searched, "
        "and compare every answer with an exact float32 search (recall of genuine probes, "
        "agreement of accept/unknown decisions at 0.6, largest distance error). Galleries past "
        "200,000 templates use the compact index. Asserts nothing.",
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
    p.set_defaults(handler=_cmd_bench_gallery)


def _cmd_bench_gallery(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        rows = bench_gallery(args.people or list(DEFAULT_PEOPLE), args.templates, args.queries, bar)
    if args.json:
        print(to_json({"sizes": rows}))
        return 0
    table = Table(
        "people",
        "templates",
        "mode",
        "p50 ms",
        "p95 ms",
        "MiB",
        "build s",
        "recall",
        "decisions",
        "max err",
        "RSS +MiB",
        "peak RSS MiB",
        title="1:N search",
    )
    for r in rows:
        table.add_row(
            f"{r.people:,}",
            f"{r.templates:,}",
            r.mode,
            f"{r.p50_ms:.2f}",
            f"{r.p95_ms:.2f}",
            f"{r.matrix_mb:.1f}",
            f"{r.build_s:.1f}",
            f"{r.recall:.1%}",
            f"{r.decisions_agree:.1%}",
            f"{r.max_error:.4f}",
            f"{r.rss_growth_mb:.0f}",
            f"{r.peak_rss_mb:.0f}",
        )
    console.print(table)
    return 0
