"""`kiosk analyze`, `kiosk bench pipeline`: the face pipeline from the command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk import plots
from kiosk.cli import bench_gallery, bench_gui, bench_soak
from kiosk.cli.common import Subparsers, add_json, err, progress, with_threads
from kiosk.commands import analyze, bench, session
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.vision.models import VisionModels


def register(nouns: Subparsers) -> None:
    """Add `kiosk analyze` and `kiosk bench pipeline` (and the gallery and soak benchmarks)."""
    cmd = nouns.add_parser(
        "analyze",
        help="run the face pipeline over an image, a video or a folder",
        description="Print one JSON object per frame or image (faces with box, track id, "
        "identity, emotion, valence, mask, quality; schema: kiosk/schemas/"
        "frame_result.schema.json). A summary goes to stderr.",
    )
    cmd.add_argument("path", type=Path, help="image, video file or folder of images")
    cmd.add_argument(
        "--annotate",
        type=Path,
        metavar="OUT",
        help="also write annotated output: an image, a folder, or a video (.avi or .mp4)",
    )
    add_model_options(cmd)
    cmd.set_defaults(handler=_cmd_analyze)

    bench_cmd = nouns.add_parser(
        "bench", help="measure speed", description="Benchmarks print numbers; they assert nothing."
    )
    verbs = bench_cmd.add_subparsers(title="benchmarks", metavar="VERB", required=True)
    pipeline = verbs.add_parser(
        "pipeline",
        help="per-stage latency, frame rate and memory over a video",
        description="Process every frame of a video once, as fast as possible; print p50/p95 "
        "per stage (detect, landmarks, embed, emotion, mask, whole frame), frames per second "
        "and peak memory.",
    )
    pipeline.add_argument("video", type=Path)
    add_json(pipeline)
    pipeline.add_argument("--png", type=Path, metavar="OUT", help="write a latency histogram")
    add_model_options(pipeline)
    pipeline.set_defaults(handler=_cmd_bench_pipeline)
    bench_gallery.register(verbs)
    bench_soak.register(verbs)
    bench_gui.register(verbs)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """`--threads` and `--enroll`, for commands that run the models."""
    parser.add_argument(
        "--threads", type=int, help="onnxruntime threads per model (default: vision.threads)"
    )
    parser.add_argument(
        "--enroll",
        type=Path,
        metavar="DIR",
        help="recognise the people in DIR/<name>/<photos> (in memory only; default: the "
        "people enrolled in the database, if there is one)",
    )


def open_session(
    args: argparse.Namespace, config: KioskConfig
) -> tuple[KioskConfig, VisionModels, Gallery]:
    """Load the models and a gallery (`--enroll` in memory, else the database's enrolled people,
    else nobody); the caller closes the models."""
    config = with_threads(config, args.threads)
    models = session.load_models(config)
    try:
        if args.enroll is None:
            stored = session.gallery_from_store(config, models)
            if stored is None:
                return config, models, session.empty_gallery(models)
            err.print(f"recognising {len(stored.names)} enrolled people from the database")
            return config, models, stored
        total = session.count_photos(args.enroll) if args.enroll.is_dir() else 0
        with progress() as bar:
            task = bar.add_task("enrolling", total=total)
            report = session.gallery_from_folder(models, args.enroll, lambda _: bar.advance(task))
        err.print(
            f"enrolled {len(report.gallery.names)} people from {report.used} photos; "
            f"no face in {len(report.no_face)}"
        )
        return config, models, report.gallery
    except BaseException:
        models.close()
        raise


def _cmd_analyze(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    config, models, gallery = open_session(args, config)
    try:
        total = analyze.frame_total(args.path)
        with progress() as bar:
            task = bar.add_task("analysing", total=total)
            summary = analyze.run_analyze(
                config,
                models,
                gallery,
                args.path,
                emit=lambda obj: print(json.dumps(obj)),
                annotate_to=args.annotate,
                on_frame=lambda _: bar.advance(task),
            )
    finally:
        models.close()
    sys.stdout.flush()
    who = f"{len(summary.identified)} known people" if summary.identified else "nobody known"
    annotated = f"; annotated: {summary.annotated}" if summary.annotated else ""
    err.print(
        f"{summary.frames} frame(s), {summary.frames_with_faces} with faces, "
        f"{summary.tracks} track(s); recognised {who}{annotated}"
    )
    return 0


def _cmd_bench_pipeline(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    config, models, gallery = open_session(args, config)
    try:
        total = analyze.frame_total(args.video)
        with progress() as bar:
            task = bar.add_task("benchmarking", total=total)
            report = bench.run_bench(
                config, models, gallery, args.video, on_frame=lambda _: bar.advance(task)
            )
    finally:
        models.close()
    if args.png is not None:
        plots.latency_histogram_png(report.samples_ms, args.png)
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
