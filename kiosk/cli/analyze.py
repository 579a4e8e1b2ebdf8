"""`kiosk analyze PATH`: the face pipeline over an image, a video or a folder of images."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console

from kiosk.cli.common import Subparsers, add_enroll, add_threads, err, progress, with_threads
from kiosk.commands.analyze import analyze
from kiosk.config import KioskConfig


def register(nouns: Subparsers) -> None:
    """Add `kiosk analyze`."""
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
    add_threads(cmd)
    add_enroll(cmd)
    cmd.set_defaults(handler=_cmd_analyze)


def _cmd_analyze(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    with progress() as bar:
        summary = analyze(
            with_threads(config, args.threads),
            args.path,
            enroll=args.enroll,
            emit=lambda obj: print(json.dumps(obj)),
            annotate_to=args.annotate,
            progress=bar,
        )
    sys.stdout.flush()
    who = f"{len(summary.identified)} known people" if summary.identified else "nobody known"
    annotated = f"; annotated: {summary.annotated}" if summary.annotated else ""
    err.print(
        f"{summary.frames} frame(s), {summary.frames_with_faces} with faces, "
        f"{summary.tracks} track(s); recognised {who}{annotated}"
    )
    return 0
