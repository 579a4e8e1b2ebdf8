"""Follow a face's skin texture from frame to frame (pyramidal Lucas-Kanade optical flow).

Seeded at the face-mesh landmarks, the points then move with the image texture alone, so on a
print or a screen they move exactly as the paper does, while on a real head the nose tip slides
across the cheeks as the head turns. `kiosk.core.liveness` compares them over time.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.face_motion import NOSE_TIP, TexturePoints
from kiosk.core.types import FaceMesh
from kiosk.vision.runtime import ImageBGR

_LK_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)
_EYE_CORNERS = (33, 133, 362, 263)
# Every other landmark, the nose tip and the eye corners: enough for the parallax fit at a
# quarter of the cost of all 468 (about 2 ms per face on one core).
FOLLOWED = np.array(sorted(set(range(0, 468, 2)) | set(NOSE_TIP) | set(_EYE_CORNERS)))


@dataclass(frozen=True, slots=True)
class TextureSettings:
    """How the points are followed.

    Attributes:
        window_px: Lucas-Kanade window side in pixels.
        levels: pyramid levels above the full image.
        max_fb_error_px: a point whose flow there and back misses its start by more than this
            (at an inter-ocular distance of 100 px; scaled with the face) is lost.
        min_fb_error_px: the limit never goes below this (small faces).
        min_ok_fraction: reseed on the mesh when fewer points than this are still followed.
        max_drift_iod: reseed when the followed points are this far (median, in inter-ocular
            distances) from the mesh's landmarks: the flow lost the face.
        margin_iod: the image region searched reaches this far around the points.
        high_pass_sigma_px: the flow runs on the image minus its Gaussian blur of this sigma
            (0: on the image itself); measured against a screen's rolling refresh band.
    """

    window_px: int = 13
    levels: int = 2
    max_fb_error_px: float = 0.7
    min_fb_error_px: float = 0.35
    min_ok_fraction: float = 0.6
    max_drift_iod: float = 0.25
    margin_iod: float = 0.8
    high_pass_sigma_px: float = 3.0


class TextureTracker:
    """Optical-flow points for one face track, fed every frame in time order."""

    def __init__(self, settings: TextureSettings | None = None) -> None:
        self.settings = settings or TextureSettings()
        self._seed = 0
        self._grey: npt.NDArray[np.uint8] | None = None  # the previous frame, grey
        self._xy: npt.NDArray[np.float32] | None = None
        self._ok: npt.NDArray[np.bool_] | None = None

    def update(self, image_bgr: ImageBGR, mesh: FaceMesh | None) -> TexturePoints | None:
        """Follow the points into this frame (or seed them on `mesh`); None before any mesh."""
        grey = np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY), np.uint8)
        landmarks = None if mesh is None else np.asarray(mesh.points_xyz[:, :2], np.float32)
        previous, self._grey = self._grey, grey
        if self._xy is None or self._ok is None or previous is None or previous.shape != grey.shape:
            return None if landmarks is None else self._reseed(landmarks)
        xy, ok = self._follow(previous, grey, self._xy, self._ok)
        if landmarks is not None and self._lost(xy, ok, landmarks):
            return self._reseed(landmarks)
        self._xy, self._ok = xy, ok
        return _points(self._seed, xy, ok)

    def _reseed(self, landmarks: npt.NDArray[np.float32]) -> TexturePoints:
        self._seed += 1
        self._xy = landmarks.copy()
        self._ok = np.zeros(len(landmarks), np.bool_)
        self._ok[FOLLOWED] = True
        return _points(self._seed, self._xy, self._ok)

    def _follow(
        self,
        previous: npt.NDArray[np.uint8],
        grey: npt.NDArray[np.uint8],
        xy: npt.NDArray[np.float32],
        ok: npt.NDArray[np.bool_],
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
        """Lucas-Kanade there and back inside a region around the points."""
        s = self.settings
        x1, y1, x2, y2 = _region(xy, s.margin_iod * _iod(xy), grey.shape)
        before = _high_pass(previous[y1:y2, x1:x2], s.high_pass_sigma_px)
        after = _high_pass(grey[y1:y2, x1:x2], s.high_pass_sigma_px)
        start = np.ascontiguousarray(xy[FOLLOWED] - np.array((x1, y1), np.float32)).reshape(
            -1, 1, 2
        )
        ahead, status = _lucas_kanade(before, after, start, s)
        back, status_back = _lucas_kanade(after, before, ahead, s)
        miss = np.linalg.norm((back - start).reshape(-1, 2), axis=1)
        limit = max(s.min_fb_error_px, s.max_fb_error_px * _iod(xy) / 100.0)
        followed = np.zeros(len(xy), np.bool_)
        followed[FOLLOWED] = (status.ravel() == 1) & (status_back.ravel() == 1) & (miss <= limit)
        new_xy = xy.copy()
        new_xy[FOLLOWED] = ahead.reshape(-1, 2) + np.array((x1, y1), np.float32)
        new_xy = np.where(followed[:, None], new_xy, xy).astype(np.float32)
        return new_xy, ok & followed

    def _lost(
        self,
        xy: npt.NDArray[np.float32],
        ok: npt.NDArray[np.bool_],
        landmarks: npt.NDArray[np.float32],
    ) -> bool:
        """Too few points followed, or the points no longer lie on the mesh's face."""
        s = self.settings
        if ok[FOLLOWED].mean() < s.min_ok_fraction:
            return True
        drift = float(np.median(np.linalg.norm(xy[ok] - landmarks[ok], axis=1)))
        return drift > s.max_drift_iod * _iod(landmarks)


