"""GUI-thread glue: starts the workers, shows their results, and asks the shopper session what
to suggest. Runs no model and no per-frame blocking I/O; the session's database writes happen
here on the GUI thread, only when something changes (a visit starts or ends, a card is shown
or tapped)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.camera.sources import FrameSource
from kiosk.core.latest import LatestSlot
from kiosk.core.types import Frame, FrameResult
from kiosk.services.shopper_session import (
    GREETING_NOBODY,
    ScreenMode,
    ScreenUpdate,
    ShopperSession,
)
from kiosk.ui.shopper import ShopperScreen, to_qimage
from kiosk.ui.workers import (
    DARK,
    LIVE,
    LOST,
    STARTING,
    CameraState,
    CameraWorker,
    FramePacket,
    PipelineWorker,
)
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

OPT_OUT_S = 120.0  # how long "Pause for 2 minutes" stops face analysis


@dataclass(slots=True)
class GuiStats:
    """Display rate and the longest time the GUI thread spent handling one frame."""

    frames: int = 0
    started_s: float = field(default_factory=time.monotonic)
    worst_handler_ms: float = 0.0
    handler_ms: list[float] = field(default_factory=list)

    @property
    def fps(self) -> float:
        """Frames shown per second since start."""
        elapsed = time.monotonic() - self.started_s
        return self.frames / elapsed if elapsed > 0 else 0.0


class KioskController(QObject):
    """Owns the camera and pipeline threads for one shopper view."""

    sig_camera_state = Signal(object)  # CameraState, re-emitted on the GUI thread
    sig_packet_shown = Signal(object)  # FramePacket, after it is on screen
    sig_alert = Signal(object)  # StaffAlert: a shopper asked for staff

    def __init__(
        self,
        view: ShopperScreen,
        pipeline: Pipeline,
        open_source: Callable[[], FrameSource],
        session: ShopperSession | None,
        *,
        paced: bool,
    ) -> None:
        super().__init__()
        self.view = view
        self.pipeline = pipeline
        self.session = session
        self.stats = GuiStats()
        self.last_result: FrameResult | None = None
        self._camera_note = ""
        self._slot: LatestSlot[Frame] = LatestSlot()
        self.models_lock = threading.Lock()  # the models serve one thread at a time
        self.camera = CameraWorker(open_source, self._slot, paced=paced)
        self.worker = PipelineWorker(pipeline, self._slot, self.models_lock)
        self.camera.sig_state.connect(self._on_camera_state)
        self.worker.sig_packet.connect(self._on_packet)
        self.worker.sig_error.connect(self._on_pipeline_error)
        self._wire(view)
        self._stopped = False
        self._opted_out = False
        self._pending: ScreenUpdate | None = None
        self._next_turn = QTimer(self, singleShot=True, interval=0)
        self._next_turn.timeout.connect(self._show_pending)
        self._resume = QTimer(self, singleShot=True)
        self._resume.timeout.connect(self.resume_analysis)
        if session is not None:
            self.show_update(session.attract())
            view.prefetch(session.images())

    def _wire(self, view: ShopperScreen) -> None:
        view.sig_interested.connect(self._on_interested)
        view.sig_pause_requested.connect(self.pause_analysis)
        view.sig_resume_requested.connect(self.resume_analysis)
        view.sig_detail.connect(self._on_detail)
        view.sig_call_staff.connect(self._on_call_staff)
        view.sig_decline_help.connect(self._on_decline_help)

    def pause_analysis(self, seconds: float = OPT_OUT_S) -> None:
        """A shopper opted out: every badge goes at once, and no face is analysed (or
        recorded) for `seconds`; the screen counts down and offers to resume."""
        self.worker.set_paused(True)
        self._opted_out = True
        if self.session is not None:
            self.session.pause(time.monotonic())
        self.view.show_paused(seconds)
        self._resume.start(int(seconds * 1000))

    def resume_analysis(self) -> None:
        """End an opt-out pause (time up, or "Resume now")."""
        self._resume.stop()
        self._opted_out = False
        self.worker.set_paused(False)
        self.view.video.show_status("")
        if self.session is not None:
            self.show_update(self.session.resume())
        else:
            self.view.show_update(ScreenUpdate(ScreenMode.ATTRACT, GREETING_NOBODY, ()))

    @property
    def opted_out(self) -> bool:
        """Whether a shopper's pause is running."""
        return self._opted_out

    def start(self) -> None:
        """Start both threads."""
        self.worker.start()
        self.camera.start()

    def stop(self, timeout_ms: int = 5000) -> None:
        """Stop both threads and wait for them (no thread is left running).

        Packets the worker queued before it stopped are dropped, not shown: the session's
        store may be closed right after this.
        """
        self._stopped = True
        self.camera.stop()
        self.worker.stop()
        for thread in (self.camera, self.worker):
            if not thread.wait(timeout_ms):
                log.error("a worker thread did not stop within %d ms", timeout_ms)

    @property
    def frames_dropped(self) -> int:
        """Camera frames replaced in the slot before the pipeline took them."""
        return self._slot.dropped

    @property
    def running(self) -> bool:
        """Whether either thread still runs."""
        return self.camera.isRunning() or self.worker.isRunning()

    @property
    def paused(self) -> bool:
        """Whether analysis is paused (opt-out or enrolment)."""
        return self.worker.paused

    def _on_packet(self, packet: FramePacket) -> None:
        if self._stopped or self._opted_out:
            return  # after a pause began nothing queued before it is shown
        started = time.perf_counter()
        self.view.video.show_frame(to_qimage(packet.frame.image_bgr), packet.result)
        if self._camera_note:  # dark frames keep coming: keep saying why the picture is black
            self.view.video.show_status(self._camera_note)
        self.last_result = packet.result
        if self.session is not None:
            update = self.session.on_result(packet.result, time.monotonic())
            if update is not None:  # drawn in the next turn of the event loop: a slate's
                self._pending = update  # database writes and its layout do not add up
                self._next_turn.start()
        elapsed = (time.perf_counter() - started) * 1000.0
        self.stats.frames += 1
        self.stats.handler_ms.append(elapsed)
        self.stats.worst_handler_ms = max(self.stats.worst_handler_ms, elapsed)
        self.sig_packet_shown.emit(packet)

    def show_update(self, update: ScreenUpdate) -> None:
        """Put new content on the shopper screen."""
        self._pending = None
        self.view.show_update(update)

    def _show_pending(self) -> None:
        if self._pending is not None and not self._stopped:
            self.show_update(self._pending)

    def _on_camera_state(self, state: CameraState) -> None:
        note = ""
        if state.state == LOST:
            retry = self.tr("Retrying in {seconds} s…").replace(
                "{seconds}", f"{state.retry_in_s:.0f}"
            )
            self.view.video.show_status(
                self.tr("The camera is not available ({detail}).").replace("{detail}", state.detail)
                + " "
                + retry
            )
            note = self.tr("No camera: suggestions are for everyone until it is back.")
        elif state.state == STARTING and self.last_result is None:
            self.view.video.show_status(self.tr("Starting the camera…"))
        elif state.state == DARK:
            self._camera_note = self.tr("The picture is black: is the camera covered?")
            self.view.video.show_status(self._camera_note)
            note = self._camera_note
        elif state.state == LIVE:
            self._camera_note = ""
            self.view.video.show_status("")
        self.view.attract.set_camera_note(note)
        self.sig_camera_state.emit(state)

    def _on_pipeline_error(self, message: str) -> None:
        log.warning("pipeline error shown to staff log only: %s", message)

    def _on_interested(self, sku: str) -> None:
        if self.session is not None:
            self.sig_alert.emit(self.session.on_interested(sku, time.monotonic()))

    def _on_detail(self, opened: bool) -> None:
        if self.session is not None:
            self.session.hold(opened)  # the picks stay while the shopper reads

    def _on_call_staff(self) -> None:
        if self.session is not None:
            alert, update = self.session.call_staff(time.monotonic())
            self.show_update(update)
            self.sig_alert.emit(alert)

    def _on_decline_help(self) -> None:
        if self.session is not None:
            self.show_update(self.session.decline_help())
