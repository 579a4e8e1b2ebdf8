"""Face alignment for the dlib ResNet embedder: dlib's 150x150 face chip, from five points.

`dlib_chip` reproduces dlib 20.0's `get_face_chip(img, shape, size=150, padding=0.25)`
(`get_face_chip_details` + `extract_image_chip` in dlib/image_transforms/interpolation.h): a
least-squares similarity from dlib's 5-point template to the image, a sampling rectangle whose
corner pixels map to the chip's corner pixels, bilinear sampling with black outside, truncation to
uint8, and dlib's 5-tap [1 4 6 4 1] pyramid halving first when the face region is more than ~300
image pixels wide. Written from a reading of dlib's code; no dlib code is copied.

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

# dlib's pyramid_down<2>::point_down maps p to p / 2 - (1.25, 0.75) (sic: not symmetric).
_PYRAMID_SHIFT = np.array([1.25, 0.75])


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


@dataclass(frozen=True, slots=True)
class _Rect:
    """dlib drectangle: inclusive edges, so width = right - left + 1."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def area(self) -> float:
        return (self.right - self.left + 1.0) * (self.bottom - self.top + 1.0)

    def centre(self) -> Points:
        return np.array([(self.left + self.right) / 2.0, (self.top + self.bottom) / 2.0])

    def down(self) -> _Rect:
        """The rectangle one pyramid level down (dlib's rect_down)."""
        left, top = np.array([self.left, self.top]) / 2.0 - _PYRAMID_SHIFT
        right, bottom = np.array([self.right, self.bottom]) / 2.0 - _PYRAMID_SHIFT
        return _Rect(float(left), float(top), float(right), float(bottom))

    def shifted(self, dx: float, dy: float) -> _Rect:
        return _Rect(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy)

    def rotated_corners(self, angle: float) -> Points:
        """tl, tr, bl, br rotated by `angle` about the centre; float64 (4, 2)."""
        corners = np.array(
            [
                [self.left, self.top],
                [self.right, self.top],
                [self.left, self.bottom],
                [self.right, self.bottom],
            ]
        )
        c, s = math.cos(angle), math.sin(angle)
        centre = self.centre()
        rel = corners - centre
        return np.stack([c * rel[:, 0] - s * rel[:, 1], s * rel[:, 0] + c * rel[:, 1]], 1) + centre


def _chip_rect(points5_xy: Points, size: int, padding: float) -> tuple[_Rect, float]:
    """dlib's chip_details: the image rectangle and angle that the chip covers."""
    tform = fit_similarity(template_points(size, padding), points5_xy)
    centre = tform.apply([[size / 2.0, size / 2.0]])[0]
    half = (size * tform.scale - 1.0) / 2.0  # centered_drect subtracts one pixel
    rect = _Rect(centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half)
    return rect, tform.angle_rad


def _lround(value: float) -> int:
    """C's lround: halves away from zero."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _crop_box(rect: _Rect, angle: float, grow: float, height: int, width: int) -> _Rect:
    """Integer bounding box of the rotated rect grown by `grow`, clipped to the image."""
    corners = rect.rotated_corners(angle)
    left = max(float(corners[:, 0].min()) - grow, 0.0)
    top = max(float(corners[:, 1].min()) - grow, 0.0)
    right = min(float(corners[:, 0].max()) + grow, width - 1.0)
    bottom = min(float(corners[:, 1].max()) + grow, height - 1.0)
    return _Rect(_lround(left), _lround(top), _lround(right), _lround(bottom))


def _pyramid_down(image: ImageU8) -> ImageU8:
    """dlib's pyramid_down<2> on RGB: [1 4 6 4 1]^2 / 256 filter, every other pixel, truncated."""
    height, width = image.shape[:2]
    if height <= 8 or width <= 8:
        return np.zeros((0, 0, 3), dtype=np.uint8)
    cols, rows = (width - 3) // 2, (height - 3) // 2
    src = image.astype(np.uint16)  # as dlib: sums stay below 16 * 16 * 255 = 65280
    temp = src[:, 0 : 2 * cols : 2] + src[:, 4 : 4 + 2 * cols : 2]
    for k, weight in ((1, 4), (2, 6), (3, 4)):
        temp += np.uint16(weight) * src[:, k : k + 2 * cols : 2]
    down = temp[0 : 2 * rows : 2] + temp[4 : 4 + 2 * rows : 2]
    for k, weight in ((1, 4), (2, 6), (3, 4)):
        down += np.uint16(weight) * temp[k : k + 2 * rows : 2]
    return (down >> 8).astype(np.uint8)


