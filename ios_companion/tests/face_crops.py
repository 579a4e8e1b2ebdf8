"""Real face crops from the public-domain photos in tests/fixtures/faces, cut without the kiosk.

The boxes and five points were measured once with the kiosk itself (BlazeFace full-range box,
face mesh -> `five_points_from_mesh`, kiosk/vision/*; then in MediaPipe Tasks, which the ONNX
detector matches within IoU 0.95) and are hard-coded here, because the kiosk's runtime is not in
the Core ML environment:

    .venv/bin/python -c "...OrtBlazeFaceDetector(m.get('face_detector'), 1).detect(img)[0].xyxy,
                         five_points_from_mesh(OrtFaceMesh(m.get('face_mesh'), 1).landmarks(...))"

Crops follow the manifest (margin, squaring, black outside the frame); resizing uses PIL's box
filter (close to the kiosk's cv2 INTER_AREA, and the same pixels go to both runtimes anyway). The
embedder chip is a similarity warp of the five points onto dlib's template: close to the kiosk's
dlib-exact chip, a real aligned face either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from model_specs import REPO_ROOT, ModelPlan

FACES_DIR = REPO_ROOT / "tests" / "fixtures" / "faces"

Box = tuple[float, float, float, float]
Points5 = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class FacePhoto:
    """A fixture photo with the kiosk's face box (xyxy pixels) and dlib-order five points."""

    path: str  # relative to tests/fixtures/faces
    xyxy: Box
    points5_xy: Points5 | None  # None where only the box was measured


PHOTOS: tuple[FacePhoto, ...] = (
    FacePhoto("biden/biden_1.jpg", (424.0, 228.0, 758.0, 562.0),
              ((670.3, 354.7), (627.4, 345.0), (510.4, 323.2), (558.3, 331.2), (583.1, 428.1))),
    FacePhoto("biden/biden_2.jpg", (395.0, 255.0, 908.0, 768.0),
              ((787.1, 418.5), (711.3, 415.3), (518.5, 404.0), (595.2, 408.7), (647.7, 561.6))),
    FacePhoto("collins/collins_1.png", (173.0, 67.0, 276.0, 170.0),
              ((254.8, 104.6), (237.7, 104.9), (195.8, 101.4), (212.7, 103.5), (222.9, 135.3))),
    FacePhoto("obama/obama_1.jpg", (354.0, 133.0, 641.0, 420.0),
              ((566.0, 216.2), (526.4, 215.6), (424.6, 217.9), (464.5, 216.2), (494.5, 291.8))),
    FacePhoto("obama/obama_2.jpg", (141.0, 271.0, 491.0, 621.0),
              ((397.6, 387.3), (346.5, 380.4), (233.5, 365.6), (276.4, 371.1), (287.5, 470.4))),
    FacePhoto("obama/obama_3.jpg", (657.0, 332.0, 962.0, 637.0),
              ((876.1, 402.9), (834.0, 395.9), (713.9, 390.2), (762.0, 390.6), (800.4, 465.8))),
    FacePhoto("obama/obama_4_small.jpg", (94.0, 58.0, 226.0, 190.0),
              ((195.0, 98.9), (176.8, 98.7), (128.8, 99.4), (147.9, 98.8), (162.9, 133.1))),
    FacePhoto("obama/obama_5.jpg", (526.0, 188.0, 970.0, 632.0),
              ((856.4, 319.1), (803.5, 323.1), (645.3, 332.4), (713.0, 328.2), (787.4, 446.2))),
    FacePhoto("obama/obama_6_240p.jpg", (190.0, 30.0, 253.0, 93.0),
              ((238.5, 48.3), (229.7, 48.1), (206.8, 48.7), (215.9, 48.3), (223.0, 65.0))),
    # drawn masks, so the mask classifier's parity covers both of its classes
    FacePhoto("masked/biden_synthetic_mask.jpg", (360.0, 247.0, 943.0, 830.0), None),
    FacePhoto("masked/eileen_collins_synthetic_mask.jpg", (173.0, 72.0, 277.0, 176.0), None),
    FacePhoto("masked/obama_synthetic_mask.jpg", (358.0, 136.0, 638.0, 416.0), None),
)  # fmt: skip

