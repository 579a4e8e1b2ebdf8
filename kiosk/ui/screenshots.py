"""`kiosk screenshot`: the real kiosk in demo mode, photographed at set moments (README images).

Runs offscreen (or on Xvfb); the demo data goes to a temporary directory. The attract screen is
taken before the camera starts (nobody is in front of the kiosk yet); the other shots follow the
demo clip, at the window sizes of common displays.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.config import KioskConfig
from kiosk.services.demo import demo_config
from kiosk.ui.kiosk_app import KioskApp
from kiosk.ui.launch import qt_application
from kiosk.vision.models import VisionModels

SIZE = (1280, 800)
FULL_HD = (1920, 1080)
PORTRAIT = (1080, 1920)


@dataclass(frozen=True, slots=True)
class Shot:
    """Take `name`.png `at_s` seconds after start, at `size`, after `prepare` ran."""

    name: str
    at_s: float
    prepare: Callable[[KioskApp], None]
    size: tuple[int, int] = SIZE


def _shopper(kiosk: KioskApp) -> None:
    kiosk.view.detail.close_detail()
    kiosk.window.show_shopper()


def _detail(kiosk: KioskApp) -> None:
    _shopper(kiosk)
    cards = [c for c in kiosk.view.panel.cards if c.isVisible() and c.sku]
    if cards:
        kiosk.view.open_detail(cards[0].sku)


def _staff(tab: str) -> Callable[[KioskApp], None]:
    def show(kiosk: KioskApp) -> None:
        kiosk.view.detail.close_detail()
        kiosk.staff.sign_in("Dana (demo)")
        kiosk.staff.show_page(tab)
        kiosk.window.show_staff(kiosk.staff)

    return show


def _alerts(kiosk: KioskApp) -> None:
    """Two shoppers tap "I'm interested" on the cards on screen, then staff look."""
    _shopper(kiosk)
    for card in [c for c in kiosk.view.panel.cards if c.isVisible() and c.sku][:2]:
        card.button.click()
    _staff("alerts")(kiosk)


def _enrolment(kiosk: KioskApp) -> None:
    _staff("enrol")(kiosk)
    kiosk.enrol_tab.name.setText("Alex Example")
    kiosk.enrol_tab.consent.setChecked(True)
    kiosk.enrol_tab.start()


def _analytics(kiosk: KioskApp) -> None:
    kiosk.enrol_tab.cancel()
    _staff("analytics")(kiosk)
    kiosk.analytics_tab.refresh()


SHOTS = (
    Shot("shopper", 3.0, _shopper),
    Shot("shopper_1080p", 7.0, _shopper, FULL_HD),
    Shot("shopper_portrait", 8.4, _shopper, PORTRAIT),
    Shot("product_detail", 9.6, _detail, FULL_HD),
    Shot("shopper_masked", 11.2, _shopper),
    Shot("staff_alerts", 12.0, _alerts),
    Shot("gallery", 12.8, _staff("gallery")),
    Shot("catalog", 13.6, _staff("catalog")),
    Shot("enrolment", 16.5, _enrolment),
    Shot("analytics", 18.0, _analytics),
)


def take_screenshots(config: KioskConfig, models: VisionModels, out_dir: Path) -> list[Path]:
    """Run the demo kiosk and save each shot as `out_dir/<name>.png`; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    app = qt_application()
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp:
        paths = dataclasses.replace(config.paths, data_dir=Path(tmp))
        kiosk = KioskApp(demo_config(dataclasses.replace(config, paths=paths)), models, demo=True)
        kiosk.window.resize(*FULL_HD)
        kiosk.window.show()
        app.processEvents()
        saved.append(_grab(kiosk, Shot("attract", 0.0, _shopper, FULL_HD), out_dir))
        kiosk.controller.start()
        for shot in SHOTS:  # precise timers: coarse ones (Qt's default) may fire out of order
            lead_ms = 900 if shot.prepare is _enrolment else 400  # let capture get going
            prepare_at = max(0, int(shot.at_s * 1000) - lead_ms)
            _at(prepare_at, functools.partial(_prepare, kiosk, shot, lead_ms, out_dir, saved))
        _at(int(SHOTS[-1].at_s * 1000) + 1500, app.quit)
        app.exec()
        _TIMERS.clear()
        kiosk.shutdown()
    return saved


def _prepare(kiosk: KioskApp, shot: Shot, lead_ms: int, out_dir: Path, saved: list[Path]) -> None:
    """Size the window, set the scene, and take the picture `lead_ms` later."""
    for _ in range(3):  # the layout follows the new shape, then its minimum size does
        kiosk.window.resize(*shot.size)
        QApplication.processEvents()
    shot.prepare(kiosk)
    _at(lead_ms, lambda: saved.append(_grab(kiosk, shot, out_dir)))


_TIMERS: list[QTimer] = []  # kept alive until they fire


def _at(ms: int, action: Callable[[], object]) -> None:
    """Run `action` in `ms` milliseconds, on time (Qt's default coarse timers may be 5 % late,
    so a later-scheduled timer can fire first)."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(action)
    timer.start(ms)
    _TIMERS.append(timer)


def _grab(kiosk: KioskApp, shot: Shot, out_dir: Path) -> Path:
    path = out_dir / f"{shot.name}.png"
    kiosk.window.grab().save(str(path))
    return path
