"""ThreadedReader: frames handed over one at a time; errors and ends reported; a blocked read
can be walked away from, and the reader closes its source itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np

from kiosk.camera.reader import ReadEnded, ThreadedReader
from kiosk.core.types import Frame
from kiosk.errors import CameraError


def frame(index: int) -> Frame:
    return Frame(np.zeros((4, 4, 3), np.uint8), index * 10.0, index)


class Scripted:
    """Yields `count` frames, then raises `error` (if any) or blocks on `gate` (if any)."""

    def __init__(
        self, count: int, error: Exception | None = None, gate: threading.Event | None = None
    ) -> None:
        self.name = "scripted"
        self.count, self.error, self.gate = count, error, gate
        self.closed = threading.Event()

    def frames(self) -> Iterator[Frame]:
        for i in range(self.count):
            yield frame(i)
        if self.gate is not None:
            self.gate.wait()  # a driver read that does not return
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed.set()


def drain(reader: ThreadedReader) -> list[Frame | ReadEnded | None]:
    items: list[Frame | ReadEnded | None] = []
    while not items or isinstance(items[-1], Frame):
        items.append(reader.take(5.0))
    return items


def test_frames_then_the_end_in_order() -> None:
    source = Scripted(3)
    reader = ThreadedReader(source)
    reader.start()
    items = drain(reader)
    assert [i.index for i in items if isinstance(i, Frame)] == [0, 1, 2]
    assert items[-1] == ReadEnded(None)
    assert reader.abandon(5.0) and source.closed.is_set()


def test_an_error_mid_stream_is_handed_over() -> None:
    error = CameraError("camera 0 stopped delivering frames")
    reader = ThreadedReader(Scripted(2, error=error))
    reader.start()
    assert drain(reader)[-1] == ReadEnded(error)
    assert reader.abandon(5.0)


def test_a_blocked_read_can_be_abandoned_and_closes_when_it_returns() -> None:
    gate = threading.Event()
    source = Scripted(1, gate=gate)
    reader = ThreadedReader(source)
    reader.start()
    assert isinstance(reader.take(5.0), Frame)
    assert reader.take(0.05) is None  # stalled
    assert not reader.abandon(0.05)  # the read is still blocked
    assert not source.closed.is_set()  # never closed under a running read
    gate.set()  # the driver finally returns
    assert source.closed.wait(5.0)


def test_abandon_while_waiting_to_hand_over_returns_at_once() -> None:
    source = Scripted(100)
    reader = ThreadedReader(source)
    reader.start()
    assert isinstance(reader.take(5.0), Frame)
    assert reader.abandon(5.0)
    assert source.closed.is_set()
