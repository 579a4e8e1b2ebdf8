"""Face detection with MediaPipe BlazeFace, run by the MediaPipe Tasks `FaceDetector`."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from kiosk.core.types import FaceBox
from kiosk.errors import InputError, ModelError
from kiosk.vision.manifest import ModelSpec, read_verified
from kiosk.vision.runtime import ImageBGR

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for a moment.

    MediaPipe's model loader prints dozens of warnings per load ("Sparsity tensors may not yet be
    fully supported") from native code that no logging setting reaches. Used only around loading
    and closing; errors still arrive as Python exceptions.
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


class FaceDetector(Protocol):
    """A face detector: BGR frame in, `FaceBox`es (frame pixels, most confident first) out."""

    @property
    def spec(self) -> ModelSpec:
        """The manifest entry of the model it runs."""
        ...

    def detect(self, image_bgr: ImageBGR) -> tuple[FaceBox, ...]:
        """Faces in one uint8 (H, W, 3) BGR frame, most confident first."""
        ...

    def close(self) -> None:
        """Release native resources; safe to call twice."""
        ...


class MediaPipeFaceDetector:
    """BlazeFace from a verified `.tflite` file; `detect` takes BGR frames and returns `FaceBox`es.

    Close it (or use it as a context manager): the Tasks detector's own finaliser fails at
    interpreter exit.
    """

    def __init__(self, spec: ModelSpec, min_score: float | None = None) -> None:
        """Load the detector.

        Args:
            spec: manifest entry with runtime "mediapipe".
            min_score: detection threshold in [0, 1]; the manifest's `min_score` when None.

        Raises:
            ModelError: wrong runtime, bad hash, or MediaPipe cannot load the file.
        """
        if spec.runtime != "mediapipe":
            raise ModelError(f"{spec.key}: runtime is {spec.runtime!r}, expected 'mediapipe'")
        self.spec = spec
        self.min_score = spec.threshold("min_score") if min_score is None else min_score
        options = vision.FaceDetectorOptions(
            base_options=BaseOptions(model_asset_buffer=read_verified(spec)),
            running_mode=vision.RunningMode.IMAGE,
            min_detection_confidence=self.min_score,
            min_suppression_threshold=spec.thresholds.get("nms_iou", 0.3),
        )
        try:
            with _native_stderr_silenced():
                self._detector = vision.FaceDetector.create_from_options(options)
                self.detect(np.zeros((spec.input.height, spec.input.width, 3), dtype=np.uint8))
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"model file {spec.path} ({spec.key}) does not load: {exc}") from exc
        log.info("loaded detector %s (%s)", spec.key, spec.path.name)

    def detect(self, image_bgr: ImageBGR) -> tuple[FaceBox, ...]:
        """Faces in one frame, most confident first.

        Args:
            image_bgr: uint8 (H, W, 3) BGR frame.

        Raises:
            InputError: the frame is not an (H, W, 3) uint8 array.
        """
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise InputError(
                f"expected a BGR uint8 frame of shape (H, W, 3), got {image_bgr.dtype} "
                f"{image_bgr.shape}"
            )
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
            keypoints = tuple((kp.x * width, kp.y * height) for kp in det.keypoints or ())
            faces.append(FaceBox(xyxy=(x1, y1, x2, y2), score=score, keypoints_xy=keypoints))
        faces.sort(key=lambda f: f.score, reverse=True)
        return tuple(faces)

    def close(self) -> None:
        """Release the native detector; safe to call twice."""
        detector = getattr(self, "_detector", None)
        if detector is not None:
            with _native_stderr_silenced():
                detector.close()
            self._detector = None

    def __enter__(self) -> MediaPipeFaceDetector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _overlap(a: FaceBox, b: FaceBox) -> float:
    ax1, ay1, ax2, ay2 = a.xyxy
    bx1, by1, bx2, by2 = b.xyxy
    inter = max(0.0, min(ax2, bx2) - max(ax1, bx1)) * max(0.0, min(ay2, by2) - max(ay1, by1))
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union > 0 else 0.0


class MultiFaceDetector:
    """Several BlazeFace models on the same frame, merged by non-maximum suppression.

    The short-range model finds faces that fill the frame (a shopper close to the screen) and
    misses small, far ones; the full-range model is the other way round. Together they cover
    both for about 1.5 ms more than the full-range model alone.
    """

    def __init__(self, detectors: Sequence[FaceDetector], merge_iou: float = 0.3) -> None:
        if not detectors:
            raise ModelError("MultiFaceDetector needs at least one detector")
        self.detectors = tuple(detectors)
        self.merge_iou = merge_iou

    @property
    def spec(self) -> ModelSpec:
        """The first detector's manifest entry (input size used for blank warm-up frames)."""
        return self.detectors[0].spec

    def detect(self, image_bgr: ImageBGR) -> tuple[FaceBox, ...]:
        """Faces from every model, overlapping boxes merged (the most confident kept)."""
        candidates = sorted(
            (face for d in self.detectors for face in d.detect(image_bgr)),
            key=lambda f: f.score,
            reverse=True,
        )
        kept: list[FaceBox] = []
        for face in candidates:
            if all(_overlap(face, other) < self.merge_iou for other in kept):
                kept.append(face)
        return tuple(kept)

    def close(self) -> None:
        """Close every detector."""
        for detector in self.detectors:
            detector.close()
