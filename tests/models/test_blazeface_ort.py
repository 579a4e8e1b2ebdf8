"""BlazeFace in onnxruntime (`OrtBlazeFaceDetector`, the default) against MediaPipe Tasks
running the original .tflite files (the `*_mp` manifest entries)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.core.types import FaceBox
from kiosk.errors import ModelError
from kiosk.vision.blazeface import OrtBlazeFaceDetector
from kiosk.vision.detector import MediaPipeFaceDetector, MultiFaceDetector
from kiosk.vision.manifest import Manifest
from kiosk.vision.models import check_model, load_detector, load_vision_models
from kiosk.vision.runtime import ImageBGR
from tests.models.conftest import read_image

PAIRS = [("face_detector_short_mp", "face_detector_short"), ("face_detector_mp", "face_detector")]
CLIP = Path(__file__).resolve().parents[2] / "assets" / "demo" / "pd_stills_clip.mp4"
CLIP_FRAMES = 40
MIN_SCORE = 0.5
MIN_IOU = 0.9
MAX_SCORE_DIFF = 0.02
MAX_KEYPOINT_ERROR = 0.02  # fraction of the box width


@pytest.fixture(scope="session")
def ort_manifest(manifest: Manifest) -> Manifest:
    """The real manifest (it has both the onnxruntime and the MediaPipe Tasks entries)."""
    return manifest


def _images(faces_dir: Path) -> Iterator[tuple[str, ImageBGR]]:
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


@pytest.mark.parametrize(("mediapipe_key", "ort_key"), PAIRS)
def test_ort_detections_match_mediapipe(
    ort_manifest: Manifest, faces_dir: Path, mediapipe_key: str, ort_key: str
) -> None:
    reference = MediaPipeFaceDetector(ort_manifest.get(mediapipe_key), min_score=MIN_SCORE)
    detector = OrtBlazeFaceDetector(ort_manifest.get(ort_key), threads=1, min_score=MIN_SCORE)
    worst = Worst()
    try:
        for name, image in _images(faces_dir):
            worst.compare(name, reference.detect(image), detector.detect(image))
    finally:
        reference.close()
        detector.close()
    print(
        f"\n{ort_key}: {worst.images} images, {worst.faces} faces ({worst.edge_faces} at the "
        f"left/top edge); worst IoU {worst.iou:.4f}, score diff {worst.score_diff:.4f}, "
        f"keypoint error {worst.keypoint_error:.2%} of box width"
    )
    assert worst.images >= CLIP_FRAMES + 10
    assert not worst.failures, "\n".join(worst.failures)


@pytest.mark.parametrize("key", ["face_detector", "face_detector_short"])
def test_runtime_picks_the_detector_class(ort_manifest: Manifest, key: str) -> None:
    detector = load_detector(ort_manifest.get(key), threads=1)
    assert isinstance(detector, OrtBlazeFaceDetector)
    detector.close()
    detector.close()
    with pytest.raises(ModelError, match="was closed"):
        detector.detect(np.zeros((48, 64, 3), dtype=np.uint8))
    check = check_model(ort_manifest.get(key), threads=1, runs=2)
    assert check.ok, check.error


def test_vision_models_run_on_onnx_detectors_alone(ort_manifest: Manifest, faces_dir: Path) -> None:
    models = load_vision_models(
        ort_manifest, threads=1, detector_keys="face_detector_short,face_detector"
    )
    try:
        assert isinstance(models.detector, MultiFaceDetector)
        assert all(isinstance(d, OrtBlazeFaceDetector) for d in models.detector.detectors)
        faces = models.detector.detect(read_image(faces_dir / "together/obama_and_biden_1.jpg"))
        assert len([f for f in faces if f.score > 0.6]) == 2
    finally:
        models.close()


def test_a_wrong_input_size_is_refused(ort_manifest: Manifest) -> None:
    spec = ort_manifest.get("face_detector")
    wrong = dataclasses.replace(spec, input=dataclasses.replace(spec.input, height=160, width=160))
    with pytest.raises(ModelError, match=r"128x128 or 192x192"):
        OrtBlazeFaceDetector(wrong, threads=1)
