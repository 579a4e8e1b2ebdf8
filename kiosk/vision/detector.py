"""The face detector interface, and several detectors merged into one.

The detectors themselves are MediaPipe's BlazeFace models run in onnxruntime
(`kiosk.vision.blazeface`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kiosk.core.geometry import iou
from kiosk.core.types import FaceBox
from kiosk.errors import ModelError
from kiosk.vision.manifest import ModelSpec
from kiosk.vision.runtime import ImageBGR


class FaceDetector(Protocol):
    """A face detector: BGR frame in, `FaceBox`es (frame pixels, most confident first) out."""

    @property
    def spec(self) -> ModelSpec:
        """The manifest entry of the model it runs."""
        ...

    def detect(self, image_bgr: ImageBGR, min_score: float | None = None) -> tuple[FaceBox, ...]:
        """Faces in one uint8 (H, W, 3) BGR frame, most confident first.

        `min_score` replaces the manifest's detection threshold for this call.
        """
        ...

    def close(self) -> None:
        """Release native resources; safe to call twice."""
        ...


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

    def detect(self, image_bgr: ImageBGR, min_score: float | None = None) -> tuple[FaceBox, ...]:
        """Faces from every model, overlapping boxes merged (the most confident kept)."""
        return self.merge(self.detect_each(image_bgr, min_score=min_score))

    def detect_each(
        self,
        image_bgr: ImageBGR,
        use: Sequence[bool] | None = None,
        *,
        min_score: float | None = None,
    ) -> tuple[tuple[FaceBox, ...], ...]:
        """Each model's faces, in the order of `detectors`; () for a model `use` leaves out.

        `min_score` replaces every model's own detection threshold for this call.
        """
        wanted = [True] * len(self.detectors) if use is None else list(use)
        if len(wanted) != len(self.detectors):
            raise ValueError(f"use names {len(wanted)} detectors, there are {len(self.detectors)}")
        return tuple(
            d.detect(image_bgr, min_score) if run else ()
            for d, run in zip(self.detectors, wanted, strict=True)
        )

    def merge(self, found: Sequence[Sequence[FaceBox]]) -> tuple[FaceBox, ...]:
        """Boxes of several models merged by non-maximum suppression (most confident kept)."""
        candidates = sorted(
            (f for faces in found for f in faces), key=lambda f: f.score, reverse=True
        )
        kept: list[FaceBox] = []
        for face in candidates:
            if all(iou(face.xyxy, other.xyxy) < self.merge_iou for other in kept):
                kept.append(face)
        return tuple(kept)

    def close(self) -> None:
        """Close every detector."""
        for detector in self.detectors:
            detector.close()
