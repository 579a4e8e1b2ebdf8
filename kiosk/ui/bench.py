"""`kiosk bench gui`: display frame rate and GUI-thread stalls over the demo clip.

A 5 ms timer probes the event loop: how late it fires is how long the GUI thread was busy
(or the process waited for a CPU: on a loaded machine that counts too). The probe starts once
the window is on screen; its first layout and paint are start-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer

from kiosk.camera.plan import SourcePlan
from kiosk.camera.sources import VideoFileSource
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.paths import demo_clip
from kiosk.services.shopper_session import ShopperSession
from kiosk.ui.launch import build_shopper, qt_application
from kiosk.vision.models import VisionModels

PROBE_MS = 5


@dataclass(frozen=True, slots=True)
class GuiBenchReport:
    """What the GUI benchmark measured.

    Attributes:
        seconds: how long the window ran.
        frames_shown: analysed frames drawn.
        display_fps: frames drawn per second (the clip plays at its own 15 fps).
        handler_p50_ms, handler_max_ms: time the GUI thread spent on one frame.
        stall_p99_ms, stall_max_ms: event-loop lateness beyond the 5 ms probe interval.
        frames_dropped: camera frames replaced before the pipeline took them.
        width, height: the window's size in pixels.
    """

    seconds: float
    frames_shown: int
    display_fps: float
    handler_p50_ms: float
    handler_max_ms: float
    stall_p99_ms: float
    stall_max_ms: float
    frames_dropped: int
    width: int = 0
    height: int = 0


def run_gui_bench(
    config: KioskConfig,
    models: VisionModels,
    gallery: Gallery,
    seconds: float,
    session: ShopperSession,
    *,
    size: tuple[int, int] = (1920, 1080),
) -> GuiBenchReport:
    """Run the shopper view and `session` on the demo clip (paced, as in the kiosk) in a window
    of `size` (width, height) pixels; measure. It starts on the attract screen and changes to
    the shopper's picks and back as faces come and go, as the kiosk does.

    The session's store must belong to this (the GUI) thread.
    """
    app = qt_application()
    quit_on_close = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # closing the view must not post a quit for later loops
    clip = demo_clip()
    plan = SourcePlan(lambda: VideoFileSource(clip, loop=True), True, "demo clip")
    view, controller = build_shopper(config, models, gallery, plan, session)
    view.resize(*size)
    view.show()
    for _ in range(3):  # the window's first layout and paint are start-up, not a stall
        app.processEvents()
    stalls: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer(interval=PROBE_MS)

    def on_probe() -> None:
        stalls.append(max(0.0, clock.restart() - PROBE_MS))

    probe.timeout.connect(on_probe)
    controller.start()
    clock.start()
    probe.start()
    started = time.monotonic()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    probe.stop()
    controller.stop()
    elapsed = time.monotonic() - started
    handler = np.asarray(controller.stats.handler_ms or [0.0])
    stall = np.asarray(stalls or [0.0])
    view.close()
    app.setQuitOnLastWindowClosed(quit_on_close)
    return GuiBenchReport(
        seconds=elapsed,
        frames_shown=controller.stats.frames,
        display_fps=controller.stats.frames / elapsed if elapsed > 0 else 0.0,
        handler_p50_ms=float(np.percentile(handler, 50)),
        handler_max_ms=float(handler.max()),
        stall_p99_ms=float(np.percentile(stall, 99)),
        stall_max_ms=float(stall.max()),
        frames_dropped=controller.frames_dropped,
        width=view.width(),
        height=view.height(),
    )
