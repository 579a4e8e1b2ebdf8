"""`kiosk bench soak VIDEO --minutes M`: the kiosk's frame loop for a long time; memory."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, add_threads, err, to_json, with_threads
from kiosk.commands.bench.soak import SoakReport, SoakSample, soak
from kiosk.config import KioskConfig


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench soak`."""
    p = verbs.add_parser(
        "soak",
        help="loop a video through the pipeline and the shopper session; memory and frame time",
        description="Loop VIDEO through the pipeline and the kiosk's shopper session (visits, "
        "liveness gate, suggestions) on a scratch database with the demo catalog and the "
        "enrolled people for --minutes, as fast as possible. Prints resident memory and frame "
        "time per interval, frame-time percentiles, errors, and memory growth after the first "
        "interval (warm-up). Asserts nothing.",
    )
    p.add_argument("video", type=Path)
    p.add_argument("--minutes", type=float, default=30.0, help="how long to run (default 30)")
    p.add_argument(
        "--interval", type=float, default=60.0, help="seconds between samples (default 60)"
    )
    p.add_argument(
        "--enroll",
        type=Path,
        metavar="DIR",
        help="recognise the people in DIR/<name>/<photos> (default: the demo people)",
    )
    p.add_argument("--catalog", type=Path, help="catalog to import (default: the demo catalog)")
    add_threads(p)
    p.add_argument("--png", type=Path, metavar="OUT", help="chart memory and frame time")
    add_json(p)
    p.set_defaults(handler=_cmd_soak)


def _print_sample(sample: SoakSample) -> None:
    err.print(
        f"{sample.elapsed_s / 60:6.1f} min  RSS {sample.rss_mb:7.1f} MiB  "
        f"{sample.frames:6d} frames  p50 {sample.p50_ms:6.1f} ms  p95 {sample.p95_ms:6.1f} ms  "
        f"errors {sample.errors}"
    )


def _cmd_soak(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = soak(
        with_threads(config, args.threads),
        args.video,
        minutes=args.minutes,
        interval_s=args.interval,
        enroll=args.enroll,
        catalog=args.catalog,
        on_sample=_print_sample,
    )
    if args.png is not None:
        from kiosk.charts.soak import soak_png  # matplotlib only when a chart is asked for

        title = (
            f"{Path(report.video).name}: {report.frames:,} frames in {report.wall_s / 60:.1f} "
            f"min; growth after warm-up {report.growth_after_warmup_mb:+.1f} MiB"
        )
        soak_png(report.samples, title, report.rss_warm_mb, args.png)
    if args.json:
        print(to_json(report))
    else:
        _print_report(report, console, args.png)
    return 0


def _print_report(report: SoakReport, console: Console, png: Path | None) -> None:
    table = Table("minute", "RSS MiB", "frames", "p50 ms", "p95 ms", "errors", title=report.video)
    for s in report.samples:
        table.add_row(
            f"{s.elapsed_s / 60:.1f}",
            f"{s.rss_mb:.1f}",
            str(s.frames),
            f"{s.p50_ms:.1f}",
            f"{s.p95_ms:.1f}",
            str(s.errors),
        )
    console.print(table)
    console.print(
        f"{report.frames:,} frames ({report.loops:.1f} loops) in {report.wall_s / 60:.1f} min; "
        f"frame ms p50 {report.p50_ms:.1f}, p95 {report.p95_ms:.1f}, p99 {report.p99_ms:.1f}, "
        f"max {report.max_ms:.1f}; {report.slates} slates, {report.taps} taps, "
        f"{report.visits} visits; {report.identified:,} frames with an enrolled person"
    )
    console.print(
        f"memory: {report.rss_start_mb:.1f} MiB at start, {report.rss_warm_mb:.1f} after "
        f"warm-up, {report.rss_end_mb:.1f} at end: growth {report.growth_after_warmup_mb:+.1f} "
        f"MiB (peak {report.peak_rss_mb:.1f})"
    )
    console.print(f"errors: {report.errors}" + "".join(f"\n  {m}" for m in report.first_errors))
    if png is not None:
        console.print(f"chart: {png}")
