"""`kiosk run`: start the kiosk."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from kiosk.cli.common import Subparsers, err
from kiosk.commands import session
from kiosk.config import KioskConfig
from kiosk.errors import ConfigError


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

    shot = nouns.add_parser(
        "screenshot",
        help="photograph the kiosk in demo mode (shopper view, enrolment, analytics, ...)",
        description="Runs the real kiosk on the demo clip (offscreen unless a display is set) "
        "and saves PNGs for the README. Demo data goes to a temporary directory.",
    )
    shot.add_argument("--out", type=Path, default=Path("assets") / "screenshots")
    shot.set_defaults(handler=_cmd_screenshot)


def _has_display() -> bool:
    """A screen Qt can open: X11, Wayland, Windows/macOS, or an explicit Qt platform."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _cmd_run(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    if not _has_display():
        raise ConfigError(
            "no display to open the kiosk window on (DISPLAY and WAYLAND_DISPLAY are unset): "
            "run it on the shop PC's desktop, or try it here with `xvfb-run -a make run`; "
            "`kiosk --self-test` checks everything without a screen"
        )
    from kiosk.ui.app import plan_source
    from kiosk.ui.kiosk_app import demo_config, run_kiosk_app  # Qt only when the GUI is wanted

    demo = args.demo or plan_source(config, False).description.startswith("demo")
    if demo:
        config = demo_config(config)
        err.print(
            f"demo mode: the bundled clip plays as the camera; data in {config.paths.data_dir}"
        )
    models = session.load_models(config)
    try:
        return run_kiosk_app(config, models, demo=demo, fullscreen=args.fullscreen)
    finally:
        models.close()


def _cmd_screenshot(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    from kiosk.ui.screenshots import take_screenshots

    models = session.load_models(config)
    try:
        saved = take_screenshots(config, models, args.out)
    finally:
        models.close()
    for path in saved:
        console.print(f"wrote {path}")
    return 0 if saved else 1
