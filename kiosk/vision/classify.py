"""Face attribute classifiers (emotion, mask) run with onnxruntime on face crops, batched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from kiosk.core.types import ClassScores, FaceBox
from kiosk.errors import ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR, OrtModel, crop_face, to_tensor


class OrtFaceClassifier:
    """A classifier over the manifest's labels, fed the face crop the manifest describes.

    Several faces go through the model as one batch; with the manifest's `flip_average` each
    crop's mirror image joins the batch and the two readings are averaged.
    """

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
        if spec.input.flip_average:  # warm up the batch of two (a crop and its mirror) too
            self._model.run(np.zeros((2, *self._model.input_shape[1:]), np.float32))
        if width != len(spec.labels):
            raise ModelError(
                f"{spec.path} ({spec.key}): the model outputs {width} scores, the manifest "
                f"lists {len(spec.labels)} labels {spec.labels}"
            )

    def classify(self, image_bgr: ImageBGR, face: FaceBox) -> ClassScores:
        """Class probabilities for one face in a BGR frame."""
        return self.classify_many(image_bgr, (face,))[0]

    def classify_many(
        self, image_bgr: ImageBGR, faces: Sequence[FaceBox]
    ) -> tuple[ClassScores, ...]:
        """Class probabilities for several faces of one BGR frame, in one model run."""
        return self.classify_crops([crop_face(image_bgr, f.xyxy, self.spec.input) for f in faces])

    def classify_crop(self, crop_bgr: ImageBGR) -> ClassScores:
        """Class probabilities for an already cut face crop (BGR uint8)."""
        return self.classify_crops([crop_bgr])[0]

    def classify_crops(self, crops_bgr: Sequence[ImageBGR]) -> tuple[ClassScores, ...]:
        """Class probabilities for already cut face crops (BGR uint8), in one model run.

        With the manifest's `flip_average`, each crop's mirror image joins the batch and the
        two readings are averaged.
        """
        if not crops_bgr:
            return ()
        batch = self.prepare(crops_bgr)
        if not self.spec.input.flip_average:
            return self.read(batch)
        both = self.read(np.concatenate([batch, self.mirrored(batch)]))
        return tuple(
            average(a, b) for a, b in zip(both[: len(batch)], both[len(batch) :], strict=True)
        )

    def prepare(self, crops_bgr: Sequence[ImageBGR]) -> npt.NDArray[Any]:
        """The model's input batch (N, ...) for face crops, without mirror images."""
        inp = self.spec.input
        return np.concatenate([to_tensor(c, inp) for c in crops_bgr])

    def mirrored(self, batch: npt.NDArray[Any]) -> npt.NDArray[Any]:
        """The batch of `prepare` with every crop mirrored left to right."""
        axis = 2 if self.spec.input.layout == "NHWC" else 3
        return np.ascontiguousarray(np.flip(batch, axis=axis))

    def read(self, batch: npt.NDArray[Any]) -> tuple[ClassScores, ...]:
        """Class probabilities for a prepared batch, one model run, no averaging."""
        if len(batch) == 0:
            return ()
        scores = self._model.run(np.ascontiguousarray(batch))[0]
        probs = self._activate(scores.reshape(len(batch), -1).astype(np.float64))
        labels = self.spec.labels
        return tuple(ClassScores(labels, tuple(float(p) for p in row)) for row in probs)

    def _activate(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.spec.output_activation == "softmax":
            exp = np.exp(scores - scores.max(axis=1, keepdims=True))
            return np.asarray(exp / exp.sum(axis=1, keepdims=True))
        if self.spec.output_activation == "sigmoid":
            return np.asarray(1.0 / (1.0 + np.exp(-scores)))
        return scores


def average(a: ClassScores, b: ClassScores) -> ClassScores:
    """The mean of two readings of the same labels (a crop and its mirror image)."""
    return ClassScores(
        a.labels, tuple((x + y) / 2.0 for x, y in zip(a.probs, b.probs, strict=True))
    )
