"""`kiosk screenshot`: photograph the kiosk in demo mode (README images)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from kiosk.cli.common import Subparsers
from kiosk.commands.screenshot import screenshot
from kiosk.config import KioskConfig


def register(nouns: Subparsers) -> None:
    """Add `kiosk screenshot`."""
    shot = nouns.add_parser(
        "screenshot",
        help="photograph the kiosk in demo mode (shopper view, enrolment, analytics, ...)",
        description="Runs the real kiosk on the demo clip (offscreen unless a display is set) "
        "and saves PNGs for the README. Demo data goes to a temporary directory.",
    )
    shot.add_argument("--out", type=Path, default=Path("assets") / "screenshots")
    shot.set_defaults(handler=_cmd_screenshot)


def _cmd_screenshot(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    saved = screenshot(config, args.out)
    for path in saved:
        console.print(f"wrote {path}")
    return 0 if saved else 1
