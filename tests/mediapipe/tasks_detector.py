"""The reference: MediaPipe Tasks' `FaceDetector` on the original BlazeFace `.tflite` files.

Only this test environment has mediapipe (it requires opencv-contrib-python, which the kiosk does
not ship); the kiosk runs the same models converted to ONNX (`kiosk.vision.blazeface`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from kiosk.core.types import FaceBox
from kiosk.vision.runtime import ImageBGR


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while MediaPipe loads or closes a model.

    Its loader prints dozens of "Sparsity tensors may not yet be fully supported" lines from
    native code that no logging setting reaches; errors still arrive as Python exceptions.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with Path(os.devnull).open("wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class TasksFaceDetector:
    """BlazeFace in MediaPipe Tasks, with the kiosk detector's `detect` API (BGR in, FaceBoxes)."""

    def __init__(self, path: Path, sha256: str, min_score: float, nms_iou: float = 0.3) -> None:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert digest == sha256, f"{path} has sha256 {digest}, expected {sha256}"
        options = vision.FaceDetectorOptions(
            base_options=BaseOptions(model_asset_buffer=data),
            running_mode=vision.RunningMode.IMAGE,
            min_detection_confidence=min_score,
            min_suppression_threshold=nms_iou,
        )
        with native_stderr_silenced():
            self._detector = vision.FaceDetector.create_from_options(options)

    def detect(self, image_bgr: ImageBGR, min_score: float | None = None) -> tuple[FaceBox, ...]:
        """Faces in one BGR frame, most confident first, boxes clipped to the frame.

        A `min_score` above the threshold the task was built with drops weaker faces; one
        below it cannot bring back what the task already left out.
        """
        height, width = image_bgr.shape[:2]
        rgb = np.ascontiguousarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB))
        result = self._detector.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb))
        faces = []
        for det in result.detections:
            box = det.bounding_box
            x1, y1 = max(0.0, float(box.origin_x)), max(0.0, float(box.origin_y))
            x2 = min(float(width), float(box.origin_x + box.width))
            y2 = min(float(height), float(box.origin_y + box.height))
            if x2 <= x1 or y2 <= y1:
                continue
            score = min(1.0, max(0.0, float(det.categories[0].score)))
            if min_score is not None and score < min_score:
                continue
            keypoints = tuple((kp.x * width, kp.y * height) for kp in det.keypoints or ())
            faces.append(FaceBox(xyxy=(x1, y1, x2, y2), score=score, keypoints_xy=keypoints))
        faces.sort(key=lambda f: f.score, reverse=True)
        return tuple(faces)

    def close(self) -> None:
        """Release the native detector (its own finaliser fails at interpreter exit)."""
        if self._detector is not None:
            with native_stderr_silenced():
                self._detector.close()
            self._detector = None

    def __enter__(self) -> TasksFaceDetector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
