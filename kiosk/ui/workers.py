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

from kiosk.camera.reader import ReadEnded, ThreadedReader
from kiosk.camera.sources import FrameSource
from kiosk.core.camera_health import (
    CameraHealth,
    CameraStatus,
    HealthSettings,
    HealthVerdict,
    mean_brightness,
)
from kiosk.core.latest import LatestSlot
from kiosk.core.types import Frame, FrameResult
from kiosk.errors import KioskError
from kiosk.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

STARTING, STOPPED = CameraStatus.STARTING, CameraStatus.STOPPED
LIVE, DARK, LOST = CameraStatus.LIVE, CameraStatus.DARK, CameraStatus.LOST  # health decides
_WAIT_TICK_S = 0.1  # how often the camera thread, waiting for a frame, checks stop and stall
_READER_JOIN_S = 0.5  # how long a finished stream waits for its reader thread to exit


@dataclass(frozen=True, slots=True)
class FramePacket:
    """A frame and the pipeline's result for it, handed to the GUI thread."""

    frame: Frame
    result: FrameResult


@dataclass(frozen=True, slots=True)
class CameraState:
    """What the camera thread reports.

    Attributes:
        state: "starting", "live", "dark" (frames arrive but are black), "lost" (failed or no
            frames for `stall_s`; a retry follows in `retry_in_s`) or "stopped".
        detail: what a person reads (source name, error, "no frames for 3 s", ...).
        retry_in_s: seconds until the next attempt (lost only).
    """

    state: CameraStatus
    detail: str
    retry_in_s: float = 0.0


@dataclass(frozen=True, slots=True)
class _StreamEnd:
    """How streaming one opened source ended: `error` None when it ended or stop was asked."""

    got_frames: bool
    error: str | None


class CameraWorker(QThread):
    """Reads a frame source into the slot; watches the picture; on failure reports it and
    retries with back-off.

    The source's blocking read runs in a `ThreadedReader` (a daemon thread), and this thread
    waits for each frame with a timeout, so a driver that stalls without an error is noticed
    after `stall_s` and given up on (reported lost, reopened with back-off) even if its read
    never returns. Frames are checked by `CameraHealth`: black frames make the state dark
    (they are still delivered), a change of picture size is reported and the frames flow on.
    """

    sig_state = Signal(object)  # CameraState

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        slot: LatestSlot[Frame],
        *,
        paced: bool,
        backoff_s: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0),
        stall_s: float = 3.0,
    ) -> None:
        """Args:
        open_source: opens the source (raises CameraError/InputError when it cannot).
        slot: where frames go.
        paced: play files at their own frame rate (a webcam paces itself).
        backoff_s: waits between reconnection attempts; the last one repeats.
        stall_s: seconds without a frame after which the camera counts as lost.
        """
        super().__init__()
        self._open_source = open_source
        self._slot = slot
        self._paced = paced
        self._backoff_s = backoff_s
        self._health = HealthSettings(stall_s=stall_s)
        self._stop = threading.Event()
        self._taps: tuple[LatestSlot[Frame], ...] = ()

    def add_tap(self, slot: LatestSlot[Frame]) -> None:
        """Also deliver frames to `slot` (e.g. enrolment), until `remove_tap`."""
        self._taps = (*self._taps, slot)  # one atomic assignment: no lock needed

    def remove_tap(self, slot: LatestSlot[Frame]) -> None:
        """Stop delivering frames to `slot`."""
        self._taps = tuple(t for t in self._taps if t is not slot)

    def stop(self) -> None:
        """Ask the thread to finish; it exits within a frame, a wait tick or a back-off tick."""
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
            except Exception as exc:  # a driver can fail in many ways; keep the kiosk up
                log.exception("opening the camera failed")
                failures = self._wait_after_failure(f"camera error: {exc}", failures)
                continue
            end = self._stream(source)
            failures = 0 if end.got_frames else failures
            if end.error is not None and not self._stop.is_set():
                failures = self._wait_after_failure(end.error, failures)
        self.sig_state.emit(CameraState(STOPPED, "camera stopped"))

    def _stream(self, source: FrameSource) -> _StreamEnd:
        """Deliver frames until the source ends, fails or stalls, or stop is asked."""
        reader = ThreadedReader(source)
        reader.start()
        try:
            return self._pump(reader, source.name)
        finally:
            if not reader.abandon(_READER_JOIN_S):
                log.warning("%s: a read is still blocked; leaving it behind", source.name)

    def _pump(self, reader: ThreadedReader, name: str) -> _StreamEnd:
        started = time.monotonic()
        health = CameraHealth(self._health, started)
        got_any = False
        while not self._stop.is_set():
            item = reader.take(_WAIT_TICK_S)
            if item is None:
                verdict = health.check(time.monotonic())
                if verdict.state == LOST:
                    return _StreamEnd(got_any, verdict.detail)
                continue
            if isinstance(item, ReadEnded):
                return _ended(item, name, got_any)
            if not got_any:
                self.sig_state.emit(CameraState(LIVE, name))
                got_any = True
            if self._paced and self._wait_for_time(item, started):
                break
            self._note(health.on_frame(time.monotonic(), *_looks(item)), name)
            self._slot.put(item)
            for tap in self._taps:
                tap.put(item)
        return _StreamEnd(got_any, None)

    def _wait_for_time(self, frame: Frame, started: float) -> bool:
        """Wait until the frame's time in the file has come; True if stop was asked."""
        delay = frame.timestamp_ms / 1000.0 - (time.monotonic() - started)
        return delay > 0 and self._stop.wait(delay)

    def _note(self, verdict: HealthVerdict, name: str) -> None:
        if not verdict.changed:
            return
        log.info("%s: %s: %s", name, verdict.state, verdict.detail)
        self.sig_state.emit(CameraState(verdict.state, verdict.detail))

    def _wait_after_failure(self, detail: str, failures: int) -> int:
        wait = self._backoff_s[min(failures, len(self._backoff_s) - 1)]
        log.warning("camera unavailable, retrying in %.0f s: %s", wait, detail)
        self.sig_state.emit(CameraState(LOST, detail, wait))
        self._stop.wait(wait)
        return failures + 1


