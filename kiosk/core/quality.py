"""Face quality from the box, the landmarks and the grey crop: size, sharpness, head pose."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from kiosk.core.types import FaceBox, FaceMesh, Quality

# MediaPipe face-mesh indices: eye corners, forehead and chin.
_RIGHT_EYE = (33, 133)  # the subject's right eye: outer, inner corner
_LEFT_EYE = (362, 263)  # the subject's left eye: inner, outer corner
_FOREHEAD, _CHIN = 10, 152


def sharpness(grey: npt.NDArray[np.uint8]) -> float:
    """Variance of the 4-neighbour Laplacian of a grey image (0 for a flat or tiny image)."""
    if grey.ndim != 2 or min(grey.shape) < 3:
        return 0.0
    g = grey.astype(np.float32)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var())


def head_pose(mesh: FaceMesh) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the 3-D mesh.

    Yaw and roll come from the vector between the eye centres, pitch from the forehead-to-chin
    vector; the mesh's z is in the same units as x and y.
    """
    pts = mesh.points_xyz.astype(np.float64)
    right = pts[list(_RIGHT_EYE)].mean(axis=0)
    left = pts[list(_LEFT_EYE)].mean(axis=0)
    across = left - right  # image right -> image left is the subject's right -> left: +x
    down = pts[_CHIN] - pts[_FOREHEAD]
    roll = math.degrees(math.atan2(across[1], across[0]))
    yaw = math.degrees(math.atan2(across[2], math.hypot(across[0], across[1])))
    pitch = math.degrees(math.atan2(-down[2], math.hypot(down[0], down[1])))
    return yaw, pitch, roll


def measure(face: FaceBox, mesh: FaceMesh | None, grey_crop: npt.NDArray[np.uint8]) -> Quality:
    """Quality of one face: size from the box, sharpness from the crop, pose from the mesh."""
    yaw, pitch, roll = head_pose(mesh) if mesh is not None else (0.0, 0.0, 0.0)
    return Quality(
        size_px=face.width,
        sharpness=sharpness(grey_crop),
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
    )


def recognition_weight(quality: Quality, min_size_px: float = 40.0) -> float:
    """A vote weight in (0, 1]: small, blurred or turned faces count for less."""
    size = min(1.0, quality.size_px / (2.0 * min_size_px))
    frontal = max(0.05, math.cos(math.radians(min(abs(quality.yaw_deg), 80.0))))
    sharp = min(1.0, 0.25 + quality.sharpness / 200.0)
    return max(1e-3, size * frontal * sharp)
