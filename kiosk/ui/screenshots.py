"""`kiosk screenshot`: the real kiosk in demo mode, photographed at set moments (README images).

Runs offscreen (or on Xvfb); the demo data goes to a temporary directory.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer

from kiosk.config import KioskConfig
from kiosk.services.demo import demo_config
from kiosk.ui.kiosk_app import KioskApp
from kiosk.ui.launch import qt_application
from kiosk.vision.models import VisionModels

SIZE = (1280, 760)


@dataclass(frozen=True, slots=True)
class Shot:
    """Take `name`.png `at_s` seconds after start, after `prepare` ran."""

    name: str
    at_s: float
    prepare: Callable[[KioskApp], None]


def _shopper(kiosk: KioskApp) -> None:
    kiosk.window.show_shopper()


def _staff(tab: str) -> Callable[[KioskApp], None]:
    def show(kiosk: KioskApp) -> None:
        kiosk.staff.sign_in("Dana (demo)")
        pages = {kiosk.staff.tabs.tabText(i): i for i in range(kiosk.staff.tabs.count())}
        kiosk.staff.tabs.setCurrentIndex(pages[tab])
        kiosk.window.show_staff(kiosk.staff)

    return show


def _enrolment(kiosk: KioskApp) -> None:
    _staff("Enrol")(kiosk)
    kiosk.enrol_tab.name.setText("Alex Example")
    kiosk.enrol_tab.consent.setChecked(True)
    kiosk.enrol_tab.start()


def _analytics(kiosk: KioskApp) -> None:
    kiosk.enrol_tab.cancel()
    _staff("Analytics")(kiosk)
    kiosk.analytics_tab.refresh()


SHOTS = (
    Shot("shopper", 3.0, _shopper),
    Shot("shopper_masked", 11.2, _shopper),
    Shot("gallery", 12.0, _staff("Gallery")),
    Shot("catalog", 13.0, _staff("Catalog")),
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
        kiosk.window.resize(*SIZE)
        kiosk.window.show()
        kiosk.controller.start()
        for shot in SHOTS:
            lead_ms = 900 if shot.prepare is _enrolment else 400  # let capture get going
            prepare_at = max(0, int(shot.at_s * 1000) - lead_ms)
            QTimer.singleShot(prepare_at, lambda s=shot: s.prepare(kiosk))
            QTimer.singleShot(
                int(shot.at_s * 1000), lambda s=shot: saved.append(_grab(kiosk, s, out_dir))
            )
        QTimer.singleShot(int(SHOTS[-1].at_s * 1000) + 300, app.quit)
        app.exec()
        kiosk.shutdown()
    return saved


def _grab(kiosk: KioskApp, shot: Shot, out_dir: Path) -> Path:
    path = out_dir / f"{shot.name}.png"
    kiosk.window.grab().save(str(path))
    return path
