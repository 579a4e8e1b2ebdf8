"""Test vectors for the iPad's mask answer (IFaceCore/MaskCues.swift), computed by the kiosk's code.

- `lab`: OpenCV's 8-bit Lab of a colour table (the iPad uses the float formula: L and b within 1,
  a within 3 of OpenCV's tables);
- `faces`: `kiosk.vision.mask_cue.lower_face_cues` on small synthetic faces (bare, dark skin, a
  plain mask, a skin-toned patterned mask, a grey photo, a face cut by the frame edge), pixels
  stored as base64 RGB;
- `fused`: `kiosk.core.mask.MaskFusion` with the manifest's weights, and whether the answer is
  unsure enough to read the mirrored crop too (`mirror_within`, as `read_masks`).

The pixels come from splitmix64 noise (vectors_logic.unit_noise), so the files do not depend on a
random generator's version.
"""

from __future__ import annotations

import base64
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.mask import MaskCues, MaskFusion
from kiosk.core.types import FaceBox, FaceMesh, readonly
from kiosk.vision.manifest import Manifest
from kiosk.vision.mask_cue import lower_face_cues
from vectors_logic import r, unit_noise

SIZE = 64
BOX = (16.0, 12.0, 48.0, 52.0)
# Where the synthetic face puts the landmarks the cues read: (u, v) across and down the box.
LANDMARKS: dict[int, tuple[float, float]] = {
    # forehead and glabella
    10: (0.50, 0.02),
    151: (0.50, 0.12),
    9: (0.50, 0.20),
    8: (0.50, 0.28),
    107: (0.40, 0.24),
    336: (0.60, 0.24),
    108: (0.40, 0.12),
    337: (0.60, 0.12),
    69: (0.30, 0.10),
    299: (0.70, 0.10),
    # lips, chin, lower cheeks
    0: (0.50, 0.70),
    17: (0.50, 0.80),
    18: (0.50, 0.85),
    200: (0.50, 0.90),
    199: (0.50, 0.94),
    175: (0.50, 0.97),
    152: (0.50, 1.00),
    164: (0.50, 0.66),
    167: (0.42, 0.68),
    393: (0.58, 0.68),
    57: (0.36, 0.75),
    287: (0.64, 0.75),
    212: (0.30, 0.80),
    432: (0.70, 0.80),
    61: (0.38, 0.74),
    291: (0.62, 0.74),
    # the lower face's outline
    205: (0.22, 0.60),
    425: (0.78, 0.60),
    58: (0.12, 0.72),
    288: (0.88, 0.72),
    172: (0.15, 0.80),
    397: (0.85, 0.80),
    136: (0.20, 0.87),
    365: (0.80, 0.87),
    149: (0.27, 0.92),
    378: (0.73, 0.92),
    148: (0.35, 0.96),
    377: (0.65, 0.96),
    176: (0.42, 0.99),
    400: (0.58, 0.99),
    2: (0.50, 0.60),
    98: (0.40, 0.58),
    327: (0.60, 0.58),
}
RGB = tuple[int, int, int]
Image = npt.NDArray[np.uint8]
SKIN: RGB = (224, 172, 150)
DARK_SKIN: RGB = (141, 85, 60)
BACKGROUND: RGB = (90, 100, 110)
SURGICAL: RGB = (130, 170, 215)


