"""BlazeFace in onnxruntime (the kiosk's detector) against MediaPipe Tasks running the original
.tflite files: boxes, scores and keypoints agree on every fixture photo and across the demo clip.

Runs in its own environment (`make test-mediapipe`): mediapipe requires opencv-contrib-python, a
different OpenCV from the kiosk's headless one, and two cv2 packages cannot share a venv.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.core.types import FaceBox
from kiosk.vision.blazeface import OrtBlazeFaceDetector
from kiosk.vision.manifest import load_manifest
from kiosk.vision.runtime import ImageBGR
from tests.mediapipe.tasks_detector import TasksFaceDetector

REPO = Path(__file__).resolve().parents[2]
FACES = REPO / "tests" / "fixtures" / "faces"
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"
DETECTORS = REPO / "models" / "face_detection"
# (manifest key of the ONNX model, its .tflite source, sha256 of that source as extracted from the
# mediapipe==0.10.21 wheel by models/build/build_detector.py)
PAIRS = [
    (
        "face_detector_short",
        "blazeface_short_range_mp0.10.21.tflite",
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    ),
    (
        "face_detector",
        "blazeface_full_range_sparse_mp0.10.21.tflite",
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
    ),
]
CLIP_FRAMES = 40
MIN_SCORE = 0.5
MIN_IOU = 0.9
MAX_SCORE_DIFF = 0.02
MAX_KEYPOINT_ERROR = 0.02  # fraction of the box width


def read_image(path: Path) -> ImageBGR:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, f"fixture {path} did not decode"
    return image


def _images(faces_dir: Path = FACES) -> Iterator[tuple[str, ImageBGR]]:
    """Every fixture photo, then CLIP_FRAMES frames spread over the demo clip."""
    for path in sorted(faces_dir.glob("**/*")):
        if path.suffix.lower() in {".jpg", ".jpeg", ".png"}:
            yield str(path.relative_to(faces_dir)), read_image(path)
    capture = cv2.VideoCapture(str(CLIP))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    wanted = set(np.linspace(0, total - 1, CLIP_FRAMES).astype(int).tolist())
    index = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index in wanted:
            yield f"clip frame {index}", frame
        index += 1
    capture.release()


def _iou(a: FaceBox, b: FaceBox) -> float:
    ax1, ay1, ax2, ay2 = a.xyxy
    bx1, by1, bx2, by2 = b.xyxy
    inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
    return inter / (a.width * a.height + b.width * b.height - inter)


@dataclass
class Worst:
    """The worst agreement seen so far, and what broke the limits."""

    images: int = 0
    faces: int = 0
    edge_faces: int = 0
    iou: float = 1.0
    score_diff: float = 0.0
    keypoint_error: float = 0.0
    failures: list[str] = field(default_factory=list)

    def compare(self, name: str, reference: tuple[FaceBox, ...], got: tuple[FaceBox, ...]) -> None:
        self.images += 1
        want = [f for f in reference if f.score > MIN_SCORE]
        have = [f for f in got if f.score > MIN_SCORE]
        if len(want) != len(have):
            self.failures.append(f"{name}: {len(want)} faces from MediaPipe, {len(have)} from ORT")
            return
        for face in want:
            match = max(have, key=lambda f: _iou(face, f))
            self._compare_face(name, face, match)

    def _compare_face(self, name: str, face: FaceBox, match: FaceBox) -> None:
        self.faces += 1
        # MediaPipe Tasks clamps a box's origin to 0 but keeps its width and height, so a face
        # cut by the left or top edge comes back shifted; ORT clips the box instead. Such faces
        # are compared by edge, score and keypoints.
        if face.xyxy[0] == 0 or face.xyxy[1] == 0:
            self.edge_faces += 1
            if (face.xyxy[0] == 0) != (match.xyxy[0] == 0) or (face.xyxy[1] == 0) != (
                match.xyxy[1] == 0
            ):
                self.failures.append(f"{name}: edge box {face.xyxy} vs {match.xyxy}")
        else:
            self.iou = min(self.iou, _iou(face, match))
            if _iou(face, match) <= MIN_IOU:
                self.failures.append(f"{name}: IoU {_iou(face, match):.3f}")
        diff = abs(face.score - match.score)
        self.score_diff = max(self.score_diff, diff)
        if diff > MAX_SCORE_DIFF:
            self.failures.append(f"{name}: score {face.score:.3f} vs {match.score:.3f}")
        points = np.subtract(face.keypoints_xy, match.keypoints_xy)
        error = float(np.hypot(points[:, 0], points[:, 1]).max()) / face.width
        self.keypoint_error = max(self.keypoint_error, error)
        if error > MAX_KEYPOINT_ERROR:
            self.failures.append(f"{name}: keypoints off by {error:.1%} of the box width")


@pytest.mark.parametrize(("ort_key", "tflite", "sha256"), PAIRS)
def test_ort_detections_match_mediapipe_tasks(ort_key: str, tflite: str, sha256: str) -> None:
    spec = load_manifest(REPO / "models").get(ort_key)
    assert spec.input.height in (128, 192)
    worst = Worst()
    with TasksFaceDetector(DETECTORS / tflite, sha256, min_score=MIN_SCORE) as reference:
        detector = OrtBlazeFaceDetector(spec, threads=1, min_score=MIN_SCORE)
        try:
            for name, image in _images():
                worst.compare(name, reference.detect(image), detector.detect(image))
        finally:
            detector.close()
    print(
        f"\n{ort_key}: {worst.images} images, {worst.faces} faces ({worst.edge_faces} at the "
        f"left/top edge); worst IoU {worst.iou:.4f}, score diff {worst.score_diff:.4f}, "
        f"keypoint error {worst.keypoint_error:.2%} of box width"
    )
    assert worst.images >= CLIP_FRAMES + 10
    assert worst.faces >= CLIP_FRAMES
    assert not worst.failures, "\n".join(worst.failures)
