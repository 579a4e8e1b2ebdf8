"""468-point face mesh (MediaPipe's face landmark model converted to ONNX)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kiosk.core.geometry import expand, square
from kiosk.core.types import FaceBox, FaceMesh, readonly
from kiosk.errors import ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR, OrtModel, crop_face, to_tensor


class OrtFaceMesh:
    """Landmarks for a detected face: crop a square around the box, run, map back to the frame.

    The manifest's `outputs` names the landmark tensor first and the presence score second.
    """

    def __init__(self, spec: ModelSpec, threads: int) -> None:
        """Load the model; ModelError if its outputs are not the two the manifest names."""
        self.spec = spec
        self._model = OrtModel(spec, threads)
        if len(spec.outputs) != 2 or not set(spec.outputs) <= set(self._model.output_names):
            raise ModelError(
                f"{spec.path} ({spec.key}): manifest outputs {spec.outputs} must name the "
                f"landmark and presence tensors among {self._model.output_names}"
            )
        self._order = tuple(self._model.output_names.index(name) for name in spec.outputs)

    def landmarks(
        self, image_bgr: ImageBGR, face: FaceBox, margin: float | None = None
    ) -> FaceMesh:
        """The mesh of one face, in frame pixel coordinates.

        Args:
            image_bgr: the BGR uint8 frame.
            face: the detection.
            margin: crop margin around the box; the manifest's when None.
        """
        inp = self.spec.input
        if margin is not None:
            inp = replace(inp, crop_margin=margin)
        region = expand(face.xyxy, inp.crop_margin)
        if inp.crop_square:
            region = square(region)
        crop = crop_face(image_bgr, face.xyxy, inp)
        outputs = self._model.run(to_tensor(crop, inp))
        raw = outputs[self._order[0]].reshape(468, 3).astype(np.float32)
        presence_logit = float(outputs[self._order[1]].reshape(-1)[0])
        scale_x = crop.shape[1] / inp.width
        scale_y = crop.shape[0] / inp.height
        points = np.empty_like(raw)
        points[:, 0] = np.floor(region[0]) + raw[:, 0] * scale_x
        points[:, 1] = np.floor(region[1]) + raw[:, 1] * scale_y
        points[:, 2] = raw[:, 2] * scale_x
        presence = 1.0 / (1.0 + np.exp(-presence_logit))
        return FaceMesh(points_xyz=readonly(points), presence=float(presence))

    def trusted(self, mesh: FaceMesh) -> bool:
        """Are the landmarks good enough for alignment, pose and embedding?"""
        return mesh.presence >= self.spec.thresholds.get("min_presence", 0.5)
