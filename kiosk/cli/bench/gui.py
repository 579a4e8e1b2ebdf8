"""`kiosk bench gui`: the shopper screen's display rate and GUI-thread stalls on the demo clip."""

from __future__ import annotations

import argparse

from rich.console import Console

from kiosk.cli.common import Subparsers, add_json, progress, to_json
from kiosk.config import KioskConfig


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench gui`."""
    p = verbs.add_parser(
        "gui",
        help="display frame rate and worst GUI-thread stall over the demo clip",
        description="Runs the shopper screen and the kiosk's shopper session on the demo clip "
        "(offscreen unless a display is set) with a 5 ms event-loop probe; prints frames shown "
        "per second, the GUI thread's time per frame and its longest stall. Asserts nothing.",
    )
    p.add_argument("--seconds", type=float, default=30.0, help="how long to run (default 30)")
    p.add_argument(
        "--size",
        default="1920x1080",
        metavar="WxH",
        help="window size in pixels (default 1920x1080; e.g. 1280x800, 3840x2160, 1080x1920)",
    )
    add_json(p)
    p.set_defaults(handler=_cmd_bench_gui)


def _cmd_bench_gui(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    from kiosk.commands.bench.gui import bench_gui  # Qt only when asked

    with progress() as bar:
        report = bench_gui(config, args.seconds, args.size, bar)
    if args.json:
        print(to_json(report))
        return 0
    console.print(
        f"{report.width}x{report.height}: "
        f"{report.frames_shown} frames shown in {report.seconds:.1f} s: "
        f"{report.display_fps:.1f} frames/s (the clip plays at 15); "
        f"GUI thread per frame p50 {report.handler_p50_ms:.2f} ms, max "
        f"{report.handler_max_ms:.1f} ms; event-loop stall p99 {report.stall_p99_ms:.1f} ms, "
        f"max {report.stall_max_ms:.1f} ms; camera frames dropped {report.frames_dropped}"
    )
    return 0
