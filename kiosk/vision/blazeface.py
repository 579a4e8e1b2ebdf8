"""Face detection with MediaPipe's BlazeFace models converted to ONNX, run by onnxruntime.

The same models, pre- and post-processing as the MediaPipe Tasks `FaceDetector` (checked against
it in tests/mediapipe), without MediaPipe: the frame is letterboxed to the model input
(aspect ratio kept, zero padding, bilinear), scaled to [-1, 1], run, decoded against
MediaPipe's SSD anchors, merged by weighted NMS and mapped back to frame pixels
(`kiosk.core.ssd`).
"""

from __future__ import annotations

import logging
from types import TracebackType

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.ssd import (
    Detections,
    Letterbox,
    blazeface_options,
    decode,
    generate_anchors,
    weighted_nms,
)
from kiosk.core.types import FaceBox
from kiosk.errors import InputError, ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR, OrtModel

log = logging.getLogger(__name__)


class OrtBlazeFaceDetector:
    """BlazeFace (ONNX) from a verified manifest entry; `detect` takes BGR frames.

    Same results as MediaPipe Tasks' `FaceDetector` (within float rounding): boxes in frame
    pixels clipped to the frame, 6 keypoints, most confident first.
    """

    def __init__(self, spec: ModelSpec, threads: int, min_score: float | None = None) -> None:
        """Load the detector.

        Args:
            spec: manifest entry with runtime "onnxruntime", task "detection", a 128x128
                (short-range) or 192x192 (full-range) RGB NHWC float32 input.
            threads: onnxruntime intra-op threads.
            min_score: detection threshold in [0, 1]; the manifest's `min_score` when None.

        Raises:
            ModelError: wrong runtime or task, bad hash, an input size no BlazeFace model has,
                or outputs that do not match the anchors.
        """
        if spec.task != "detection":
            raise ModelError(f"{spec.key}: task is {spec.task!r}, expected 'detection'")
        if spec.input.colour != "RGB" or spec.input.layout != "NHWC":
            raise ModelError(
                f"{spec.key}: expected an RGB NHWC input, the manifest says "
                f"{spec.input.colour} {spec.input.layout}"
            )
        try:
            anchor_options, self._decode = blazeface_options(spec.input.height, spec.input.width)
        except ValueError as exc:
            raise ModelError(f"{spec.key}: {exc}") from exc
        self.spec = spec
        self.min_score = spec.threshold("min_score") if min_score is None else min_score
        self.nms_iou = spec.thresholds.get("nms_iou", 0.3)
        self._anchors = generate_anchors(anchor_options)
        self._mean = np.asarray(spec.input.mean, dtype=np.float32)
        self._inv_std = 1.0 / np.asarray(spec.input.std, dtype=np.float32)
        self._model: OrtModel | None = OrtModel(spec, threads)
        self._box_output, self._score_output = self._find_outputs(self._model)
        log.info("loaded detector %s (%s)", spec.key, spec.path.name)

    def _find_outputs(self, model: OrtModel) -> tuple[int, int]:
        """Indices of the regressor and score outputs, checked against the anchors."""
        outputs = model.run(np.zeros(model.input_shape, dtype=np.float32))
        count, coords = self._anchors.shape[0], self._decode.num_coords
        shapes = [tuple(o.shape) for o in outputs]
        if sorted(shapes) != sorted([(1, count, 1), (1, count, coords)]):
            raise ModelError(
                f"{self.spec.path} ({self.spec.key}): expected outputs (1, {count}, {coords}) "
                f"and (1, {count}, 1) for {count} anchors, the model gives {shapes}"
            )
        boxes = shapes.index((1, count, coords))
        return boxes, 1 - boxes

    def detect(self, image_bgr: ImageBGR, min_score: float | None = None) -> tuple[FaceBox, ...]:
        """Faces in one frame, most confident first.

        Args:
            image_bgr: uint8 (H, W, 3) BGR frame.
            min_score: this call's detection threshold (the detector's `min_score` when None).

        Raises:
            InputError: the frame is not an (H, W, 3) uint8 array.
            ModelError: the detector was closed.
        """
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise InputError(
                f"expected a BGR uint8 frame of shape (H, W, 3), got {image_bgr.dtype} "
                f"{image_bgr.shape}"
            )
        if self._model is None:
            raise ModelError(f"detector {self.spec.key} was closed")
        height, width = image_bgr.shape[:2]
        box = Letterbox.fit(width, height, self.spec.input.width, self.spec.input.height)
        outputs = self._model.run(self._to_tensor(image_bgr, box))
        found = decode(
            outputs[self._box_output][0],
            outputs[self._score_output][0],
            self._anchors,
            self._decode,
            self.min_score if min_score is None else min_score,
        )
        return _to_faces(weighted_nms(found, self.nms_iou), box, width, height)

    def _to_tensor(self, image_bgr: ImageBGR, box: Letterbox) -> npt.NDArray[np.float32]:
        """Letterbox to the input size (bilinear, zero border), RGB, (x - mean) / std."""
        size = (self.spec.input.width, self.spec.input.height)
        scale_x, scale_y = size[0] / box.width, size[1] / box.height
        matrix = np.array(
            [[scale_x, 0.0, -box.x0 * scale_x], [0.0, scale_y, -box.y0 * scale_y]],
            dtype=np.float64,
        )
        warped = cv2.warpAffine(
            image_bgr,
            matrix,
            size,
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0),
        )
        rgb = cv2.cvtColor(warped, cv2.COLOR_BGR2RGB).astype(np.float32)
        tensor: npt.NDArray[np.float32] = (rgb - self._mean) * self._inv_std
        return tensor[None]

    def close(self) -> None:
        """Release the onnxruntime session; safe to call twice."""
        self._model = None

    def __enter__(self) -> OrtBlazeFaceDetector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _to_faces(
    detections: Detections, box: Letterbox, width: int, height: int
) -> tuple[FaceBox, ...]:
    """Map detections to frame pixels, clip boxes to the frame, most confident first."""
    corners = box.to_frame(detections.boxes_xyxy.reshape(-1, 2, 2)).reshape(-1, 4)
    points = box.to_frame(detections.keypoints_xy)
    faces = []
    for xyxy, score, keypoints in zip(corners, detections.scores, points, strict=True):
        x1, y1 = max(0.0, float(xyxy[0])), max(0.0, float(xyxy[1]))
        x2, y2 = min(float(width), float(xyxy[2])), min(float(height), float(xyxy[3]))
        if x2 <= x1 or y2 <= y1:
            continue
        faces.append(
            FaceBox(
                xyxy=(x1, y1, x2, y2),
                score=min(1.0, max(0.0, float(score))),
                keypoints_xy=tuple((float(x), float(y)) for x, y in keypoints),
            )
        )
    faces.sort(key=lambda f: f.score, reverse=True)
    return tuple(faces)
