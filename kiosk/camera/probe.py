"""Is the configured camera there? A quick, side-effect-free probe for `kiosk doctor`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2


@dataclass(frozen=True, slots=True)
class CameraProbe:
    """Result of probing a frame source.

    Attributes:
        source: the source as configured.
        available: a frame could be read.
        detail: frame size, or why it is unavailable.
    """

    source: str
    available: bool
    detail: str


def probe_camera(source: str) -> CameraProbe:
    """Open a webcam index, device path or video file, read one frame, and close it."""
    target: int | str = int(source) if source.isdigit() else source
    if isinstance(target, str) and not Path(target).exists():
        return CameraProbe(source, False, f"{target} does not exist")
    # OpenCV logs an ERROR line for a missing camera index; the status says it instead.
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        capture = cv2.VideoCapture(target)
    finally:
        cv2.utils.logging.setLogLevel(level)
    try:
        if not capture.isOpened():
            return CameraProbe(source, False, "cannot be opened (no camera at this index?)")
        ok, frame = capture.read()
        if not ok or frame is None:
            return CameraProbe(source, False, "opened but delivered no frame")
        return CameraProbe(source, True, f"{frame.shape[1]}x{frame.shape[0]}")
    finally:
        capture.release()
