"""Box arithmetic: overlap, margins, squares, clipping. Pure functions on `xyxy` boxes."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two `xyxy` boxes, in [0, 1] (0 when they do not overlap)."""
    inter_w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    inter_h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = inter_w * inter_h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def iou_many(
    box: npt.NDArray[np.float32], boxes: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """IoU of one `xyxy` box (4,) with each of (K, 4) boxes: float32 (K,), 0 when disjoint."""
    x1 = np.maximum(box[0], boxes[:, 0])
    y1 = np.maximum(box[1], boxes[:, 1])
    x2 = np.minimum(box[2], boxes[:, 2])
    y2 = np.minimum(box[3], boxes[:, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    out = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
    return out.astype(np.float32)


def expand(xyxy: Box, margin: float) -> Box:
    """Grow a box by `margin` of its width and height on every side (0.3 = 30 % each side)."""
    x1, y1, x2, y2 = xyxy
    dx, dy = (x2 - x1) * margin, (y2 - y1) * margin
    return (x1 - dx, y1 - dy, x2 + dx, y2 + dy)


def square(xyxy: Box) -> Box:
    """The square with the box's centre whose side is the box's longer side."""
    x1, y1, x2, y2 = xyxy
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    half = max(x2 - x1, y2 - y1) / 2
    return (cx - half, cy - half, cx + half, cy + half)


def clip_int(xyxy: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """Round a box outward to whole pixels and clip it to a `width` x `height` image.

    The result may be empty (x2 <= x1 or y2 <= y1) when the box lies outside the image.
    """
    x1, y1, x2, y2 = xyxy
    return (
        max(0, int(x1 // 1)),
        max(0, int(y1 // 1)),
        min(width, int(-(-x2 // 1))),
        min(height, int(-(-y2 // 1))),
    )
