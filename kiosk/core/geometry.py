"""Box arithmetic for crops: margins, squares, clipping. Pure functions on `xyxy` tuples."""

from __future__ import annotations

Box = tuple[float, float, float, float]


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
