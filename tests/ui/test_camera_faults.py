"""Camera faults: a source that stalls, goes black, changes size or disappears mid-stream.

The camera thread reports each fault as a state, keeps (or gets) frames flowing again, and
never takes the kiosk down. Fake sources yield small synthetic frames, paced by the worker at
their timestamps; stall times are short (0.3 s) so the suite stays fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk.camera.plan import SourcePlan
from kiosk.camera.sources import FrameSource, VideoFileSource
from kiosk.config import KioskConfig
from kiosk.core.camera_health import DARK_DETAIL
from kiosk.core.gallery import Gallery
from kiosk.core.latest import LatestSlot
from kiosk.core.types import Frame, FrameResult, StageTimes
from kiosk.errors import CameraError
from kiosk.paths import demo_clip
from kiosk.ui.launch import build_shopper
from kiosk.ui.shopper import VideoView, to_qimage
from kiosk.ui.workers import DARK, LIVE, LOST, STOPPED, CameraState, CameraWorker
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline

STALL_S = 0.3
FRAME_MS = 10.0
GREY, BLACK = 120, 2


def image(height: int = 48, width: int = 64, level: int = GREY) -> np.ndarray:
    return np.full((height, width, 3), level, np.uint8)


@dataclass
class FakeCamera:
    """Opens a fresh source each time; `script(opens)` says what that source yields."""

    script: Callable[[int], Iterator[np.ndarray | Exception | None]]
    opens: int = 0
    gate: threading.Event = field(default_factory=threading.Event)  # set: stalls end

    def open(self) -> FrameSource:
        self.opens += 1
        return _Source(self, self.script(self.opens))


class _Source:
    def __init__(self, camera: FakeCamera, items: Iterator[np.ndarray | Exception | None]):
        self.name, self._camera, self._items = "fake camera", camera, items
        self.closed = False

    def frames(self) -> Iterator[Frame]:
        for index, item in enumerate(self._items):
            if item is None:  # the driver's read blocks until the test ends
                self._camera.gate.wait()
                return
            if isinstance(item, Exception):
                raise item
            yield Frame(item, index * FRAME_MS, index)

    def close(self) -> None:
        self.closed = True


@dataclass
class Running:
    worker: CameraWorker
    slot: LatestSlot[Frame]
    states: list[CameraState]

    def names(self) -> list[str]:
        return [s.state for s in list(self.states)]


@pytest.fixture
def run_camera(qtbot: QtBot) -> Iterator[Callable[[FakeCamera], Running]]:
    started: list[tuple[CameraWorker, FakeCamera]] = []

    def start(camera: FakeCamera) -> Running:
        slot: LatestSlot[Frame] = LatestSlot()
        worker = CameraWorker(camera.open, slot, paced=True, backoff_s=(0.05, 0.1), stall_s=STALL_S)
        states: list[CameraState] = []
        worker.sig_state.connect(states.append)
        started.append((worker, camera))
        worker.start()
        return Running(worker, slot, states)

    yield start
    for worker, camera in started:
        worker.stop()
        assert worker.wait(3000), "the camera thread did not stop"
        camera.gate.set()  # let abandoned reader threads finish


def forever(level: int = GREY) -> Iterator[np.ndarray]:
    while True:
        yield image(level=level)


def test_a_stalled_camera_is_lost_and_reconnected(
    qtbot: QtBot, run_camera: Callable[[FakeCamera], Running]
) -> None:
    def script(opens: int) -> Iterator[np.ndarray | None]:
        yield from [image()] * 5
        if opens == 1:
            yield None  # stalls without an error
        yield from forever()

    camera = FakeCamera(script)
    running = run_camera(camera)
    qtbot.waitUntil(lambda: LOST in running.names(), timeout=5000)
    lost = next(s for s in running.states if s.state == LOST)
    assert lost.detail == f"no frames for {STALL_S:g} s"
    assert lost.retry_in_s == 0.05  # frames had come: back-off starts afresh
    qtbot.waitUntil(lambda: running.names().count(LIVE) >= 2, timeout=5000)
    assert camera.opens == 2
    assert running.slot.take(2.0) is not None  # frames flow again


def test_stop_returns_while_a_read_is_blocked(
    qtbot: QtBot, run_camera: Callable[[FakeCamera], Running]
) -> None:
    camera = FakeCamera(lambda _: iter([image(), None]))
    running = run_camera(camera)
    qtbot.waitUntil(lambda: LIVE in running.names(), timeout=5000)
    running.worker.stop()
    assert running.worker.wait(2000)
    qtbot.waitUntil(lambda: STOPPED in running.names(), timeout=1000)


def test_black_frames_are_dark_and_still_delivered_then_live_again(
    qtbot: QtBot, run_camera: Callable[[FakeCamera], Running]
) -> None:
    def script(_: int) -> Iterator[np.ndarray]:
        yield from [image()] * 5
        yield from [image(level=BLACK)] * 60
        yield from forever()

    running = run_camera(FakeCamera(script))
    qtbot.waitUntil(lambda: DARK in running.names(), timeout=5000)
    dark = next(s for s in running.states if s.state == DARK)
    assert dark.detail == DARK_DETAIL
    frame = running.slot.take(2.0)
    assert frame is not None and frame.image_bgr.max() <= BLACK  # black frames still flow
    qtbot.waitUntil(lambda: running.names()[-1] == LIVE, timeout=5000)
    assert running.states[-1].detail == "the picture is back"
    assert LOST not in running.names()


def test_a_size_change_is_reported_and_frames_of_both_sizes_flow(
    qtbot: QtBot, run_camera: Callable[[FakeCamera], Running]
) -> None:
    def script(_: int) -> Iterator[np.ndarray]:
        while True:
            yield from [image(48, 64)] * 5
            yield from [image(72, 128)] * 5

    running = run_camera(FakeCamera(script))
    sizes: set[tuple[int, ...]] = set()

    def collect() -> bool:
        frame = running.slot.take(0.05)
        if frame is not None:
            sizes.add(frame.image_bgr.shape)
        return len(sizes) == 2

    qtbot.waitUntil(collect, timeout=5000)
    resized = [s for s in running.states if "picture size changed" in s.detail]
    assert resized and resized[0].state == LIVE
    assert resized[0].detail == "picture size changed from 64x48 to 128x72"
    assert LOST not in running.names()


def test_a_camera_that_disappears_is_lost_and_retried(
    qtbot: QtBot, run_camera: Callable[[FakeCamera], Running]
) -> None:
    unplugged = CameraError("camera 0 stopped delivering frames")

    def script(opens: int) -> Iterator[np.ndarray | Exception]:
        yield from [image()] * 5
        if opens <= 2:
            yield unplugged
        yield from forever()

    camera = FakeCamera(script)
    running = run_camera(camera)
    qtbot.waitUntil(lambda: camera.opens >= 3 and running.names()[-1] == LIVE, timeout=5000)
    lost = [s for s in running.states if s.state == LOST]
    assert [s.detail for s in lost] == [str(unplugged)] * 2
    assert all(s.retry_in_s == 0.05 for s in lost)  # frames came each time


def test_the_view_shows_a_stalled_camera_and_recovers(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    clip = demo_clip()
    stalled = _StallAfter(VideoFileSource(clip), 20)
    sources: list[FrameSource] = [stalled]

    def open_clip() -> FrameSource:
        return sources.pop() if sources else VideoFileSource(clip, loop=True)

    view, controller = build_shopper(
        config, vision_models, demo_gallery, SourcePlan(open_clip, True, "stalling"), None
    )
    qtbot.addWidget(view)
    controller.camera._backoff_s = (0.05,)
    controller.camera._health = type(controller.camera._health)(stall_s=STALL_S)
    controller.start()
    try:
        qtbot.waitUntil(lambda: "no frames for 0.3 s" in view.video._status, timeout=10_000)
        assert "not available" in view.video._status
        shown = view.video.frames_shown
        qtbot.waitUntil(lambda: view.video.frames_shown > shown + 5, timeout=20_000)
        assert view.video._status == ""
        assert controller.running
    finally:
        controller.stop()
        stalled.release.set()


class _StallAfter:
    """A real video source whose read blocks for good after `count` frames."""

    def __init__(self, source: VideoFileSource, count: int) -> None:
        self.name, self._source, self._count = source.name, source, count
        self.release = threading.Event()

    def frames(self) -> Iterator[Frame]:
        for frame in self._source.frames():
            if frame.index >= self._count:
                self.release.wait()
                return
            yield frame

    def close(self) -> None:
        self._source.close()


def test_the_view_draws_frames_of_two_sizes(qtbot: QtBot) -> None:
    view = VideoView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    clip_frame = _clip_frames(41)[40]
    for size in [(640, 480), (320, 240), (1280, 720), (640, 480)]:
        resized = np.asarray(cv2.resize(clip_frame.image_bgr, size), dtype=np.uint8)
        view.show_frame(to_qimage(resized), _empty_result(size))
        assert not view.grab().isNull()
    assert view.frames_shown == 4


def _empty_result(size: tuple[int, int]) -> FrameResult:
    return FrameResult(0, 0.0, size[0], size[1], (), StageTimes(0, 0, 0, 0, 0, 0))


def _clip_frames(count: int) -> list[Frame]:
    with VideoFileSource(demo_clip()) as source:
        frames: list[Frame] = []
        for frame in source.frames():
            frames.append(frame)
            if len(frames) == count:
                return frames
    return frames


@pytest.mark.models
def test_the_pipeline_takes_frames_of_two_sizes_alternately(
    config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    """Boxes are in each frame's pixels, so each size keeps a track of its own (at most two),
    both identify the person, and the tracks of a size that stopped coming expire."""
    pipeline = Pipeline(vision_models, demo_gallery, config.pipeline)
    big = _clip_frames(41)[40].image_bgr  # Obama, 640x480
    small = np.ascontiguousarray(cv2.resize(big, (320, 240)), dtype=np.uint8)
    step_ms = 33.3
    results = [pipeline.process(Frame(small if i % 2 else big, i * step_ms, i)) for i in range(30)]
    for i, result in enumerate(results):
        width, height = (320, 240) if i % 2 else (640, 480)
        assert (result.width, result.height) == (width, height)
        assert len(result.faces) == 1
        x1, y1, x2, y2 = result.faces[0].box.xyxy
        assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height  # in this frame's pixels
    ids_by_size = [{r.faces[0].track_id for r in results[parity::2]} for parity in (0, 1)]
    assert all(len(ids) == 1 for ids in ids_by_size) and ids_by_size[0] != ids_by_size[1]
    assert {f.identity.name for r in results[-4:] for f in r.faces} == {"Obama"}
    gap_frames = int((config.pipeline.track_gap_ms + 100.0) / step_ms) + 1
    only_big = [pipeline.process(Frame(big, i * step_ms, i)) for i in range(30, 30 + gap_frames)]
    assert {r.faces[0].track_id for r in only_big} == ids_by_size[0]  # the big track goes on
    assert len(pipeline._tracks) == 1  # the small size's track expired


def test_the_view_keeps_saying_why_the_picture_is_black(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, demo_gallery: Gallery
) -> None:
    def script(opens: int) -> Iterator[np.ndarray | Exception | None]:
        for _ in range(400):
            yield image(level=0)  # a covered lens
        yield from forever()

    camera = FakeCamera(script)
    view, controller = build_shopper(
        config, vision_models, demo_gallery, SourcePlan(camera.open, True, "covered"), None
    )
    qtbot.addWidget(view)
    controller.start()
    try:
        qtbot.waitUntil(lambda: "black" in view.video._status, timeout=10_000)
        shown = view.video.frames_shown
        qtbot.waitUntil(lambda: view.video.frames_shown > shown + 3, timeout=10_000)
        assert "black" in view.video._status  # frames keep coming, the message stays
        qtbot.waitUntil(lambda: view.video._status == "", timeout=30_000)  # lens uncovered
    finally:
        controller.stop()