def _face(seed: int, skin: RGB, mask: tuple[RGB, RGB] | None, grey: bool = False) -> Image:
    """A SIZE x SIZE RGB face: an oval of skin on a background, the lower face masked or not
    (two colours: a 4-pixel check pattern), every channel with +-4 noise."""
    x1, y1, x2, y2 = BOX
    cx, cy, rx, ry = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2 + 2, (y2 - y1) / 2 + 2
    image = np.zeros((SIZE, SIZE, 3), np.uint8)
    for y in range(SIZE):
        for x in range(SIZE):
            colour = BACKGROUND
            if ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1:
                colour = skin
                if mask is not None and y >= y1 + 0.56 * (y2 - y1):
                    colour = mask[(x // 4 + y // 4) % 2]
            index = (y * SIZE + x) * 3
            noisy = [c + round(4 * unit_noise(seed, 0, index + k)) for k, c in enumerate(colour)]
            image[y, x] = [min(255, max(0, v)) for v in noisy]
    if grey:
        image[:] = image.mean(axis=2, keepdims=True).astype(np.uint8)
    return image


def _mesh(box: tuple[float, float, float, float]) -> tuple[FaceMesh, dict[str, list[float]]]:
    x1, y1, x2, y2 = box
    points = np.zeros((468, 3), np.float32)
    for index, (u, v) in LANDMARKS.items():
        points[index, :2] = (x1 + u * (x2 - x1) + 0.3, y1 + v * (y2 - y1) - 0.2)
    stored = {str(i): [float(points[i, 0]), float(points[i, 1])] for i in sorted(LANDMARKS)}
    return FaceMesh(readonly(points), 0.9), stored


def _face_case(name: str, image_rgb: Image, box: tuple[float, float, float, float]) -> Any:
    mesh, stored = _mesh(box)
    bgr = np.ascontiguousarray(image_rgb[:, :, ::-1])
    cues = lower_face_cues(bgr, FaceBox(box, 0.9), mesh)
    return {
        "name": name,
        "size": [SIZE, SIZE],
        "rgb": base64.b64encode(image_rgb.tobytes()).decode("ascii"),
        "box": list(box),
        "points": stored,
        "cues": None if cues is None else [r(cues.colour_contrast, 6), r(cues.skin_fraction, 6)],
    }


def _lab_table() -> list[list[int]]:
    steps = (0, 51, 102, 153, 204, 255)
    colours = [(a, b, c) for a in steps for b in steps for c in steps]
    colours += [SKIN, DARK_SKIN, SURGICAL, (255, 224, 196), (198, 134, 66), (92, 51, 23)]
    rgb = np.array(colours, np.uint8).reshape(-1, 1, 3)
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[:, :, ::-1]), cv2.COLOR_BGR2LAB).reshape(-1, 3)
    return [[*map(int, c), *map(int, v)] for c, v in zip(colours, lab, strict=True)]


def mask_vectors(manifest: Manifest) -> dict[str, Any]:
    """Lab table, cues on synthetic faces and fused answers (see the module docstring)."""
    thresholds = dict(manifest.get("mask").thresholds)
    fusion = MaskFusion.from_thresholds(thresholds)
    within = thresholds["mirror_within"]
    faces = [
        _face_case("bare", _face(1, SKIN, None), BOX),
        _face_case("dark skin, bare", _face(2, DARK_SKIN, None), BOX),
        _face_case("surgical mask", _face(3, SKIN, (SURGICAL, SURGICAL)), BOX),
        _face_case("skin-toned check mask", _face(4, SKIN, ((200, 160, 140), (80, 60, 50))), BOX),
        _face_case("grey photo", _face(5, SKIN, None, grey=True), BOX),
        _face_case("cut by the left edge", _face(6, SKIN, None), (-14.0, 12.0, 18.0, 52.0)),
    ]
    fused = []
    for p in (1e-6, 0.02, 0.5, 0.93, 0.999999):
        for cues in (None, MaskCues(5.0, 0.8), MaskCues(22.0, 0.01), MaskCues(12.5, 0.4)):
            z = fusion.with_mask_logit(p, cues)
            fused.append(
                {
                    "p": p,
                    "cues": None if cues is None else [cues.colour_contrast, cues.skin_fraction],
                    "logit": r(z),
                    "prob": r(fusion.with_mask_prob(p, cues)),
                    "unsure": abs(z) < within,
                }
            )
    return {
        "thresholds": {
            k: thresholds[k]
            for k in sorted(thresholds)
            if k.startswith("fusion_") or k == "mirror_within"
        },
        "lab": _lab_table(),
        "faces": faces,
        "fused": fused,
    }