def _sample_bilinear(image: ImageU8, xs: Points, ys: Points) -> ImageU8:
    """dlib's interpolate_bilinear at float points; black where a 2x2 patch leaves the image."""
    height, width = image.shape[:2]
    left, top = np.floor(xs.ravel()), np.floor(ys.ravel())
    inside = (left >= 0) & (top >= 0) & (left + 1 < width) & (top + 1 < height)
    x0 = np.clip(left, 0, max(width - 2, 0)).astype(np.intp)
    y0 = np.clip(top, 0, max(height - 2, 0)).astype(np.intp)
    lr, tb = (xs.ravel() - left)[:, None], (ys.ravel() - top)[:, None]
    if width < 2 or height < 2:
        return np.zeros((*xs.shape, 3), dtype=np.uint8)
    flat = np.ascontiguousarray(image).reshape(-1, 3)
    index = y0 * width + x0
    pixel = [np.take(flat, index + d, axis=0).astype(np.float64) for d in (0, 1, width, width + 1)]
    # same operations in the same order as dlib, so the rounding matches bit for bit
    upper = (1 - lr) * pixel[0] + lr * pixel[1]
    lower = (1 - lr) * pixel[2] + lr * pixel[3]
    value = (1 - tb) * upper + tb * lower
    value[~inside] = 0.0
    chip: ImageU8 = value.astype(np.uint8).reshape(*xs.shape, 3)  # truncation, as dlib's cast
    return chip


def _basic_crop(image: ImageU8, rect: _Rect, size: int) -> ImageU8:
    """dlib's fast path (no rotation, scale 1): copy the rounded rectangle, black outside."""
    height, width = image.shape[:2]
    x0, y0 = _lround(rect.left), _lround(rect.top)
    out = np.zeros((size, size, 3), dtype=np.uint8)
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + size, width), min(y0 + size, height)
    if xb > xa and yb > ya:
        out[ya - y0 : yb - y0, xa - x0 : xb - x0] = image[ya:yb, xa:xb]
    return out


def _extract_chip(image: ImageU8, rect: _Rect, angle: float, size: int) -> ImageU8:
    """dlib's extract_image_chip for one square chip of `size` pixels (any channel order)."""
    if angle == 0.0 and rect.right - rect.left + 1.0 == size == rect.bottom - rect.top + 1.0:
        return _basic_crop(image, rect, size)
    levels, grow, probe = 0, 2.0, rect.down()
    while probe.area > size * size:
        probe, levels, grow = probe.down(), levels + 1, grow * 2 + 2
    box = _crop_box(rect, angle, grow, *image.shape[:2])
    if box.right < box.left or box.bottom < box.top:
        return np.zeros((size, size, 3), dtype=np.uint8)
    source = image[int(box.top) : int(box.bottom) + 1, int(box.left) : int(box.right) + 1]
    local = rect.shifted(-box.left, -box.top)
    for _ in range(levels):
        source, local = _pyramid_down(source), local.down()
    tl, tr, bl, _ = local.rotated_corners(angle)
    steps = np.arange(size, dtype=np.float64)
    cols, rows = np.meshgrid(steps, steps)
    ex, ey = (tr - tl) / (size - 1), (bl - tl) / (size - 1)
    xs = ex[0] * cols + ey[0] * rows + tl[0]
    ys = ex[1] * cols + ey[1] * rows + tl[1]
    return _sample_bilinear(source, xs, ys)


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
    chip_bgr = _extract_chip(image_bgr, rect, angle, size)  # per channel: order does not matter
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
