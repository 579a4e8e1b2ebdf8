"""The Qt application and the shopper screen wired to its worker threads."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication

from kiosk.camera.plan import SourcePlan
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.services.shopper_session import ShopperSession
from kiosk.ui.controller import KioskController
from kiosk.ui.money import Money
from kiosk.ui.shopper import Overlays, ShopperScreen
from kiosk.ui.style import STYLE
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)


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
) -> tuple[ShopperScreen, KioskController]:
    """The shopper view wired to its workers (not started)."""
    view = ShopperScreen(slots=config.recommend.k)
    view.video.set_emotion_display(models.emotion.spec.display)
    apply_display(view, config)
    pipeline = Pipeline(models, gallery, config.pipeline)
    controller = KioskController(view, pipeline, plan.open, session, paced=plan.paced)
    return view, controller


def apply_display(view: ShopperScreen, config: KioskConfig) -> None:
    """The display settings on the shopper screen (at start and when staff save settings)."""
    display = config.display
    view.video.overlays = Overlays(display.show_names, display.show_emotion, display.show_mask)
    view.set_money(Money(display.currency, display.language))
    view.retention_days = config.privacy.retention_days
    view.attract.set_slide_seconds(display.attract_slide_s)
    view.set_camera_view(display.camera_view)
