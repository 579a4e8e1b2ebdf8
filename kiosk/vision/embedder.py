"""Face embeddings: a dlib-style chip aligned from the face mesh, the ResNet, optional flip TTA."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kiosk.core.types import FaceMesh, FloatArray, readonly
from kiosk.errors import ModelError
from kiosk.vision.align import dlib_chip, five_points_from_mesh
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR, OrtModel


class OrtEmbedder:
    """128-d descriptors from the dlib ResNet rebuilt as ONNX (compare by Euclidean distance)."""

    def __init__(self, spec: ModelSpec, threads: int, flip: bool = False) -> None:
        """Load the model.

        Args:
            spec: manifest entry with a uint8 (N, 150, 150, 3) RGB chip input.
            threads: onnxruntime intra-op threads.
            flip: also embed the mirrored chip and average (test-time augmentation).
        """
        if spec.input.dtype != "uint8" or spec.input.colour != "RGB":
            raise ModelError(
                f"{spec.key}: expected a uint8 RGB chip input, manifest says "
                f"{spec.input.dtype} {spec.input.colour}"
            )
        self.spec = spec
        self.flip = flip
        self._model = OrtModel(spec, threads)
        self.dim = int(self._model.run(np.zeros(self._model.input_shape, np.uint8))[0].shape[-1])

    @property
    def model_key(self) -> str:
        """Identifies the model that made a template: its file's sha256."""
        return self.spec.sha256

    def embed_chip(self, chip_rgb: npt.NDArray[np.uint8]) -> FloatArray:
        """Descriptor (D,) float32 of one aligned RGB chip (150, 150, 3)."""
        return self.embed_chips([chip_rgb])[0]

    def embed_chips(self, chips_rgb: Sequence[npt.NDArray[np.uint8]]) -> tuple[FloatArray, ...]:
        """Descriptors (D,) float32 of several aligned RGB chips, in one model run."""
        if not chips_rgb:
            return ()
        batch = np.stack(chips_rgb)
        if self.flip:
            batch = np.concatenate([batch, batch[:, :, ::-1]])
        out = self._model.run(np.ascontiguousarray(batch))[0]
        if self.flip:
            out = (out[: len(chips_rgb)] + out[len(chips_rgb) :]) / 2.0
        return tuple(readonly(row) for row in out)

    def chip(self, image_bgr: ImageBGR, mesh: FaceMesh) -> npt.NDArray[np.uint8]:
        """The aligned RGB chip for a face, from its mesh."""
        return dlib_chip(image_bgr, five_points_from_mesh(mesh.points_xyz))

    def embed(self, image_bgr: ImageBGR, mesh: FaceMesh) -> FloatArray:
        """Descriptor (D,) float32 of the face whose mesh is given, in a BGR frame."""
        return self.embed_chip(self.chip(image_bgr, mesh))

    def embed_many(self, image_bgr: ImageBGR, meshes: Sequence[FaceMesh]) -> tuple[FloatArray, ...]:
        """Descriptors of several faces of one BGR frame, in one model run."""
        return self.embed_chips([self.chip(image_bgr, mesh) for mesh in meshes])