# dlib's 5-point template in 150-pixel chip coordinates: (0.25 + t) * 100 (kiosk/vision/align.py)
_DLIB_TEMPLATE_UNIT = np.array(
    [
        (0.8595674595992, 0.2134981538014),
        (0.6460604764104, 0.2289674387677),
        (0.1205750620789, 0.2137274526848),
        (0.3340850613712, 0.2290642403242),
        (0.4901123135679, 0.6277975316475),
    ]
)


def load_rgb(photo: FacePhoto) -> Image.Image:
    """The photo as an RGB PIL image."""
    with Image.open(FACES_DIR / photo.path) as image:
        return image.convert("RGB")


def _region(xyxy: Box, margin: float, make_square: bool) -> Box:
    x1, y1, x2, y2 = xyxy
    dx, dy = (x2 - x1) * margin, (y2 - y1) * margin
    x1, y1, x2, y2 = x1 - dx, y1 - dy, x2 + dx, y2 + dy
    if make_square:
        cx, cy, half = (x1 + x2) / 2, (y1 + y2) / 2, max(x2 - x1, y2 - y1) / 2
        x1, y1, x2, y2 = cx - half, cy - half, cx + half, cy + half
    return x1, y1, x2, y2


def model_image(plan: ModelPlan, photo: FacePhoto) -> np.ndarray:
    """The uint8 (1, C, H, W) pixels the model gets for this face (Core ML's image layout)."""
    image = load_rgb(photo)
    inp = plan.input
    if plan.key == "face_embedder":
        if photo.points5_xy is None:
            raise ValueError(f"{photo.path}: no five points measured for an aligned chip")
        crop = aligned_chip(image, np.asarray(photo.points5_xy), inp.width)
    else:
        x1, y1, x2, y2 = _region(photo.xyxy, inp.crop_margin, inp.crop_square)
        box = (int(np.floor(x1)), int(np.floor(y1)), int(np.ceil(x2)), int(np.ceil(y2)))
        crop = image.crop(box)  # PIL fills outside the image with black, as the kiosk does
        crop = crop.resize((inp.width, inp.height), Image.Resampling.BOX)
    if inp.colour == "GRAY":
        crop = crop.convert("L")  # ITU-R 601 luma, as cv2.COLOR_BGR2GRAY
    pixels = np.asarray(crop, dtype=np.uint8)
    pixels = pixels[:, :, None] if pixels.ndim == 2 else pixels
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None])


def aligned_chip(image: Image.Image, points5_xy: np.ndarray, size: int) -> Image.Image:
    """A size x size chip: least-squares similarity from dlib's template onto the five points."""
    template = (0.25 + _DLIB_TEMPLATE_UNIT) * (size / 1.5)
    src, dst = template, points5_xy.astype(np.float64)
    s, d = src - src.mean(0), dst - dst.mean(0)
    norm = float((s * s).sum())
    a = float((s[:, 0] * d[:, 0] + s[:, 1] * d[:, 1]).sum()) / norm
    b = float((s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum()) / norm
    tx = dst.mean(0)[0] - (a * src.mean(0)[0] - b * src.mean(0)[1])
    ty = dst.mean(0)[1] - (b * src.mean(0)[0] + a * src.mean(0)[1])
    # PIL's AFFINE maps output (chip) pixels to input (photo) pixels: exactly this transform
    return image.transform(
        (size, size), Image.Transform.AFFINE, (a, -b, tx, b, a, ty), Image.Resampling.BILINEAR
    )


def photos_for(plan: ModelPlan) -> tuple[FacePhoto, ...]:
    """The photos a model is checked on (the masked ones only for the mask classifier)."""
    if plan.key == "mask":
        return PHOTOS
    return tuple(p for p in PHOTOS if p.points5_xy is not None)


def ids(photos: tuple[FacePhoto, ...]) -> list[str]:
    """pytest ids: the photo's file stem."""
    return [Path(p.path).stem for p in photos]