def _high_pass(grey: npt.NDArray[np.uint8], sigma_px: float) -> npt.NDArray[np.uint8]:
    """Detail only: the image minus its blur, so a brightness band rolling over a screen or a
    shadow does not drag the flow along."""
    if sigma_px <= 0:
        return grey
    pixels = grey.astype(np.float32)
    detail = pixels - cv2.GaussianBlur(pixels, (0, 0), sigma_px) + 128.0
    return np.asarray(np.clip(detail, 0, 255), np.uint8)


def _lucas_kanade(
    before: npt.NDArray[np.uint8],
    after: npt.NDArray[np.uint8],
    points: npt.NDArray[np.float32],
    s: TextureSettings,
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.uint8]]:
    """Where (n, 1, 2) `points` of `before` went in `after`, and a found flag per point."""
    moved, status, _ = cv2.calcOpticalFlowPyrLK(
        before,
        after,
        points,
        points.copy(),
        winSize=(s.window_px, s.window_px),
        maxLevel=s.levels,
        criteria=_LK_CRITERIA,
    )
    return np.asarray(moved, np.float32), np.asarray(status, np.uint8)


def _region(
    xy: npt.NDArray[np.float32], margin: float, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    """x1, y1, x2, y2 of the points' bounding box grown by `margin`, inside the image."""
    h, w = shape[:2]
    low = np.floor(xy.min(axis=0) - margin)
    high = np.ceil(xy.max(axis=0) + margin)
    x1, y1 = int(np.clip(low[0], 0, w - 1)), int(np.clip(low[1], 0, h - 1))
    x2, y2 = int(np.clip(high[0], x1 + 1, w)), int(np.clip(high[1], y1 + 1, h))
    return x1, y1, x2, y2


def _iod(xy: npt.NDArray[np.float32]) -> float:
    right = xy[[33, 133]].mean(axis=0)
    left = xy[[362, 263]].mean(axis=0)
    return float(np.linalg.norm(left - right))


def _points(seed: int, xy: npt.NDArray[np.float32], ok: npt.NDArray[np.bool_]) -> TexturePoints:
    xy64 = np.array(xy, np.float64)
    flags = np.array(ok, np.bool_)
    xy64.setflags(write=False)
    flags.setflags(write=False)
    return TexturePoints(seed, xy64, flags)
