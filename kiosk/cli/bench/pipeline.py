"""`kiosk bench pipeline VIDEO`: per-stage latency, frame rate and memory."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_enroll, add_json, add_threads, progress, with_threads
from kiosk.commands.bench.pipeline import (
    BenchReport,
    bench_crowds,
    bench_pipeline,
    default_faces_dir,
)
from kiosk.config import KioskConfig
from kiosk.errors import InputError


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench pipeline`."""
    p = verbs.add_parser(
        "pipeline",
        help="per-stage latency, frame rate and memory over a video",
        description="Process every frame of a video once, as fast as possible; print p50/p95 "
        "per stage (detect, landmarks, embed, emotion, mask, whole frame), the process CPU "
        "time per frame (steadier than wall clock on a busy machine), frames per second and "
        "peak memory. With --faces, do the same on crowd clips with that many faces in view "
        "and print faces against milliseconds.",
    )
    p.add_argument("video", type=Path, nargs="?", help="the video (not needed with --faces)")
    add_json(p)
    p.add_argument(
        "--png",
        type=Path,
        metavar="OUT",
        help="write a latency histogram (with --faces: faces against milliseconds)",
    )
    p.add_argument(
        "--faces",
        metavar="N[,N...]",
        help="benchmark crowd clips with these numbers of faces in view (1-4), e.g. 1,2,3,4",
    )
    p.add_argument(
        "--faces-dir",
        type=Path,
        default=None,
        help="portraits the crowd clips are made of (default: tests/fixtures/faces)",
    )
    p.add_argument(
        "--frames", type=int, metavar="N", help="only the first N frames (e.g. under callgrind)"
    )
    add_threads(p)
    add_enroll(p)
    p.set_defaults(handler=_cmd_bench_pipeline)


def _cmd_bench_pipeline(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    config = with_threads(config, args.threads)
    if args.faces is not None:
        return _crowds(args, config, console)
    if args.video is None:
        raise InputError("expected a VIDEO or --faces N[,N...], got neither")
    with progress() as bar:
        report = bench_pipeline(config, args.video, args.enroll, bar, max_frames=args.frames)
    if args.png is not None:
        from kiosk.charts.vision import latency_histogram_png  # matplotlib only when asked

        latency_histogram_png(report.samples_ms, args.png)
    if args.json:
        print(json.dumps(_plain(report), indent=2))
        return 0
    title = f"{report.video}: {report.frames} frames, {report.threads} thread(s)"
    table = Table("stage", "runs", "p50 ms", "p95 ms", "max ms", title=title)
    for s in [*report.stages, report.cpu, *([report.steady] if report.steady else [])]:
        table.add_row(s.stage, str(s.runs), f"{s.p50_ms:.2f}", f"{s.p95_ms:.2f}", f"{s.max_ms:.2f}")
    console.print(table)
    png = f"; histogram: {args.png}" if args.png else ""
    console.print(
        f"{report.fps:.1f} frames/s over {report.wall_s:.1f} s; "
        f"peak memory {report.peak_rss_mb:.0f} MB{png}"
    )
    return 0


def _crowds(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    try:
        counts = [int(n) for n in str(args.faces).split(",") if n.strip()]
    except ValueError:
        raise InputError(f"--faces expects numbers like 1,2,3,4, got {args.faces!r}") from None
    faces_dir = args.faces_dir or default_faces_dir()
    with progress() as bar:
        reports = bench_crowds(config, counts, args.enroll, faces_dir, bar)
    if args.png is not None:
        from kiosk.charts.vision import faces_vs_ms_png  # matplotlib only when asked

        faces_vs_ms_png({r.faces or 0: r.samples_ms["total"] for r in reports}, args.png)
    if args.json:
        print(json.dumps([_plain(r) for r in reports], indent=2))
        return 0
    title = f"faces in view against milliseconds per frame, {config.vision.threads} thread(s)"
    table = Table(
        "faces",
        "frames",
        "p50 ms",
        "p95 ms",
        "max ms",
        "cpu p50",
        "cpu p95",
        "frames/s",
        title=title,
    )
    for r in reports:
        total = r.stage("total")
        table.add_row(
            str(r.faces),
            str(r.frames),
            f"{total.p50_ms:.1f}",
            f"{total.p95_ms:.1f}",
            f"{total.max_ms:.1f}",
            f"{r.cpu.p50_ms:.1f}",
            f"{r.cpu.p95_ms:.1f}",
            f"{r.fps:.1f}",
        )
    console.print(table)
    if args.png is not None:
        console.print(f"chart: {args.png}")
    return 0


def _plain(report: BenchReport) -> dict[str, Any]:
    data = dataclasses.asdict(report)
    del data["samples_ms"]
    return data
