"""`kiosk bench fleet`: sync lag and event throughput of a chain, and a new kiosk's bring-up."""

from __future__ import annotations

import argparse
import dataclasses
import json

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, progress
from kiosk.commands.bench.fleet import bench_fleet
from kiosk.config import KioskConfig


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench fleet` (under `kiosk bench`)."""
    p = verbs.add_parser(
        "fleet",
        help="N kiosks syncing against one PostgreSQL; a new kiosk joining a big chain",
        description="Part 1: N kiosk data dirs, each with the running kiosk's background sync "
        "and a simulated busy shop (a visit, a slate of 3 suggestions and sometimes a tap "
        "every 1/RATE s; an enrolment in 10 percent of visits): sync lag p50/p95 (enrolment "
        "at one kiosk until it is in every other kiosk's database) and events per second "
        "reaching PostgreSQL. Part 2: a chain of P people is copied into PostgreSQL and a new "
        "kiosk joins and syncs in its own process: time and peak memory, then its gallery "
        "build. Without --dsn a throw-away local cluster is started (Debian's server). "
        "Asserts nothing.",
    )
    p.add_argument("--dsn", help="an admin DSN of an empty database (default: a local cluster)")
    p.add_argument("--kiosks", type=int, default=3, help="simulated kiosks (default 3)")
    p.add_argument("--seconds", type=float, default=30.0, help="steady-state run (default 30)")
    p.add_argument("--rate", type=float, default=2.0, help="visits per second per kiosk")
    p.add_argument("--people", type=int, default=100_000, help="chain size for the bring-up")
    p.add_argument("--templates", type=int, default=20, help="templates per person (20)")
    add_json(p)
    p.set_defaults(handler=_cmd_bench_fleet)


def _cmd_bench_fleet(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        report = bench_fleet(
            args.dsn,
            kiosks=args.kiosks,
            seconds=args.seconds,
            rate=args.rate,
            people=args.people,
            per_person=args.templates,
            progress=bar,
        )
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
        return 0
    table = Table("measure", "value", title=f"{report.kiosks} kiosks, one PostgreSQL")
    rows = (
        ("sync lag p50 / p95", f"{report.lag_p50_s:.2f} s / {report.lag_p95_s:.2f} s"),
        ("enrolments measured", str(report.enrolments)),
        ("events in PostgreSQL", f"{report.events:,} ({report.events_per_s:.1f}/s)"),
        (
            "chain for bring-up",
            f"{report.chain_people:,} people, {report.chain_templates:,} "
            f"templates (copied in {report.seed_s:.0f} s)",
        ),
        (
            "new kiosk's first sync",
            f"{report.bringup_s:.0f} s, peak {report.bringup_peak_mb:.0f} MiB",
        ),
        ("its gallery build", f"{report.gallery_build_s:.1f} s"),
    )
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    return 0
