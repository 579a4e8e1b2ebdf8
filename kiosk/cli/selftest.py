"""`kiosk --self-test`: print what the installation self-test found (a flag, not a command)."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import err
from kiosk.commands.selftest import SelfTestReport, run_self_test
from kiosk.config import KioskConfig

_MARK = {True: "[green]PASS[/]", False: "[red]FAIL[/]", None: "[yellow]SKIP[/]"}


def cmd_self_test(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    """Run the self-test; exit 0 when every step passed, else 1."""
    err.print("self-test: models, demo people, demo clip, suggestions, GUI offscreen…")
    report = run_self_test(config)
    print_report(report, console)
    return 0 if report.ok else 1


def print_report(report: SelfTestReport, console: Console) -> None:
    """One row per step, then the verdict."""
    console.print(f"[bold]Resources[/] {report.resource_root}")
    console.print(f"[bold]Data dir[/]  {report.data_dir}")
    table = Table("step", "result", "s", "detail", title="Self-test")
    for check in report.checks:
        table.add_row(check.name, _MARK[check.ok], f"{check.seconds:.1f}", check.detail)
    console.print(table)
    if report.ok:
        console.print("[green]self-test passed[/]")
    else:
        failed = [c.name for c in report.checks if c.ok is not True]
        console.print(f"[red]self-test failed:[/] {', '.join(failed)}")
