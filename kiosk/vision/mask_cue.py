"""A mask cue from the face mesh: does the lower face have the colour of the forehead?

Skin above the eyes and skin around the mouth and chin have nearly the same chroma; a mask
over the mouth does not. The cue is the distance between the mean (a, b) chroma of small
patches at forehead landmarks and at mouth/chin landmarks, in CIELAB units (OpenCV's 8-bit
Lab). On the tuning half of the dev mask set: masked faces median 22, bare faces 5. A grey
image has no chroma, so the cue is 0 there and the classifier decides alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.mask import MaskFusion
from kiosk.core.types import WITH_MASK, ClassScores, FaceBox, FaceMesh
from kiosk.vision.classify import OrtFaceClassifier, average
from kiosk.vision.finder_records import FoundFace
from kiosk.vision.runtime import ImageBGR, crop_face

# MediaPipe face-mesh indices: forehead and glabella; lips, chin and lower cheeks.
_UPPER = (10, 151, 9, 8, 107, 336, 108, 337, 69, 299)
_LOWER = (0, 17, 18, 200, 199, 175, 152, 164, 167, 393, 57, 287, 212, 432, 61, 291)
_PATCH = 0.03  # patch half-size as a fraction of the box width


def warm_up() -> None:
    """Build OpenCV's Lab conversion tables now (the first conversion takes ~0.1-0.25 s)."""
    cv2.cvtColor(np.zeros((1, 1, 3), np.uint8), cv2.COLOR_BGR2LAB)


def lower_face_contrast(image_bgr: ImageBGR, box: FaceBox, mesh: FaceMesh) -> float:
    """Chroma distance (Lab units, >= 0) between forehead and lower-face skin patches."""
    x1, y1, x2, y2 = (round(v) for v in box.xyxy)
    height, width = image_bgr.shape[:2]
    pad = max(2, int(box.width * 0.5))
    left, top = max(0, x1 - pad), max(0, y1 - pad)
    region = image_bgr[top : min(height, y2 + pad), left : min(width, x2 + pad)]
    if region.size == 0:
        return 0.0
    lab = np.asarray(cv2.cvtColor(region, cv2.COLOR_BGR2LAB), np.uint8)
    radius = max(1, int(box.width * _PATCH))
    points = mesh.points_xyz[:, :2] - np.array([left, top], np.float32)
    upper = _mean_chroma(lab, points, _UPPER, radius)
    lower = _mean_chroma(lab, points, _LOWER, radius)
    if upper is None or lower is None:
        return 0.0
    return float(np.linalg.norm(upper - lower))


def _mean_chroma(
    lab: npt.NDArray[np.uint8],
    points: npt.NDArray[np.float32],
    indices: tuple[int, ...],
    radius: int,
) -> npt.NDArray[np.float64] | None:
    patches = []
    for index in indices:
        x, y = round(float(points[index, 0])), round(float(points[index, 1]))
        y0, y1 = max(0, y - radius), min(lab.shape[0], y + radius + 1)
        x0, x1 = max(0, x - radius), min(lab.shape[1], x + radius + 1)
        if y1 > y0 and x1 > x0:
            patches.append(lab[y0:y1, x0:x1, 1:].reshape(-1, 2))
    if not patches:
        return None
    mean: npt.NDArray[np.float64] = np.concatenate(patches).astype(np.float64).mean(axis=0)
    return mean


def read_masks(
    classifier: OrtFaceClassifier, image_bgr: ImageBGR, faces: Sequence[FoundFace]
) -> tuple[ClassScores, ...]:
    """The kiosk's mask answer for faces of one frame: classifier (one batch) + mesh cues.

    With the manifest's `flip_average`, a face's mirrored crop is read too (and the two
    classifier readings averaged) only when the fused answer of the first crop lies within
    the manifest's `mirror_within` log-odds of the decision point (always without it): on the
    tuning half the mirror moved no answer by more than 2.33, and reading it for every face
    doubled the mask's cost.

    The pipeline and `kiosk eval labels --task mask` both call this, so they agree.
    """
    if not faces:
        return ()
    thresholds = classifier.spec.thresholds
    fusion = MaskFusion.from_thresholds(thresholds)
    crops = [crop_face(image_bgr, f.box.xyxy, classifier.spec.input) for f in faces]
    colours = [lower_face_contrast(image_bgr, f.box, f.mesh) for f in faces]
    batch = classifier.prepare(crops)
    scores = list(classifier.read(batch))
    if classifier.spec.input.flip_average:
        within = thresholds.get("mirror_within", math.inf)
        unsure = [
            i
            for i, (s, f, c) in enumerate(zip(scores, faces, colours, strict=True))
            if abs(fusion.with_mask_logit(s.prob(WITH_MASK), f.presence, c)) < within
        ]
        if unsure:
            mirrored = classifier.read(classifier.mirrored(batch[unsure]))
            for i, m in zip(unsure, mirrored, strict=True):
                scores[i] = average(scores[i], m)
    return tuple(
        fusion.fuse(s, f.presence, c) for s, f, c in zip(scores, faces, colours, strict=True)
    )
