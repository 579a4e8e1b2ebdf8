"""The 146 landmarks MediaPipe's blendshape model reads, taken from the kiosk's 468-point mesh.

The blendshape model (Face Landmarker's `face_blendshapes.tflite`) reads 146 of the 478 points
of the attention mesh in image pixels (x, y): the indices below are MediaPipe's
`kLandmarksSubsetIdxs` (face_blendshapes_graph.cc). The last ten (468-477) are the two irises,
which the kiosk's 468-point mesh does not have: each iris is placed at the mean of its eye's
contour, its four edge points at 0.2 of the eye's width from the centre (an iris is about 12 mm
across an eye about 30 mm wide). The blendshapes that read them (eye look directions) are
approximate for that reason; the brow, cheek, mouth and jaw ones do not use them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SUBSET = (
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65,
    66, 67, 70, 78, 80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136,
    144, 145, 146, 148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160, 161, 162, 163, 168,
    172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251, 263, 267, 269, 270, 276,
    282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317, 318,
    321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380,
    381, 382, 384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466,
    468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
)  # fmt: skip

# Eye contours (MediaPipe's FACEMESH_RIGHT_EYE / LEFT_EYE) and their corners.
_EYES = (
    ((33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173), (33, 133)),
    ((263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398), (263, 362)),
)
IRIS_RADIUS = 0.2  # of the eye's width


def with_irises(mesh_xy: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """(478, 2) points: the 468 mesh points and ten approximate iris points after them.

    Raises:
        ValueError: the input is not (468, 2) or (468, 3).
    """
    points = np.asarray(mesh_xy, dtype=np.float32)
    if points.ndim != 2 or points.shape[0] != 468 or points.shape[1] not in (2, 3):
        raise ValueError(f"expected (468, 2) or (468, 3) mesh points, got {points.shape}")
    points = points[:, :2]
    irises = []
    for contour, (a, b) in _EYES:
        centre = points[list(contour)].mean(axis=0)
        radius = IRIS_RADIUS * float(np.linalg.norm(points[a] - points[b]))
        offsets = ((radius, 0.0), (0.0, -radius), (-radius, 0.0), (0.0, radius))
        irises.append(centre)
        irises.extend(centre + np.asarray(o, np.float32) for o in offsets)
    return np.concatenate([points, np.asarray(irises, np.float32)])


def blendshape_input(mesh_xy: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """The model's input (1, 146, 2) float32 from (468, 2|3) mesh points in image pixels."""
    return np.ascontiguousarray(with_irises(mesh_xy)[list(SUBSET)][None])
