"""The two worker threads: camera -> 1-slot buffer -> pipeline -> frozen results to the GUI.

The camera thread overwrites the slot (frames are dropped, never queued); the pipeline thread
analyses the newest frame and emits a `FramePacket`. Neither touches SQLite or a widget. Every
loop checks a stop event, so `stop()` returns quickly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QThread, Signal

from kiosk.camera.sources import FrameSource
from kiosk.core.latest import LatestSlot
from kiosk.core.types import Frame, FrameResult
from kiosk.errors import KioskError
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

STARTING, LIVE, LOST, STOPPED = "starting", "live", "lost", "stopped"


@dataclass(frozen=True, slots=True)
class FramePacket:
    """A frame and the pipeline's result for it, handed to the GUI thread."""

    frame: Frame
    result: FrameResult


@dataclass(frozen=True, slots=True)
class CameraState:
    """What the camera thread reports: `state` is starting, live, lost or stopped."""

    state: str
    detail: str
    retry_in_s: float = 0.0


class CameraWorker(QThread):
    """Reads a frame source into the slot; on failure reports it and retries with back-off."""

    sig_state = Signal(object)  # CameraState

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        slot: LatestSlot[Frame],
        *,
        paced: bool,
        backoff_s: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0),
    ) -> None:
        """Args:
        open_source: opens the source (raises CameraError/InputError when it cannot).
        slot: where frames go.
        paced: play files at their own frame rate (a webcam paces itself).
        backoff_s: waits between reconnection attempts; the last one repeats.
        """
        super().__init__()
        self._open_source = open_source
        self._slot = slot
        self._paced = paced
        self._backoff_s = backoff_s
        self._stop = threading.Event()
        self._taps: tuple[LatestSlot[Frame], ...] = ()

    def add_tap(self, slot: LatestSlot[Frame]) -> None:
        """Also deliver frames to `slot` (e.g. enrolment), until `remove_tap`."""
        self._taps = (*self._taps, slot)  # one atomic assignment: no lock needed

    def remove_tap(self, slot: LatestSlot[Frame]) -> None:
        """Stop delivering frames to `slot`."""
        self._taps = tuple(t for t in self._taps if t is not slot)

    def stop(self) -> None:
        """Ask the thread to finish; it exits within a frame or one back-off tick."""
        self._stop.set()

    def run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            self.sig_state.emit(CameraState(STARTING, "opening the camera"))
            try:
                source = self._open_source()
            except KioskError as exc:
                failures = self._wait_after_failure(str(exc), failures)
                continue
            try:
                failures = 0 if self._stream(source) else failures
            except KioskError as exc:
                failures = self._wait_after_failure(str(exc), failures)
            except Exception as exc:  # a driver can fail in many ways; keep the kiosk up
                log.exception("camera thread error")
                failures = self._wait_after_failure(f"camera error: {exc}", failures)
            finally:
                source.close()
        self.sig_state.emit(CameraState(STOPPED, "camera stopped"))

    def _stream(self, source: FrameSource) -> bool:
        """Push frames until the source ends or stop is asked; True if any frame came."""
        started = time.monotonic()
        got_any = False
        for frame in source.frames():
            if self._stop.is_set():
                return got_any
            if not got_any:
                self.sig_state.emit(CameraState(LIVE, source.name))
                got_any = True
            if self._paced:
                delay = frame.timestamp_ms / 1000.0 - (time.monotonic() - started)
                if delay > 0 and self._stop.wait(delay):
                    return got_any
            self._slot.put(frame)
            for tap in self._taps:
                tap.put(frame)
        if not got_any:
            raise KioskError(f"{source.name} delivered no frames")
        return got_any

    def _wait_after_failure(self, detail: str, failures: int) -> int:
        wait = self._backoff_s[min(failures, len(self._backoff_s) - 1)]
        log.warning("camera unavailable, retrying in %.0f s: %s", wait, detail)
        self.sig_state.emit(CameraState(LOST, detail, wait))
        self._stop.wait(wait)
        return failures + 1


class PipelineWorker(QThread):
    """Analyses the newest frame in the slot and emits a `FramePacket` for each."""

    sig_packet = Signal(object)  # FramePacket
    sig_error = Signal(str)

    def __init__(
        self, pipeline: Pipeline, slot: LatestSlot[Frame], models_lock: threading.Lock
    ) -> None:
        super().__init__()
        self.pipeline = pipeline
        self._slot = slot
        self._models_lock = models_lock
        self._stop = threading.Event()
        self._paused = threading.Event()

    def set_paused(self, paused: bool) -> None:
        """Skip frames while paused (staff mode enrolment needs the models and the CPU)."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    def stop(self) -> None:
        """Ask the thread to finish after the current frame."""
        self._stop.set()
        self._slot.close()

    def run(self) -> None:
        while not self._stop.is_set():
            frame = self._slot.take(0.25)
            if frame is None or self._paused.is_set():
                continue
            try:
                with self._models_lock:
                    result = self.pipeline.process(frame)
            except Exception as exc:  # one bad frame must not stop the kiosk
                log.exception("pipeline failed on frame %d", frame.index)
                self.sig_error.emit(f"analysis failed on a frame: {exc}")
                continue
            self.sig_packet.emit(FramePacket(frame, result))


class EnrolWorker(QThread):
    """Feeds camera frames to an enrolment session off the GUI thread until it is complete.

    `feed` runs the models, so it holds the same lock as the pipeline worker.
    """

    sig_feedback = Signal(object, object)  # EnrolFeedback, Frame

    def __init__(
        self,
        feed: Callable[[Frame], object],
        slot: LatestSlot[Frame],
        models_lock: threading.Lock,
    ) -> None:
        super().__init__()
        self._feed = feed
        self._slot = slot
        self._models_lock = models_lock
        self._stop = threading.Event()

    def stop(self) -> None:
        """Finish after the current frame."""
        self._stop.set()
        self._slot.close()

    def run(self) -> None:
        while not self._stop.is_set():
            frame = self._slot.take(0.25)
            if frame is None:
                continue
            try:
                with self._models_lock:
                    feedback = self._feed(frame)
            except Exception as exc:  # a bad frame must not end the enrolment
                log.exception("enrolment failed on frame %d", frame.index)
                self.sig_feedback.emit(exc, frame)
                continue
            self.sig_feedback.emit(feedback, frame)
            if getattr(feedback, "done", False):
                return
