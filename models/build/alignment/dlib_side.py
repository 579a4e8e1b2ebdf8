"""The dlib half: ``python -m models.build.alignment.dlib_side IN.npz OUT.npz PREDICTOR RESNET``.

Runs in the dlib build environment (numpy + dlib only).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np


def dlib_half(inp: Path, out: Path, predictor: Path, resnet: Path) -> None:
    """For each image: dlib's faces (or the given points), chips and descriptors, into `out`."""
    import dlib

    detector = dlib.get_frontal_face_detector()
    shape_predictor = dlib.shape_predictor(str(predictor))
    facerec = dlib.face_recognition_model_v1(str(resnet))
    data = np.load(inp)
    result: dict[str, np.ndarray] = {}
    for i in range(int(data["n"])):
        img = np.ascontiguousarray(data[f"img_{i}"])
        if f"req_{i}" in data:
            shapes = [_shape_from_points(dlib, p) for p in data[f"req_{i}"]]
        else:
            upsample = 1 if max(img.shape[:2]) < 800 else 0
            shapes = [shape_predictor(img, r) for r in detector(img, upsample)]
        pts = [[(p.x, p.y) for p in s.parts()] for s in shapes]
        result[f"pts_{i}"] = np.array(pts, dtype=np.float64).reshape(-1, 5, 2)
        result[f"chip_{i}"] = np.array(
            [dlib.get_face_chip(img, s, size=150, padding=0.25) for s in shapes], dtype=np.uint8
        ).reshape(-1, 150, 150, 3)
        result[f"desc_{i}"] = np.array(
            [facerec.compute_face_descriptor(img, s) for s in shapes], dtype=np.float64
        ).reshape(-1, 128)
    np.savez(out, **result)  # type: ignore[arg-type]  # numpy's stub types **kwds badly


def _shape_from_points(dlib: Any, points: np.ndarray) -> Any:
    parts = [dlib.point(round(float(x)), round(float(y))) for x, y in points]
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return dlib.full_object_detection(dlib.rectangle(int(x0), int(y0), int(x1), int(y1)), parts)


if __name__ == "__main__":
    dlib_half(*(Path(a) for a in sys.argv[1:5]))
