"""`kiosk screenshot`: the real kiosk in demo mode, photographed for the README."""

from __future__ import annotations

from pathlib import Path

from kiosk.commands.loaders import load_models
from kiosk.config import KioskConfig


def screenshot(config: KioskConfig, out: Path) -> tuple[Path, ...]:
    """Run the kiosk on the demo clip (offscreen unless a display is set); the PNGs written.

    Raises:
        ModelError: a model file is missing or broken.
    """
    from kiosk.ui.screenshots import take_screenshots  # Qt only when asked

    with load_models(config) as models:
        return tuple(take_screenshots(config, models, out))
