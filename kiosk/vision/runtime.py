"""onnxruntime sessions built from verified manifest entries, and crop-to-tensor preprocessing."""

from __future__ import annotations

import logging
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from kiosk.core.geometry import clip_int, expand, square
from kiosk.errors import InputError, ModelError
from kiosk.vision.manifest import InputSpec, ModelSpec, read_verified

log = logging.getLogger(__name__)

ImageBGR = npt.NDArray[np.uint8]


class OrtModel:
    """One onnxruntime session for one manifest entry: verified, shape-checked, warmed up."""

    def __init__(self, spec: ModelSpec, threads: int) -> None:
        """Load the model file after checking its sha256.

        Args:
            spec: the manifest entry (runtime must be "onnxruntime").
            threads: intra-op threads for this session.

        Raises:
            ModelError: wrong runtime, bad hash, onnxruntime cannot load it, or its input does
                not match the manifest.
        """
        if spec.runtime != "onnxruntime":
            raise ModelError(f"{spec.key}: runtime is {spec.runtime!r}, expected 'onnxruntime'")
        self.spec = spec
        data = read_verified(spec)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Worker threads must not busy-wait between runs: several sessions share 2 cores, and
        # spinning made 2 threads per session ~3x slower than 1 (kiosk bench pipeline).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self._session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several unrelated types for a bad file
            raise ModelError(f"model file {spec.path} ({spec.key}) does not load: {exc}") from exc
        self._check_input()
        self.output_names = tuple(o.name for o in self._session.get_outputs())
        self.run(np.zeros(self.input_shape, dtype=spec.input.dtype))  # warm-up: allocate once
        log.info("loaded model %s (%s) with %d thread(s)", spec.key, spec.path.name, threads)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Batch-1 input shape in the model's layout."""
        inp = self.spec.input
        if inp.layout == "POINTS":
            return (1, inp.height, inp.width)
        channels = 1 if inp.colour == "GRAY" else 3
        if inp.layout == "NHWC":
            return (1, inp.height, inp.width, channels)
        return (1, channels, inp.height, inp.width)

    def _check_input(self) -> None:
        inputs = self._session.get_inputs()
        names = [i.name for i in inputs]
        if len(inputs) != 1 or names[0] != self.spec.input.name:
            raise ModelError(
                f"{self.spec.path} ({self.spec.key}): expected one input "
                f"{self.spec.input.name!r}, the model has {names}"
            )
        declared = inputs[0].shape
        for want, have in zip(self.input_shape[1:], declared[1:], strict=True):
            if isinstance(have, int) and have != want:
                raise ModelError(
                    f"{self.spec.path} ({self.spec.key}): manifest says input shape "
                    f"{self.input_shape}, the model declares {declared}"
                )

    def run(self, tensor: npt.NDArray[Any]) -> list[npt.NDArray[Any]]:
        """Run on one prepared tensor; returns the outputs in the model's order."""
        outputs: list[npt.NDArray[Any]] = self._session.run(None, {self.spec.input.name: tensor})
        return outputs


def crop_face(
    image_bgr: ImageBGR, xyxy: tuple[float, float, float, float], spec: InputSpec
) -> ImageBGR:
    """Cut the face region the model expects (margin and squaring from the manifest).

    Parts of the region outside the frame are filled with black, so the face keeps its place
    and scale in the crop.

    Raises:
        InputError: the image is not HxWx3 uint8, or the box lies entirely outside it.
    """
    if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
        raise InputError(
            "expected a BGR uint8 image of shape (H, W, 3), "
            f"got {image_bgr.dtype} {image_bgr.shape}"
        )
    region = expand(xyxy, spec.crop_margin)
    if spec.crop_square:
        region = square(region)
    height, width = image_bgr.shape[:2]
    x1, y1, x2, y2 = clip_int(region, width, height)
    if x2 <= x1 or y2 <= y1:
        raise InputError(f"face box {xyxy} lies outside the {width}x{height} image")
    rx1, ry1 = int(np.floor(region[0])), int(np.floor(region[1]))
    rx2, ry2 = int(np.ceil(region[2])), int(np.ceil(region[3]))
    canvas = np.zeros((ry2 - ry1, rx2 - rx1, 3), dtype=np.uint8)
    canvas[y1 - ry1 : y2 - ry1, x1 - rx1 : x2 - rx1] = image_bgr[y1:y2, x1:x2]
    return canvas


def to_tensor(crop_bgr: ImageBGR, spec: InputSpec) -> npt.NDArray[Any]:
    """Resize, convert colour, normalise and lay out a crop as a batch-1 tensor.

    A float32 input gets `(pixel - mean) / std`; a uint8 input gets the raw pixels (the model
    normalises inside its graph).
    """
    resized = cv2.resize(crop_bgr, (spec.width, spec.height), interpolation=cv2.INTER_AREA)
    if spec.colour == "RGB":
        pixels = cv2.cvtColor(resized, cv2.COLOR_BGR2RGB)
    elif spec.colour == "GRAY":
        pixels = cv2.cvtColor(resized, cv2.COLOR_BGR2GRAY)[:, :, None]
    else:
        pixels = resized
    tensor: npt.NDArray[Any]
    if spec.dtype == "uint8":
        tensor = pixels
    else:
        mean = np.asarray(spec.mean, dtype=np.float32)
        std = np.asarray(spec.std, dtype=np.float32)
        tensor = (pixels.astype(np.float32) - mean) / std
    if spec.layout == "NCHW":
        tensor = tensor.transpose(2, 0, 1)
    return np.ascontiguousarray(tensor[None])


SHARPNESS_SIDE = 96  # faces are resized to this width before measuring sharpness


def grey_face(image_bgr: ImageBGR, xyxy: tuple[float, float, float, float]) -> ImageBGR:
    """The face box in grey, resized to a fixed width so sharpness compares across face sizes.

    Used by the pipeline and by enrolment alike (their quality gates must measure the same).
    Returns an empty array for a box of less than 3 x 3 pixels inside the image.
    """
    x1, y1, x2, y2 = clip_int(xyxy, image_bgr.shape[1], image_bgr.shape[0])
    if x2 - x1 < 3 or y2 - y1 < 3:
        return np.zeros((0, 0), np.uint8)
    grey = cv2.cvtColor(image_bgr[y1:y2, x1:x2], cv2.COLOR_BGR2GRAY)
    height = max(3, round(SHARPNESS_SIDE * (y2 - y1) / (x2 - x1)))
    return np.asarray(cv2.resize(grey, (SHARPNESS_SIDE, height), interpolation=cv2.INTER_AREA))
