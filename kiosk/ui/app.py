"""Start the kiosk GUI: models, window, workers; demo mode plays the bundled clip as a camera."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.camera.probe import probe_camera
from kiosk.camera.sources import FrameSource, VideoFileSource, open_source
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.paths import resource_root
from kiosk.ui.controller import KioskController, ShopperSession
from kiosk.ui.shopper import Overlays, ShopperView
from kiosk.ui.style import STYLE
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

DEMO_CLIP = Path("assets") / "demo" / "pd_stills_clip.mp4"


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """Where frames come from: a callable that opens the source, and whether to pace it."""

    open: Callable[[], FrameSource]
    paced: bool
    description: str


def demo_clip() -> Path:
    """The bundled public-domain demo clip."""
    return resource_root() / DEMO_CLIP


def plan_source(config: KioskConfig, demo: bool) -> SourcePlan:
    """The demo clip (looping) when asked or when no camera answers; else the configured one."""
    source = config.camera.source
    if demo:
        clip = demo_clip()
        return SourcePlan(lambda: VideoFileSource(clip, loop=True), True, f"demo clip {clip.name}")
    is_file = Path(source).is_file()
    if not is_file and not probe_camera(source).available:
        log.warning("camera %r not available: starting in demo mode", source)
        clip = demo_clip()
        return SourcePlan(lambda: VideoFileSource(clip, loop=True), True, "demo (no camera)")
    return SourcePlan(lambda: open_source(source, loop=True), is_file, f"camera {source}")


def qt_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with the kiosk's style."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("iFace Kiosk")
    app.setStyleSheet(STYLE)
    return app


def build_shopper(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    plan: SourcePlan,
    session: ShopperSession | None,
) -> tuple[ShopperView, KioskController]:
    """The shopper view wired to its workers (not started)."""
    view = ShopperView()
    view.video.set_emotion_display(models.emotion.spec.display)
    display = config.display
    view.video.overlays = Overlays(display.show_names, display.show_emotion, display.show_mask)
    pipeline = Pipeline(models, gallery, config.pipeline)
    controller = KioskController(view, pipeline, plan.open, session, paced=plan.paced)
    return view, controller
