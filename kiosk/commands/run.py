"""`kiosk run`: start the kiosk (demo mode on the bundled clip when asked or with no camera)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

from kiosk.camera.plan import plan_source
from kiosk.commands.loaders import load_models
from kiosk.commands.staff import staff_access
from kiosk.config import KioskConfig
from kiosk.errors import ConfigError
from kiosk.services.demo import demo_config


def has_display(environ: Mapping[str, str]) -> bool:
    """A screen Qt can open: X11, Wayland, Windows/macOS, or an explicit Qt platform."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run_kiosk(
    config: KioskConfig, *, demo: bool, fullscreen: bool, note: Callable[[str], None]
) -> int:
    """Open the kiosk and run until staff close it; returns the exit code.

    Args:
        config: settings.
        demo: play the demo clip with the demo people and catalog (also chosen when no
            camera answers).
        fullscreen: kiosk mode (full screen, no window chrome).
        note: tells the user something before the window opens (stderr).

    Raises:
        ConfigError: there is no display to open the window on.
        ModelError: a model file is missing or broken.
    """
    if not has_display(os.environ):
        raise ConfigError(
            "no display to open the kiosk window on (DISPLAY and WAYLAND_DISPLAY are unset): "
            "run it on the shop PC's desktop, or try it here with `xvfb-run -a make run`; "
            "`kiosk --self-test` checks everything without a screen"
        )
    if fullscreen and not staff_access(config).is_set():
        raise ConfigError(
            "`kiosk run --fullscreen` needs a staff PIN first: without one nobody could open "
            "staff mode to close the kiosk, and the first passer-by could not be kept out of "
            "it. Set it with `kiosk staff set-pin --staff YOUR-NAME`"
        )
    from kiosk.ui.kiosk_app import run_kiosk_app  # Qt only when the GUI is wanted

    demo = demo or plan_source(config, False).description.startswith("demo")
    if demo:
        config = demo_config(config)
        note(f"demo mode: the bundled clip plays as the camera; data in {config.paths.data_dir}")
    with load_models(config) as models:
        return run_kiosk_app(config, models, demo=demo, fullscreen=fullscreen)
