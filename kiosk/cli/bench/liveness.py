"""`kiosk bench liveness [VIDEO ...]`: time to live of real people, pass rate of spoofs."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import (
    Subparsers,
    add_json,
    add_threads,
    progress,
    safe,
    to_json,
    with_threads,
)
from kiosk.commands.bench.liveness import BenchPlan, LivenessBenchReport, collect_photos, liveness
from kiosk.config import KioskConfig
from kiosk.errors import InputError
from kiosk.paths import demo_people_dir
from kiosk.vision.liveness_spoofs import SpoofKind


def register(verbs: Subparsers) -> None:
    """Add `kiosk bench liveness` (under `kiosk bench`)."""
    p = verbs.add_parser(
        "liveness",
        help="time to live on real-person videos; pass rate of generated photo spoofs",
        description="Feed each VIDEO of a live person through the pipeline from a start every "
        "--start-every seconds and print the time from the face's first frame to live. Make "
        "spoofs from --photos (still, moved, tilted, bent, rotated prints, a two-still blink "
        "animation, a screen replay, a noisy print) and print how many went live per kind. "
        "Asserts nothing.",
    )
    p.add_argument("videos", type=Path, nargs="*", metavar="VIDEO", help="real-person videos")
    p.add_argument(
        "--photos",
        type=Path,
        nargs="+",
        help="photos or folders to make spoofs from (default: assets/demo/people)",
    )
    p.add_argument(
        "--kinds",
        default=",".join(SpoofKind),
        help=f"comma-separated spoof kinds (default: all: {','.join(SpoofKind)}); '' for none",
    )
    p.add_argument("--seeds", type=int, default=2, help="variants per photo and kind (default 2)")
    p.add_argument("--fps", type=float, default=15.0, help="spoof frame rate (default 15)")
    p.add_argument("--seconds", type=float, default=6.0, help="spoof length (default 6)")
    p.add_argument("--start-every", type=float, default=1.0, help="video start step, s (default 1)")
    p.add_argument(
        "--max-wait", type=float, default=4.0, help="longest play per start, s (default 4)"
    )
    add_threads(p)
    p.add_argument("--png", type=Path, metavar="OUT", help="chart time to live and pass rates")
    add_json(p)
    p.set_defaults(handler=_cmd_liveness)


def _plan(args: argparse.Namespace) -> BenchPlan:
    try:
        kinds = tuple(SpoofKind(k.strip()) for k in args.kinds.split(",") if k.strip())
    except ValueError as exc:
        raise InputError(f"--kinds: {exc}; expected some of {', '.join(SpoofKind)}") from exc
    if args.seeds < 1 or args.fps <= 0 or args.seconds <= 0:
        raise InputError("--seeds, --fps and --seconds must be positive")
    if args.start_every <= 0 or args.max_wait <= 0:
        raise InputError("--start-every and --max-wait must be positive")
    photos = args.photos or [demo_people_dir()]
    return BenchPlan(
        videos=tuple(args.videos),
        photos=collect_photos(photos) if kinds else (),
        kinds=kinds,
        seeds=args.seeds,
        fps=args.fps,
        seconds=args.seconds,
        start_every_s=args.start_every,
        max_wait_s=args.max_wait,
    )


def _cmd_liveness(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    plan = _plan(args)
    with progress() as bar:
        report = liveness(with_threads(config, args.threads), plan, bar)
    if args.png is not None:
        from kiosk.charts.liveness import liveness_png  # matplotlib only when a chart is asked for

        liveness_png(report.videos, report.kinds, report.target_s, args.png)
    if args.json:
        print(to_json(report))
    else:
        _print_report(report, console, args.png)
    return 0


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def _print_report(report: LivenessBenchReport, console: Console, png: Path | None) -> None:
    if report.videos:
        table = Table("video", "starts", "median s", "p90 s", "max s", f"<= {report.target_s} s")
        table.title = "real people: time from first seen to live"
        for v in report.videos:
            table.add_row(
                safe(Path(v.video).name),
                str(len(v.starts_s)),
                _seconds(v.median_s),
                _seconds(v.p90_s),
                _seconds(v.max_s),
                f"{100 * v.within_target:.0f} %",
            )
        console.print(table)
    if report.kinds:
        table = Table(
            "kind", "runs", "passed", "rate", "parallax", "texture", "deformation", "blinks"
        )
        table.title = "spoofs: sequences that went live (largest cue values, IOD)"
        for k in report.kinds:
            table.add_row(
                k.kind,
                str(k.runs),
                str(k.passed),
                f"{100 * k.rate:.0f} %",
                f"{k.max_parallax:.3f}",
                f"{k.max_texture:.3f}",
                f"{k.max_deformation:.3f}",
                str(k.max_blinks),
            )
        console.print(table)
    for photo in report.photos_without_face:
        console.print(f"no face in {safe(photo)}: no spoofs made from it")
    if png is not None:
        console.print(f"chart: {safe(str(png))}")
    if report.kinds:
        passed = sum(k.passed for k in report.kinds)
        runs = sum(k.runs for k in report.kinds)
        console.print(f"{passed} of {runs} spoof sequences went live")
