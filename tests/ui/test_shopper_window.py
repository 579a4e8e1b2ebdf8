"""The shopper window on a real video through the real models (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk.camera.plan import SourcePlan
from kiosk.camera.sources import FrameSource, VideoFileSource
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import Frame
from kiosk.errors import CameraError
from kiosk.paths import demo_clip
from kiosk.ui.controller import KioskController
from kiosk.ui.launch import build_shopper
from kiosk.ui.shopper import ShopperScreen
from kiosk.ui.workers import LIVE, LOST, CameraState
from kiosk.vision.models import VisionModels


def start(
    qtbot: QtBot,
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    plan: SourcePlan,
) -> tuple[ShopperScreen, KioskController]:
    view, controller = build_shopper(config, models, gallery, plan, None)
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    controller.start()
    return view, controller


def test_window_shows_frames_and_names_the_demo_people(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    clip = demo_clip()
    plan = SourcePlan(lambda: VideoFileSource(clip, loop=True), True, "clip")
    view, controller = start(qtbot, config, vision_models, demo_gallery, plan)
    names: set[str] = set()
    controller.sig_packet_shown.connect(
        lambda p: names.update(f.identity.name for f in p.result.faces if f.identity.known)
    )
    try:
        try:
            qtbot.waitUntil(lambda: {"Obama", "Biden"} <= names, timeout=60_000)
        except Exception:
            print(
                "DEBUG frames",
                view.video.frames_shown,
                controller.stats.frames,
                names,
                controller.camera.isRunning(),
                controller.worker.isRunning(),
            )
            raise
        assert view.video.frames_shown > 10
        assert controller.stats.worst_handler_ms < 1000  # sanity, not a speed test
        image = view.video.grab().toImage()
        assert not image.isNull() and image.width() > 0
    finally:
        controller.stop()
    assert not controller.running


class FlakyCamera:
    """A camera that fails the first `failures` opens, then delivers a few grey frames."""

    def __init__(self, failures: int) -> None:
        self.opens = 0
        self.failures = failures

    def open(self) -> FrameSource:
        self.opens += 1
        if self.opens <= self.failures:
            raise CameraError("camera 'test' cannot be opened (unplugged?)")
        return _GreyFrames()


class _GreyFrames:
    name = "test camera"

    def frames(self) -> Iterator[Frame]:
        for i in range(1000):
            yield Frame(np.full((120, 160, 3), 90, np.uint8), i * 33.0, i)

    def close(self) -> None:
        return None


def test_camera_failure_is_shown_and_recovers(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    camera = FlakyCamera(failures=2)
    view, controller = build_shopper(
        config, vision_models, demo_gallery, SourcePlan(camera.open, False, "flaky"), None
    )
    qtbot.addWidget(view)
    controller.camera._backoff_s = (0.05, 0.1)  # fast retries for the test
    states: list[CameraState] = []
    controller.sig_camera_state.connect(states.append)
    controller.start()
    try:
        qtbot.waitUntil(lambda: any(s.state == LOST for s in states), timeout=10_000)
        assert "not available" in view.video._status
        qtbot.waitUntil(lambda: any(s.state == LIVE for s in states), timeout=10_000)
        qtbot.waitUntil(lambda: view.video.frames_shown > 0, timeout=10_000)
        assert view.video._status == ""
        assert camera.opens >= 3  # two failures, then it opened (and reopens when frames end)
    finally:
        controller.stop()


@pytest.mark.parametrize("kiosk_mode", [True, False])
def test_kiosk_mode_ignores_escape_and_close(qtbot: QtBot, kiosk_mode: bool) -> None:
    from PySide6.QtCore import Qt

    from kiosk.ui.window import KioskWindow

    window = KioskWindow(ShopperScreen(), kiosk_mode=kiosk_mode)
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # type: ignore[no-untyped-call]
    window.close()
    assert window.isVisible() == kiosk_mode
    window.allow_close()
    window.close()
    assert not window.isVisible()


def test_staff_shortcut_requests_staff_mode(qtbot: QtBot) -> None:
    from PySide6.QtCore import Qt

    from kiosk.ui.window import KioskWindow

    window = KioskWindow(ShopperScreen(), kiosk_mode=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.sig_staff_requested, timeout=2000):
        qtbot.keyClick(  # type: ignore[no-untyped-call]
            window,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )


def test_privacy_link_explains_opt_out(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMessageBox

    view = ShopperScreen()
    qtbot.addWidget(view)
    view.show()
    view.privacy_button.click()
    boxes = view.findChildren(QMessageBox)
    assert boxes and "opt out" in boxes[0].text().lower()
    assert "forgotten" in boxes[0].text()


def test_a_shopper_can_pause_face_analysis(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    clip = demo_clip()
    plan = SourcePlan(lambda: VideoFileSource(clip, loop=True), True, "clip")
    view, controller = start(qtbot, config, vision_models, demo_gallery, plan)
    try:
        qtbot.waitUntil(lambda: view.video.frames_shown > 3, timeout=30_000)
        view.pause_button.click()  # "Pause" (the privacy dialog offers it too)
        assert controller.paused and controller.opted_out
        assert view.pages.currentWidget() is view.pause_page
        assert view.video._image is None and view.video._result is None  # badges gone at once
        assert view.pause_page.count.text() in {"2:00", "1:59"}
        qtbot.wait(300)
        shown = controller.stats.frames
        qtbot.wait(500)
        assert controller.stats.frames == shown  # nothing analysed while paused
        view.pause_page.resume.click()  # "Resume now"
        assert not controller.paused and view.pages.currentWidget() is view.attract
        controller.pause_analysis(0.2)  # and a pause ends by itself
        qtbot.waitUntil(lambda: not controller.paused, timeout=5_000)
        qtbot.waitUntil(lambda: controller.stats.frames > shown, timeout=10_000)
    finally:
        controller.stop()
