"""FaceFinder's rules with fake detectors and mesh: confirmation, rejection memory, crowds,
which detectors run on camera frames."""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from kiosk.core.types import FaceBox, FaceMesh, readonly
from kiosk.vision.detector import FaceDetector, MultiFaceDetector
from kiosk.vision.finder import FaceFinder
from kiosk.vision.finder_records import FinderRules
from kiosk.vision.mesh import OrtFaceMesh


class FakeDetector:
    def __init__(self, boxes: list[FaceBox]) -> None:
        self.boxes, self.calls = boxes, 0

    @property
    def spec(self) -> Any:
        return None

    def detect(self, image_bgr: Any, min_score: float | None = None) -> tuple[FaceBox, ...]:
        self.calls += 1
        return tuple(b for b in self.boxes if min_score is None or b.score >= min_score)

    def close(self) -> None:
        return None


class FakeMesh:
    """Presence by box score: real faces (score >= 0.7) have presence 1, others 0."""

    def __init__(self) -> None:
        self.calls = 0

    def landmarks(self, image_bgr: Any, face: FaceBox, margin: float | None = None) -> FaceMesh:
        self.calls += 1
        x1, y1, x2, y2 = face.xyxy
        points = np.zeros((468, 3), np.float32)
        points[:, 0], points[:, 1] = (x1 + x2) / 2, (y1 + y2) / 2
        return FaceMesh(readonly(points), 1.0 if face.score >= 0.7 else 0.0)

    def trusted(self, mesh: FaceMesh) -> bool:
        return mesh.presence >= 0.5


IMAGE = np.zeros((480, 640, 3), np.uint8)


def _finder(boxes: list[FaceBox]) -> tuple[FaceFinder, FakeDetector, FakeMesh]:
    detector, mesh = FakeDetector(boxes), FakeMesh()
    return FaceFinder(detector, cast(OrtFaceMesh, mesh), FinderRules()), detector, mesh


def test_weak_detections_the_mesh_rejects_are_dropped_and_remembered() -> None:
    texture = FaceBox((500.0, 10.0, 560.0, 70.0), 0.6)  # weak, presence 0, not mirrored
    face = FaceBox((100.0, 100.0, 200.0, 200.0), 0.9)
    finder, detector, mesh = _finder([face, texture])
    assert [f.box for f in finder.find(IMAGE)] == [face]
    first = (detector.calls, mesh.calls)  # detect + mirrored detect; 2 meshes + second look
    assert first == (2, 3)
    finder.find(IMAGE)  # the same texture again: rejected without a second look
    assert (detector.calls - first[0], mesh.calls - first[1]) == (1, 2)


def test_a_crowd_reuses_meshes_every_other_frame() -> None:
    boxes = [FaceBox((10.0 + 150 * i, 100.0, 110.0 + 150 * i, 200.0), 0.9) for i in range(4)]
    finder, _, mesh = _finder(boxes)
    assert all(f.fresh for f in finder.find(IMAGE))
    calls = mesh.calls
    second = finder.find(IMAGE)
    assert mesh.calls - calls == 2 and sum(f.fresh for f in second) == 2
    third = finder.find(IMAGE)  # the faces reused last frame get a fresh mesh now
    assert [f.fresh for f in third] != [f.fresh for f in second]


def test_stills_never_reuse_meshes() -> None:
    boxes = [FaceBox((10.0 + 150 * i, 100.0, 110.0 + 150 * i, 200.0), 0.9) for i in range(4)]
    finder, _, _ = _finder(boxes)
    for _ in range(2):
        assert all(f.fresh for f in finder.find(IMAGE, still=True))


def _two_detectors(near: list[FaceBox], far: list[FaceBox]) -> tuple[FaceFinder, FakeDetector]:
    first, second = FakeDetector(near), FakeDetector(far)
    multi = MultiFaceDetector([cast(FaceDetector, first), cast(FaceDetector, second)])
    return FaceFinder(multi, cast(OrtFaceMesh, FakeMesh()), FinderRules(scan_every=3)), second


def test_camera_frames_run_the_second_detector_every_third_frame() -> None:
    face = FaceBox((100.0, 100.0, 200.0, 200.0), 0.9)
    finder, second = _two_detectors([face], [face])
    found = [len(finder.find(IMAGE)) for _ in range(6)]
    assert found == [1] * 6 and second.calls == 2
    assert not finder.scanned


def test_a_face_only_the_second_detector_sees_stays_found_on_every_frame() -> None:
    near = FaceBox((100.0, 100.0, 200.0, 200.0), 0.9)
    far = FaceBox((400.0, 40.0, 440.0, 80.0), 0.9)
    finder, second = _two_detectors([near], [far])
    assert [len(finder.find(IMAGE)) for _ in range(5)] == [2] * 5
    assert second.calls == 5


def test_stills_always_run_every_detector() -> None:
    face = FaceBox((100.0, 100.0, 200.0, 200.0), 0.9)
    finder, second = _two_detectors([face], [face])
    for _ in range(4):
        finder.find(IMAGE, still=True)
    assert second.calls == 4


class ThresholdDetector(FakeDetector):
    """Like a real detector: boxes below its own threshold only when asked for by min_score."""

    def detect(self, image_bgr: Any, min_score: float | None = None) -> tuple[FaceBox, ...]:
        return super().detect(image_bgr, 0.5 if min_score is None else min_score)


class SureMesh(FakeMesh):
    """The same presence for every box."""

    def __init__(self, presence: float) -> None:
        super().__init__()
        self.presence = presence

    def landmarks(self, image_bgr: Any, face: FaceBox, margin: float | None = None) -> FaceMesh:
        mesh = super().landmarks(image_bgr, face, margin)
        return FaceMesh(mesh.points_xyz, self.presence)


def _weak_finder(presence: float) -> FaceFinder:
    small_photo_box = FaceBox((40.0, 40.0, 200.0, 200.0), 0.45)  # a masked face filling it
    detector, mesh = ThresholdDetector([small_photo_box]), SureMesh(presence)
    return FaceFinder(detector, cast(OrtFaceMesh, mesh), FinderRules())


SMALL_PHOTO = np.zeros((72, 72, 3), np.uint8)


def test_a_still_takes_a_weak_detection_the_mesh_is_sure_of_on_its_last_look() -> None:
    (face,) = _weak_finder(presence=0.9).find(SMALL_PHOTO, still=True)
    x1, y1, x2, y2 = face.box.xyxy
    assert 0 <= x1 < x2 <= 72 and 0 <= y1 < y2 <= 72  # mapped back into the photo
    assert face.box.score == 0.45


def test_a_weak_detection_the_mesh_doubts_stays_no_face() -> None:
    assert _weak_finder(presence=0.3).find(SMALL_PHOTO, still=True) == ()


def test_camera_frames_never_take_weak_detections() -> None:
    assert _weak_finder(presence=0.9).find(SMALL_PHOTO) == ()


def test_a_per_call_threshold_reaches_every_detector_of_a_multi_detector() -> None:
    weak, strong = FaceBox((10.0, 10.0, 60.0, 60.0), 0.4), FaceBox((200.0, 10.0, 300.0, 110.0), 0.9)
    multi = MultiFaceDetector([ThresholdDetector([weak]), ThresholdDetector([strong])])
    assert multi.detect(IMAGE) == (strong,)
    assert multi.detect(IMAGE, min_score=0.35) == (strong, weak)
