"""Mask cues from the face mesh: does the lower face still look like the forehead's skin?

Skin above the eyes and skin around the mouth and chin have nearly the same chroma; a mask
over the mouth does not. Two numbers, both in OpenCV's 8-bit Lab, from one conversion:

- colour contrast: the distance between the mean (a, b) chroma of small patches at forehead
  landmarks and at mouth/chin landmarks (tuning half of the dev mask set: masks median 22,
  bare faces 5);
- skin fraction: the share of pixels inside the lower face (cheeks below the nose to the
  chin) within 3 standard deviations (Mahalanobis) of the forehead patches' chroma (masks
  median 0.01, bare faces 0.7-0.8). A patterned mask whose mean colour happens to be skin's
  still scores low here.

A grey image has no chroma: there are no cues and the classifier decides alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.mask import MaskCues, MaskFusion
from kiosk.core.types import WITH_MASK, ClassScores, FaceBox, FaceMesh
from kiosk.vision.classify import OrtFaceClassifier, average
from kiosk.vision.finder_records import FoundFace
from kiosk.vision.runtime import ImageBGR, crop_face

# MediaPipe face-mesh indices: forehead and glabella; lips, chin and lower cheeks.
_UPPER = (10, 151, 9, 8, 107, 336, 108, 337, 69, 299)
_LOWER = (0, 17, 18, 200, 199, 175, 152, 164, 167, 393, 57, 287, 212, 432, 61, 291)
# The lower face's outline: cheeks level with the nostrils, jaw, chin.
_LOWER_HULL = (205, 425, 152, 58, 288, 172, 397, 136, 365, 149, 378, 148, 377, 176, 400, 2, 98, 327)
_PATCH = 0.03  # patch half-size as a fraction of the box width
_CHROMA_FLOOR = 4.0  # added to the forehead's chroma covariance (Lab units squared)
_SKIN_D2 = 9.0  # squared Mahalanobis distance: within 3 standard deviations
_GREY = 2  # chroma within this of neutral everywhere: a grey image


def warm_up() -> None:
    """Build OpenCV's Lab conversion tables now (the first conversion takes ~0.1-0.25 s)."""
    cv2.cvtColor(np.zeros((1, 1, 3), np.uint8), cv2.COLOR_BGR2LAB)


def lower_face_cues(image_bgr: ImageBGR, box: FaceBox, mesh: FaceMesh) -> MaskCues | None:
    """Colour contrast and skin fraction of one face; None without chroma or patches."""
    x1, y1, x2, y2 = (round(v) for v in box.xyxy)
    height, width = image_bgr.shape[:2]
    pad = max(2, int(box.width * 0.5))
    left, top = max(0, x1 - pad), max(0, y1 - pad)
    region = image_bgr[top : min(height, y2 + pad), left : min(width, x2 + pad)]
    if region.size == 0:
        return None
    lab = np.asarray(cv2.cvtColor(region, cv2.COLOR_BGR2LAB), np.uint8)
    if int(np.abs(lab[..., 1:].astype(np.int16) - 128).max()) <= _GREY:
        return None
    radius = max(1, int(box.width * _PATCH))
    points = mesh.points_xyz[:, :2] - np.array([left, top], np.float32)
    upper = _chroma_patches(lab, points, _UPPER, radius)
    lower = _chroma_patches(lab, points, _LOWER, radius)
    inside = _inside_hull(lab, points)
    if upper is None or lower is None or inside.shape[0] == 0:
        return None
    contrast = float(np.linalg.norm(upper.mean(axis=0) - lower.mean(axis=0)))
    return MaskCues(contrast, _skin_fraction(upper, inside))


def _skin_fraction(forehead: npt.NDArray[np.float64], pixels: npt.NDArray[np.float64]) -> float:
    """Share of `pixels` (N, 2 chroma) within 3 sigma of the forehead's chroma distribution."""
    mean = forehead.mean(axis=0)
    cov = np.cov(forehead.T) if forehead.shape[0] > 1 else np.zeros((2, 2))
    inverse = np.linalg.inv(cov + np.eye(2) * _CHROMA_FLOOR)
    offset = pixels - mean
    d2 = np.einsum("ij,jk,ik->i", offset, inverse, offset)
    return float(np.clip(np.mean(d2 < _SKIN_D2), 0.0, 1.0))


def _inside_hull(
    lab: npt.NDArray[np.uint8], points: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    """Chroma (N, 2) of the pixels inside the lower face's outline."""
    outline = cv2.convexHull(np.round(points[list(_LOWER_HULL)]).astype(np.int32))
    stencil = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(stencil, outline, 1)
    return lab[stencil > 0][:, 1:].astype(np.float64)


def _chroma_patches(
    lab: npt.NDArray[np.uint8],
    points: npt.NDArray[np.float32],
    indices: tuple[int, ...],
    radius: int,
) -> npt.NDArray[np.float64] | None:
    """Chroma (N, 2) of the square patches around the landmarks; None if all fall outside."""
    patches = []
    for index in indices:
        x, y = round(float(points[index, 0])), round(float(points[index, 1]))
        y0, y1 = max(0, y - radius), min(lab.shape[0], y + radius + 1)
        x0, x1 = max(0, x - radius), min(lab.shape[1], x + radius + 1)
        if y1 > y0 and x1 > x0:
            patches.append(lab[y0:y1, x0:x1, 1:].reshape(-1, 2))
    if not patches:
        return None
    return np.concatenate(patches).astype(np.float64)


def read_masks(
    classifier: OrtFaceClassifier, image_bgr: ImageBGR, faces: Sequence[FoundFace]
) -> tuple[ClassScores, ...]:
    """The kiosk's mask answer for faces of one frame: classifier (one batch) + mesh cues.

    With the manifest's `flip_average`, a face's mirrored crop is read too (and the two
    classifier readings averaged) only when the fused answer of the first crop lies within
    the manifest's `mirror_within` log-odds of the decision point (always without it): on the
    tuning half the mirror moved no answer by more than 1.90, and reading it for every face
    doubled the mask's cost.

    The pipeline and `kiosk eval labels --task mask` both call this, so they agree.
    """
    if not faces:
        return ()
    thresholds = classifier.spec.thresholds
    fusion = MaskFusion.from_thresholds(thresholds)
    crops = [crop_face(image_bgr, f.box.xyxy, classifier.spec.input) for f in faces]
    cues = [lower_face_cues(image_bgr, f.box, f.mesh) for f in faces]
    batch = classifier.prepare(crops)
    scores = list(classifier.read(batch))
    if classifier.spec.input.flip_average:
        within = thresholds.get("mirror_within", math.inf)
        unsure = [
            i
            for i, (s, c) in enumerate(zip(scores, cues, strict=True))
            if abs(fusion.with_mask_logit(s.prob(WITH_MASK), c)) < within
        ]
        if unsure:
            mirrored = classifier.read(classifier.mirrored(batch[unsure]))
            for i, m in zip(unsure, mirrored, strict=True):
                scores[i] = average(scores[i], m)
    return tuple(fusion.fuse(s, c) for s, c in zip(scores, cues, strict=True))
