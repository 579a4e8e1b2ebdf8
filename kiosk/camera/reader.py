"""Read a frame source in a thread of its own, so that a stalled driver cannot hold the caller.

A camera driver's read can block for ever (an unplugged USB camera, a hung V4L2 buffer), and
Python cannot interrupt it. `ThreadedReader` runs the source's blocking `frames()` loop in a
daemon thread and hands frames over through a one-item queue; the caller waits with a timeout
and can walk away (`abandon`). The reader owns the source and closes it itself when its loop
ends, so a source is never closed under a read that is still running. A read that never
returns leaves one daemon thread and one open device behind; the next open may then fail until
the driver gives up, which the caller's retry back-off absorbs.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass

from kiosk.camera.sources import FrameSource
from kiosk.core.types import Frame

log = logging.getLogger(__name__)

_PUT_TICK_S = 0.05  # how often a reader waiting to hand over a frame checks for abandonment


@dataclass(frozen=True, slots=True)
class ReadEnded:
    """The source's loop is over: it ended (`error` None) or raised `error`."""

    error: Exception | None


class ThreadedReader:
    """Runs `source.frames()` in a daemon thread; `take` the frames one at a time."""

    def __init__(self, source: FrameSource) -> None:
        """Take ownership of `source` (the reader closes it); call `start` to begin."""
        self.source = source
        self._queue: queue.Queue[Frame | ReadEnded] = queue.Queue(maxsize=1)
        self._abandoned = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-read", daemon=True)

    def start(self) -> None:
        """Start reading (the first frame is read ahead while the caller waits)."""
        self._thread.start()

    def take(self, timeout_s: float) -> Frame | ReadEnded | None:
        """The next frame, `ReadEnded` once the loop is over, or None after `timeout_s`."""
        try:
            return self._queue.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def abandon(self, join_s: float) -> bool:
        """Stop reading, waiting up to `join_s` for the thread; False if a read still blocks."""
        self._abandoned.set()
        self._thread.join(join_s)
        return not self._thread.is_alive()

    def _run(self) -> None:
        ended = ReadEnded(None)
        try:
            for frame in self.source.frames():
                if not self._offer(frame):
                    return
        except Exception as exc:  # any driver failure is handed to the caller, which reports it
            ended = ReadEnded(exc)
        finally:
            self._close()
        self._offer(ended)

    def _offer(self, item: Frame | ReadEnded) -> bool:
        """Hand `item` over, waiting while the caller has not taken the last one; False once
        abandoned."""
        while not self._abandoned.is_set():
            try:
                self._queue.put(item, timeout=_PUT_TICK_S)
                return True
            except queue.Full:
                continue
        return False

    def _close(self) -> None:
        try:
            self.source.close()
        except Exception:  # closing a dead device can fail too; nothing more to do
            log.exception("closing %s failed", self.source.name)
