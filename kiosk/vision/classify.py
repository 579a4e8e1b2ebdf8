"""Face attribute classifiers (emotion, mask) run with onnxruntime on a face crop."""

from __future__ import annotations

import numpy as np

from kiosk.core.types import ClassScores, FaceBox
from kiosk.errors import ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR, OrtModel, crop_face, to_tensor


class OrtFaceClassifier:
    """A classifier over the manifest's labels, fed the face crop the manifest describes."""

    def __init__(self, spec: ModelSpec, threads: int) -> None:
        """Load the model and check that its output has one score per manifest label.

        Raises:
            ModelError: see `OrtModel`; or the output width differs from the number of labels.
        """
        if not spec.labels:
            raise ModelError(f"{spec.key}: a classifier needs `labels` in the manifest")
        self.spec = spec
        self._model = OrtModel(spec, threads)
        width = self._model.run(np.zeros(self._model.input_shape, np.float32))[0].size
        if width != len(spec.labels):
            raise ModelError(
                f"{spec.path} ({spec.key}): the model outputs {width} scores, the manifest "
                f"lists {len(spec.labels)} labels {spec.labels}"
            )

    def classify(self, image_bgr: ImageBGR, face: FaceBox) -> ClassScores:
        """Class probabilities for one face in a BGR frame."""
        crop = crop_face(image_bgr, face.xyxy, self.spec.input)
        return self.classify_crop(crop)

    def classify_crop(self, crop_bgr: ImageBGR) -> ClassScores:
        """Class probabilities for an already cut face crop (BGR uint8)."""
        scores = self._model.run(to_tensor(crop_bgr, self.spec.input))[0].reshape(-1)
        scores = scores.astype(np.float64)
        if self.spec.output_activation == "softmax":
            exp = np.exp(scores - scores.max())
            scores = exp / exp.sum()
        elif self.spec.output_activation == "sigmoid":
            scores = 1.0 / (1.0 + np.exp(-scores))
        return ClassScores(labels=self.spec.labels, probs=tuple(float(s) for s in scores))
