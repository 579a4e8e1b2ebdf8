"""Face alignment for the dlib ResNet embedder: dlib's 150x150 face chip, from five points.

`dlib_chip` reproduces dlib 20.0's `get_face_chip(img, shape, size=150, padding=0.25)`
(`get_face_chip_details` + `extract_image_chip` in dlib/image_transforms/interpolation.h): a
least-squares similarity from dlib's 5-point template to the image, a sampling rectangle whose
corner pixels map to the chip's corner pixels, then `kiosk.vision.chip_extraction` samples that
rectangle as dlib's `extract_image_chip` does (pyramid halving for large faces, bilinear sampling
with black outside, truncation to uint8). Written from a reading of dlib's code; no dlib code is
copied.

`five_points_from_mesh` turns MediaPipe's 468-point mesh into points that behave like dlib's
5-point predictor output (the mesh's eye corners sit elsewhere), with coefficients calibrated on
real faces; `python -m models.build.alignment` measures them against dlib and writes
models/face_recognition/alignment_check.json, which a unit test checks against this module.

Point order everywhere is dlib's: 0 outer and 1 inner corner of the eye on the image's right
(the subject's left eye), 2 outer and 3 inner corner of the eye on the image's left, 4 base of the
nose. Coordinates are (x, y) frame pixels, x right, y down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.errors import InputError
from kiosk.vision.chip_extraction import DRect, extract_chip

Points = npt.NDArray[np.float64]
ImageU8 = npt.NDArray[np.uint8]

CHIP_SIZE = 150
CHIP_PADDING = 0.25

# dlib's 5-point template in units of the unpadded face square (get_face_chip_details).
DLIB_TEMPLATE_UNIT: tuple[tuple[float, float], ...] = (
    (0.8595674595992, 0.2134981538014),
    (0.6460604764104, 0.2289674387677),
    (0.1205750620789, 0.2137274526848),
    (0.3340850613712, 0.2290642403242),
    (0.4901123135679, 0.6277975316475),
)


@dataclass(frozen=True, slots=True)
class Similarity:
    """x' = a*x - b*y + tx, y' = b*x + a*y + ty (scale and rotation, no reflection)."""

    a: float
    b: float
    tx: float
    ty: float

    @property
    def scale(self) -> float:
        """Scale factor (destination units per source unit)."""
        return math.hypot(self.a, self.b)

    @property
    def angle_rad(self) -> float:
        """Rotation angle in radians (image axes: x right, y down)."""
        return math.atan2(self.b, self.a)

    def apply(self, points_xy: npt.ArrayLike) -> Points:
        """Map float (N, 2) points; returns float64 (N, 2)."""
        p = np.asarray(points_xy, dtype=np.float64).reshape(-1, 2)
        x = self.a * p[:, 0] - self.b * p[:, 1] + self.tx
        y = self.b * p[:, 0] + self.a * p[:, 1] + self.ty
        return np.stack([x, y], axis=1)


def fit_similarity(src_xy: npt.ArrayLike, dst_xy: npt.ArrayLike) -> Similarity:
    """Least-squares similarity taking `src_xy` onto `dst_xy` (both (N, 2), N >= 2).

    Same optimum as dlib's `find_similarity_transform` (Umeyama without reflection).

    Raises:
        InputError: shapes differ, fewer than two points, or all source points coincide.
    """
    src = np.asarray(src_xy, dtype=np.float64)
    dst = np.asarray(dst_xy, dtype=np.float64)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 2 or src.shape[0] < 2:
        raise InputError(f"expected two (N, 2) point sets, N >= 2; got {src.shape} and {dst.shape}")
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    s, d = src - src_mean, dst - dst_mean
    norm = float(np.sum(s * s))
    if norm == 0.0:
        raise InputError("the source points all coincide; no similarity is defined")
    a = float(np.sum(s[:, 0] * d[:, 0] + s[:, 1] * d[:, 1])) / norm
    b = float(np.sum(s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0])) / norm
    tx = float(dst_mean[0] - (a * src_mean[0] - b * src_mean[1]))
    ty = float(dst_mean[1] - (b * src_mean[0] + a * src_mean[1]))
    return Similarity(a, b, tx, ty)


def template_points(size: int = CHIP_SIZE, padding: float = CHIP_PADDING) -> Points:
    """dlib's 5 template points in chip coordinates: (padding + t) / (1 + 2 padding) * size.

    Returns float64 (5, 2); for size 150 and padding 0.25 that is (0.25 + t) * 100.
    """
    unit = np.asarray(DLIB_TEMPLATE_UNIT, dtype=np.float64)
    return (padding + unit) / (2.0 * padding + 1.0) * size


def _chip_rect(points5_xy: Points, size: int, padding: float) -> tuple[DRect, float]:
    """dlib's chip_details: the image rectangle and angle that the chip covers."""
    tform = fit_similarity(template_points(size, padding), points5_xy)
    centre = tform.apply([[size / 2.0, size / 2.0]])[0]
    half = (size * tform.scale - 1.0) / 2.0  # centered_drect subtracts one pixel
    rect = DRect(centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    return rect, tform.angle_rad


def dlib_chip(
    image_bgr: ImageU8,
    points5_xy: npt.ArrayLike,
    size: int = CHIP_SIZE,
    padding: float = CHIP_PADDING,
) -> ImageU8:
    """The aligned face chip dlib's ResNet expects, as dlib.get_face_chip makes it.

    Args:
        image_bgr: uint8 (H, W, 3) BGR frame.
        points5_xy: (5, 2) points in frame pixels, dlib's 5-point order (module docstring).
        size: chip side in pixels (150 for the ResNet).
        padding: border around the face as a fraction of the face square (0.25 for the ResNet).

    Returns:
        uint8 (size, size, 3) RGB chip; parts outside the frame are black.

    Raises:
        InputError: the image is not (H, W, 3) uint8 or the points are not (5, 2) and finite.
    """
    if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
        raise InputError(
            f"expected a BGR uint8 image of shape (H, W, 3), "
            f"got {image_bgr.dtype} {image_bgr.shape}"
        )
    points = np.asarray(points5_xy, dtype=np.float64)
    if points.shape != (5, 2) or not np.all(np.isfinite(points)):
        raise InputError(f"expected 5 finite (x, y) points of shape (5, 2), got {points.shape}")
    rect, angle = _chip_rect(points, size, padding)
    chip_bgr = extract_chip(image_bgr, rect, angle, size)  # per channel: order does not matter
    return np.ascontiguousarray(chip_bgr[:, :, ::-1])


@dataclass(frozen=True, slots=True)
class PointRule:
    """One dlib point as an affine combination of landmarks plus an offset in the face frame.

    point = sum(weights[i] * landmark[indices[i]]) + iod * (offset_u * u + offset_v * v), where
    u is the unit vector from the image-left to the image-right eye centre, v is u turned 90
    degrees towards the chin, and iod is the distance between the eye centres. The weights sum
    to 1, so the rule moves with the face under translation, rotation and scale.
    """

    indices: tuple[int, ...]
    weights: tuple[float, ...]
    offset_u: float
    offset_v: float


@dataclass(frozen=True, slots=True)
class EyeFrame:
    """Landmark indices whose means are the image-left and image-right eye centres."""

    left_eye: tuple[int, ...]
    right_eye: tuple[int, ...]


def apply_rules(landmarks_xy: Points, frame: EyeFrame, rules: tuple[PointRule, ...]) -> Points:
    """Evaluate point rules on float (K, 2) landmarks; returns float64 (len(rules), 2)."""
    pts = np.asarray(landmarks_xy, dtype=np.float64)
    left = pts[list(frame.left_eye)].mean(axis=0)
    right = pts[list(frame.right_eye)].mean(axis=0)
    axis = right - left
    iod = float(np.hypot(axis[0], axis[1]))
    if iod == 0.0:
        raise InputError("the two eye centres coincide; cannot build a face frame")
    u = axis / iod
    v = np.array([-u[1], u[0]])
    out = np.empty((len(rules), 2), dtype=np.float64)
    for k, rule in enumerate(rules):
        base = np.asarray(rule.weights) @ pts[list(rule.indices)]
        out[k] = base + iod * (rule.offset_u * u + rule.offset_v * v)
    return out


# Calibrated with the tool that is now models.build.alignment ("corner+offset"): least squares of
# dlib's 5-point predictor output (on dlib's HOG boxes) against the kiosk's mesh (BlazeFace short-
# range box -> face_mesh_468_mp0.10.21.onnx sha256 f8d43c83...) on 156 faces: the public-domain
# photos except the masked ones, dev-only identities/ and emotion/, each photo also mirrored;
# photos under 200 px padded with a black border first. The two eyes share mirrored coefficients.
# 5-fold cross-validated error 2.1 px = 3.1 % of the inter-ocular distance (raw mesh points
# 263/362/33/133/2: 4.1 %); more mesh points per dlib point did not do better (3.0-3.1 %). Re-
# measured reproducibly on the repository's public-domain photos (30 faces with mirrors): 2.8 %
# (raw corners 3.8 %); models/face_recognition/alignment_check.json has the numbers.
MESH_EYE_FRAME = EyeFrame(left_eye=(33, 133), right_eye=(263, 362))
MESH_RULES: tuple[PointRule, ...] = (
    PointRule((263,), (1.0,), -0.0363, 0.0115),
    PointRule((362,), (1.0,), 0.0182, -0.0032),
    PointRule((33,), (1.0,), 0.0363, 0.0115),
    PointRule((133,), (1.0,), -0.0182, -0.0032),
    PointRule((2,), (1.0,), -0.0038, 0.0292),
)

# BlazeFace keypoints (0 = image-left eye, 1 = image-right eye, 2 = nose tip), same fit and faces;
# cross-validated error 7.1 % of the inter-ocular distance: a rough fallback only.
KEYPOINT_EYE_FRAME = EyeFrame(left_eye=(0,), right_eye=(1,))
KEYPOINT_RULES: tuple[PointRule, ...] = (
    PointRule((1,), (1.0,), 0.1702, -0.0072),
    PointRule((1,), (1.0,), -0.2152, 0.0053),
    PointRule((0,), (1.0,), -0.1702, -0.0072),
    PointRule((0,), (1.0,), 0.2152, 0.0053),
    PointRule((0, 1, 2), (0.21095, 0.21095, 0.5781), -0.0174, 0.4148),
)


def five_points_from_mesh(points_xyz: npt.ArrayLike) -> Points:
    """dlib-5-point-equivalent points from MediaPipe's 468-point mesh.

    Args:
        points_xyz: float (468, 3) or (468, 2) mesh points in frame pixels (z is ignored).

    Returns:
        float64 (5, 2) points in frame pixels, dlib's order, ready for `dlib_chip`.

    Raises:
        InputError: the array is not (468, 2) or (468, 3).
    """
    pts = np.asarray(points_xyz, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[0] != 468 or pts.shape[1] not in (2, 3):
        raise InputError(f"expected mesh points of shape (468, 3), got {pts.shape}")
    return apply_rules(pts[:, :2], MESH_EYE_FRAME, MESH_RULES)


def five_points_from_keypoints(keypoints_xy: npt.ArrayLike) -> Points:
    """dlib-5-point-equivalent points from BlazeFace's 6 keypoints (a cheaper, rougher fallback).

    Args:
        keypoints_xy: float (6, 2) keypoints in frame pixels, BlazeFace's order (`FaceBox`).

    Returns:
        float64 (5, 2) points in frame pixels, dlib's order.

    Raises:
        InputError: the array is not (6, 2).
    """
    pts = np.asarray(keypoints_xy, dtype=np.float64)
    if pts.shape != (6, 2):
        raise InputError(f"expected BlazeFace keypoints of shape (6, 2), got {pts.shape}")
    return apply_rules(pts, KEYPOINT_EYE_FRAME, KEYPOINT_RULES)