def _looks(frame: Frame) -> tuple[float, tuple[int, ...]]:
    """What `CameraHealth.on_frame` needs of a frame: mean brightness and shape."""
    return mean_brightness(frame.image_bgr), tuple(frame.image_bgr.shape)


def _ended(ended: ReadEnded, name: str, got_any: bool) -> _StreamEnd:
    """The stream's end from the reader's: a clean end, no frames at all, or an error."""
    error = ended.error
    if error is None:
        return _StreamEnd(got_any, None if got_any else f"{name} delivered no frames")
    if isinstance(error, KioskError):
        return _StreamEnd(got_any, str(error))
    log.error("camera read failed", exc_info=error)
    return _StreamEnd(got_any, f"camera error: {error}")


class SlotWorker(QThread):
    """Takes the newest frame from a 1-slot buffer and handles it under the models lock.

    Subclasses implement `handle`; a frame that raises is reported by `on_error` and skipped,
    so one bad frame never stops the thread. `stop` ends the loop after the current frame.
    """

    def __init__(self, slot: LatestSlot[Frame], models_lock: threading.Lock) -> None:
        super().__init__()
        self._slot = slot
        self._models_lock = models_lock
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask the thread to finish after the current frame."""
        self._stop.set()
        self._slot.close()

    def skip(self) -> bool:
        """Whether to skip frames for now (never, unless a subclass says so)."""
        return False

    def handle(self, frame: Frame) -> bool:
        """Handle one frame (the models lock is held); True ends the thread."""
        raise NotImplementedError

    def on_error(self, frame: Frame, error: Exception) -> None:
        """A frame raised (already logged)."""

    def run(self) -> None:
        while not self._stop.is_set():
            frame = self._slot.take(0.25)
            if frame is None or self.skip():
                continue
            try:
                with self._models_lock:
                    finished = self.handle(frame)
            except Exception as exc:  # one bad frame must not stop the worker
                log.exception("%s failed on frame %d", type(self).__name__, frame.index)
                self.on_error(frame, exc)
                continue
            if finished:
                return


class PipelineWorker(SlotWorker):
    """Analyses the newest frame in the slot and emits a `FramePacket` for each."""

    sig_packet = Signal(object)  # FramePacket
    sig_error = Signal(str)

    def __init__(
        self, pipeline: Pipeline, slot: LatestSlot[Frame], models_lock: threading.Lock
    ) -> None:
        super().__init__(slot, models_lock)
        self.pipeline = pipeline
        self._paused = threading.Event()

    @property
    def paused(self) -> bool:
        """Frames are being skipped."""
        return self._paused.is_set()

    def set_paused(self, paused: bool) -> None:
        """Skip frames while paused (staff mode enrolment needs the models and the CPU)."""
        if paused:
            self._paused.set()
        else:
            self._paused.clear()

    def skip(self) -> bool:
        """Paused: frames are dropped unanalysed."""
        return self._paused.is_set()

    def handle(self, frame: Frame) -> bool:
        """Analyse the frame and emit it with its result."""
        self.sig_packet.emit(FramePacket(frame, self.pipeline.process(frame)))
        return False

    def on_error(self, frame: Frame, error: Exception) -> None:
        """Tell the GUI (staff log) that a frame failed."""
        self.sig_error.emit(f"analysis failed on a frame: {error}")


class EnrolWorker(SlotWorker):
    """Feeds camera frames to an enrolment session off the GUI thread until it is complete.

    `feed` runs the models, so it holds the same lock as the pipeline worker.
    """

    sig_feedback = Signal(object, object)  # EnrolFeedback or the exception, Frame

    def __init__(
        self,
        feed: Callable[[Frame], object],
        slot: LatestSlot[Frame],
        models_lock: threading.Lock,
    ) -> None:
        super().__init__(slot, models_lock)
        self._feed = feed

    def handle(self, frame: Frame) -> bool:
        """Feed the frame; the enrolment's feedback says when it is complete."""
        feedback = self._feed(frame)
        self.sig_feedback.emit(feedback, frame)
        return bool(getattr(feedback, "done", False))

    def on_error(self, frame: Frame, error: Exception) -> None:
        """A bad frame does not end the enrolment: show the error."""
        self.sig_feedback.emit(error, frame)
