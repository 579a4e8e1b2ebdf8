"""Helpers for tests on the real models (the fixtures live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.vision.runtime import ImageBGR

# The public-domain photos with exactly one person (tests/fixtures/faces).
SINGLE_FACE_PHOTOS = (
    "obama/obama_1.jpg",
    "obama/obama_2.jpg",
    "obama/obama_3.jpg",
    "obama/obama_4_small.jpg",
    "obama/obama_5.jpg",
    "obama/obama_6_240p.jpg",
    "biden/biden_1.jpg",
    "biden/biden_2.jpg",
    "collins/collins_1.png",
)


def read_image(path: Path) -> ImageBGR:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, f"fixture {path} did not decode"
    return np.asarray(image, dtype=np.uint8)
