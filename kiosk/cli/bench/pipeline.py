"""`kiosk bench pipeline VIDEO`: per-stage latency, frame rate and memory."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_enroll, add_json, add_threads, progress, with_threads
from kiosk.commands.bench.pipeline import bench_pipeline
from kiosk.config import KioskConfig


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench pipeline`."""
    p = verbs.add_parser(
        "pipeline",
        help="per-stage latency, frame rate and memory over a video",
        description="Process every frame of a video once, as fast as possible; print p50/p95 "
        "per stage (detect, landmarks, embed, emotion, mask, whole frame), frames per second "
        "and peak memory.",
    )
    p.add_argument("video", type=Path)
    add_json(p)
    p.add_argument("--png", type=Path, metavar="OUT", help="write a latency histogram")
    add_threads(p)
    add_enroll(p)
    p.set_defaults(handler=_cmd_bench_pipeline)


def _cmd_bench_pipeline(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        report = bench_pipeline(with_threads(config, args.threads), args.video, args.enroll, bar)
    if args.png is not None:
        from kiosk.charts.vision import latency_histogram_png  # matplotlib only when asked

        latency_histogram_png(report.samples_ms, args.png)
    if args.json:
        data = dataclasses.asdict(report)
        del data["samples_ms"]
        print(json.dumps(data, indent=2))
        return 0
    title = f"{report.video}: {report.frames} frames, {report.threads} thread(s)"
    table = Table("stage", "runs", "p50 ms", "p95 ms", "max ms", title=title)
    for s in [*report.stages, *([report.steady] if report.steady else [])]:
        table.add_row(s.stage, str(s.runs), f"{s.p50_ms:.2f}", f"{s.p95_ms:.2f}", f"{s.max_ms:.2f}")
    console.print(table)
    png = f"; histogram: {args.png}" if args.png else ""
    console.print(
        f"{report.fps:.1f} frames/s over {report.wall_s:.1f} s; "
        f"peak memory {report.peak_rss_mb:.0f} MB{png}"
    )
    return 0
