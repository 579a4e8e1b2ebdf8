"""Helpers for tests on the real models (the fixtures live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import cv2

from kiosk.vision.runtime import ImageBGR


def read_image(path: Path) -> ImageBGR:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, f"fixture {path} did not decode"
    return image
