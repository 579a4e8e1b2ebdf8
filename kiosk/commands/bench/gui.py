"""`kiosk bench gui`: the shopper screen's display rate and GUI-thread stalls on the demo clip.

The real shopper screen and the kiosk's `ShopperSession` (on a scratch kiosk with the demo
catalog and the demo people) run on the demo clip, offscreen unless a display is set.
"""

from __future__ import annotations

from kiosk.commands.loaders import gallery_from_folder, load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.errors import InputError
from kiosk.paths import demo_people_dir
from kiosk.services.demo import scratch_kiosk
from kiosk.ui.bench import GuiBenchReport, run_gui_bench


def bench_gui(
    config: KioskConfig, seconds: float, size: str = "1920x1080", progress: Progress = SILENT
) -> GuiBenchReport:
    """Run the shopper screen for `seconds` at `size` ("WxH") and measure (Qt starts here).

    Raises:
        InputError: `seconds` is not positive, or `size` is not like 1920x1080.
        ModelError: a model file is missing or broken.
    """
    if seconds <= 0:
        raise InputError(f"--seconds must be positive, got {seconds}")
    width, _, height = size.lower().partition("x")
    if not (
        width.isdigit() and height.isdigit() and 160 <= int(width) <= 8192 >= int(height) >= 120
    ):
        raise InputError(f"--size must be WIDTHxHEIGHT in pixels like 1920x1080, got {size!r}")
    with load_models(config) as models:
        gallery = gallery_from_folder(models, demo_people_dir()).gallery
        with scratch_kiosk(config, models, gallery) as kiosk:
            progress.note(f"running the shopper screen for {seconds:.0f} s…")
            return run_gui_bench(
                config,
                models,
                kiosk.gallery,
                seconds,
                kiosk.session,
                size=(int(width), int(height)),
            )
