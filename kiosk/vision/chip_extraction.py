"""dlib's extract_image_chip: sample a rotated square of an image into a chip, as dlib does.

The sampling half of `kiosk.vision.align.dlib_chip` (align works out the rectangle from the five
points): dlib 20.0's `extract_image_chip` in dlib/image_transforms/interpolation.h, with its
inclusive-edged drectangle, its 5-tap [1 4 6 4 1] pyramid halving while the rectangle is larger
than the chip, bilinear sampling with black outside, and truncation to uint8, so that the chip
matches dlib's. Written from a reading of dlib's code; no dlib code is copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Points = npt.NDArray[np.float64]
ImageU8 = npt.NDArray[np.uint8]

# dlib's pyramid_down<2>::point_down maps p to p / 2 - (1.25, 0.75) (sic: not symmetric).
_PYRAMID_SHIFT = np.array([1.25, 0.75])


@dataclass(frozen=True, slots=True)
class DRect:
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

    def down(self) -> DRect:
        """The rectangle one pyramid level down (dlib's rect_down)."""
        left, top = np.array([self.left, self.top]) / 2.0 - _PYRAMID_SHIFT
        right, bottom = np.array([self.right, self.bottom]) / 2.0 - _PYRAMID_SHIFT
        return DRect(float(left), float(top), float(right), float(bottom))

    def shifted(self, dx: float, dy: float) -> DRect:
        return DRect(self.left + dx, self.top + dy, self.right + dx, self.bottom + dy)

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


def _lround(value: float) -> int:
    """C's lround: halves away from zero."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _crop_box(rect: DRect, angle: float, grow: float, height: int, width: int) -> DRect:
    """Integer bounding box of the rotated rect grown by `grow`, clipped to the image."""
    corners = rect.rotated_corners(angle)
    left = max(float(corners[:, 0].min()) - grow, 0.0)
    top = max(float(corners[:, 1].min()) - grow, 0.0)
    right = min(float(corners[:, 0].max()) + grow, width - 1.0)
    bottom = min(float(corners[:, 1].max()) + grow, height - 1.0)
    return DRect(_lround(left), _lround(top), _lround(right), _lround(bottom))


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


def _basic_crop(image: ImageU8, rect: DRect, size: int) -> ImageU8:
    """dlib's fast path (no rotation, scale 1): copy the rounded rectangle, black outside."""
    height, width = image.shape[:2]
    x0, y0 = _lround(rect.left), _lround(rect.top)
    out = np.zeros((size, size, 3), dtype=np.uint8)
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + size, width), min(y0 + size, height)
    if xb > xa and yb > ya:
        out[ya - y0 : yb - y0, xa - x0 : xb - x0] = image[ya:yb, xa:xb]
    return out


def extract_chip(image: ImageU8, rect: DRect, angle: float, size: int) -> ImageU8:
    """dlib's extract_image_chip for one square chip of `size` pixels.

    Args:
        image: uint8 (H, W, 3) image, any channel order (each channel is sampled alike).
        rect: the image rectangle the chip covers, before rotation.
        angle: rotation of the rectangle about its centre, radians (x right, y down).
        size: chip side in pixels.

    Returns:
        uint8 (size, size, 3) chip in the image's channel order; parts outside the image are black.
    """
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
