"""`kiosk doctor`."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json
from kiosk.commands.doctor import DoctorReport, run_doctor
from kiosk.config import KioskConfig


def register(nouns: Subparsers) -> None:
    """Add `kiosk doctor`."""
    doctor = nouns.add_parser(
        "doctor",
        help="check versions, camera, data directory and every model",
        description="Check that everything the kiosk needs is here and works. Exits 1 if the "
        "kiosk could not run (a missing camera alone is not fatal: demo mode needs none).",
    )
    add_json(doctor)
    doctor.set_defaults(handler=_cmd_doctor)


def _cmd_doctor(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = run_doctor(config)
    if args.json:
        print(json.dumps(dataclasses.asdict(report) | {"ok": report.ok}, indent=2, default=str))
    else:
        _print_doctor(report, console)
    return 0 if report.ok else 1


def _print_doctor(report: DoctorReport, console: Console) -> None:
    console.print("[bold]Versions[/]  " + "  ".join(f"{n} {v}" for n, v in report.versions))
    mark = {True: "[green]OK[/]", False: "[red]FAIL[/]"}
    console.print(
        f"[bold]Data dir[/]  {report.data_dir.path}  {mark[report.data_dir.writable]} "
        f"({report.data_dir.detail})"
    )
    _print_data(report, console)
    camera = "[green]available[/]" if report.camera.available else "[yellow]not available[/]"
    console.print(f"[bold]Camera[/]    {report.camera.source!r} {camera} ({report.camera.detail})")
    if report.manifest_error:
        console.print(f"[bold]Models[/]    {mark[False]} {report.manifest_error}")
    else:
        table = Table("model", "file", "status", "load ms", "median ms", title="Models")
        for check in report.models:
            median = "-" if check.median_ms is None else f"{check.median_ms:.2f}"
            table.add_row(
                check.key, Path(check.file).name, mark[check.ok], f"{check.load_ms:.0f}", median
            )
        console.print(table)
        for check in report.models:
            if check.error:
                console.print(f"[red]{check.key}:[/] {check.error}")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if not report.ok:
        console.print("[red]kiosk cannot run: see FAIL above[/]")
    elif report.warnings:
        console.print(f"[yellow]kiosk can run, with {len(report.warnings)} warning(s) above[/]")
    else:
        console.print("[green]kiosk ready[/]")


def _print_data(report: DoctorReport, console: Console) -> None:
    mark = {True: "[green]OK[/]", False: "[red]FAIL[/]"}
    db, key = report.data.database, report.data.key
    if db is None:
        console.print("[bold]Database[/]  none yet (created on first use)")
        return
    detail = f"schema {db.schema_version}" if db.ok else "; ".join(db.problems[:3])
    console.print(f"[bold]Database[/]  {db.path}  {mark[db.ok]} ({detail})")
    if not db.ok:
        console.print("          restore a backup: kiosk backup list / kiosk backup restore FILE")
    if key is not None:
        console.print(f"[bold]Key[/]       {mark[key.ok]} ({key.detail})")
