"""`kiosk run`: start the kiosk."""

from __future__ import annotations

import argparse

from rich.console import Console

from kiosk.cli.common import Subparsers, err
from kiosk.commands.run import run_kiosk
from kiosk.config import KioskConfig


def register(nouns: Subparsers) -> None:
    """Add `kiosk run`."""
    cmd = nouns.add_parser(
        "run",
        help="start the kiosk (demo mode when no camera is found)",
        description="Open the shopper view. --demo (or no camera) plays the bundled public-domain "
        "clip as the camera, with demo people and the demo catalog. Staff mode: long-press "
        "'Staff' or Ctrl+Shift+S, then the PIN.",
    )
    cmd.add_argument("--demo", action="store_true", help="use the bundled demo clip and data")
    cmd.add_argument(
        "--fullscreen", action="store_true", help="kiosk mode: full screen, no window chrome"
    )
    cmd.set_defaults(handler=_cmd_run)


def _cmd_run(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    return run_kiosk(config, demo=args.demo, fullscreen=args.fullscreen, note=err.print)
