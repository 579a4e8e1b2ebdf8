"""MediaPipe's 52 blendshapes (ONNX) from the kiosk's face mesh."""

from __future__ import annotations

import numpy as np

from kiosk.core.blendshape_input import SUBSET, blendshape_input
from kiosk.core.types import ClassScores, FaceMesh
from kiosk.errors import ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import OrtModel


class OrtBlendshapes:
    """Blendshape scores in [0, 1] (not a distribution), labelled by the manifest's names."""

    def __init__(self, spec: ModelSpec, threads: int) -> None:
        """Load the model; ModelError if its input or output does not match the manifest."""
        if spec.input.layout != "POINTS" or spec.input.height != len(SUBSET):
            raise ModelError(
                f"{spec.key}: expected a POINTS input of {len(SUBSET)} points, the manifest says "
                f"{spec.input.layout} of {spec.input.height}"
            )
        self.spec = spec
        self._model = OrtModel(spec, threads)
        width = self._model.run(np.zeros(self._model.input_shape, np.float32))[0].size
        if width != len(spec.labels):
            raise ModelError(
                f"{spec.path} ({spec.key}): the model outputs {width} scores, the manifest "
                f"names {len(spec.labels)}"
            )

    def scores(self, mesh: FaceMesh) -> ClassScores:
        """The 52 blendshape scores of one face, from its mesh (frame pixels)."""
        out = self._model.run(blendshape_input(mesh.points_xyz))[0].reshape(-1)
        clipped = np.clip(out.astype(np.float64), 0.0, 1.0)
        return ClassScores(self.spec.labels, tuple(float(v) for v in clipped))
