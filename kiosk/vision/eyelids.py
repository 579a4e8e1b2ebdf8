"""Warp a face photo's eyelids shut from its face-mesh eye contours (for blink-animation spoofs).

Per image column across each eye, the skin between a line above the upper lid and the lower
lid is resampled from the skin between that line and the upper lid: the upper lid slides down
onto the lower lid, as in a two-frame "blink" made with a photo editor.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.vision.runtime import ImageBGR

F64 = npt.NDArray[np.float64]

# MediaPipe face-mesh eye contours, corner to corner (subject's right eye, then left eye).
_UPPER = (
    (33, 246, 161, 160, 159, 158, 157, 173, 133),
    (362, 398, 384, 385, 386, 387, 388, 466, 263),
)
_LOWER = ((33, 7, 163, 144, 145, 153, 154, 155, 133), (362, 382, 381, 380, 374, 373, 390, 249, 263))
_SKIN_ABOVE = 1.3  # the resampled band reaches this many eye heights above the upper lid


def close_eyes(image_bgr: ImageBGR, points_xy: F64) -> ImageBGR:
    """A copy of `image_bgr` with both eyes shut.

    Args:
        image_bgr: uint8 (H, W, 3) photo.
        points_xy: (468, 2) face-mesh landmarks of the face in that photo, in pixels.
    """
    h, w = image_bgr.shape[:2]
    map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    for upper_idx, lower_idx in zip(_UPPER, _LOWER, strict=True):
        _close_one(map_y, points_xy[list(upper_idx)], points_xy[list(lower_idx)])
    out = cv2.remap(image_bgr, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, np.uint8)


def _close_one(map_y: npt.NDArray[np.float32], upper: F64, lower: F64) -> None:
    """Edit `map_y` in place so that one eye's upper lid lands on its lower lid."""
    h, w = map_y.shape
    x_lo, x_hi = (
        float(min(upper[:, 0].min(), lower[:, 0].min())),
        float(max(upper[:, 0].max(), lower[:, 0].max())),
    )
    height = float(lower[:, 1].max() - upper[:, 1].min())
    if height <= 0 or x_hi - x_lo < 2:
        return
    upper, lower = upper[np.argsort(upper[:, 0])], lower[np.argsort(lower[:, 0])]
    for x in range(max(0, int(np.ceil(x_lo))), min(w, int(np.floor(x_hi)) + 1)):
        y_up = float(np.interp(x, upper[:, 0], upper[:, 1]))
        y_low = float(np.interp(x, lower[:, 0], lower[:, 1]))
        if y_low - y_up < 0.5:
            continue
        y_top = y_up - _SKIN_ABOVE * height
        top, bottom = max(0, int(np.floor(y_top))), min(h, int(np.ceil(y_low)) + 1)
        ys = np.arange(top, bottom, dtype=np.float64)
        inside = (ys >= y_top) & (ys <= y_low)
        stretched = y_top + (ys - y_top) * (y_up - y_top) / (y_low - y_top)
        map_y[top:bottom, x] = np.where(inside, stretched, ys).astype(np.float32)
