"""Draw pipeline results on frames: boxes, names, emotion and mask (for `--annotate`)."""

from __future__ import annotations

from collections.abc import Mapping

import cv2
import numpy as np

from kiosk.core.types import FaceResult, FrameResult
from kiosk.vision.runtime import ImageBGR

_KNOWN = (80, 200, 60)  # BGR
_UNKNOWN = (60, 170, 240)
_TEXT = (255, 255, 255)


def _label(face: FaceResult, emotion_display: Mapping[str, str]) -> str:
    who = face.identity.name if face.identity.known else "unknown"
    parts = [f"#{face.track_id} {who}"]
    if face.emotion is not None:
        parts.append(face.expression or emotion_display.get(face.emotion.top, face.emotion.top))
    if face.masked:
        parts.append("mask")
    return " | ".join(parts)


def annotate(
    image_bgr: ImageBGR, result: FrameResult, emotion_display: Mapping[str, str]
) -> ImageBGR:
    """A copy of the frame with each face's box and a label (track, name, emotion, mask)."""
    canvas = np.array(image_bgr, copy=True)
    scale = max(0.4, min(canvas.shape[:2]) / 900.0)
    thickness = max(1, round(2 * scale))
    for face in result.faces:
        colour = _KNOWN if face.identity.known else _UNKNOWN
        x1, y1, x2, y2 = (round(v) for v in face.box.xyxy)
        cv2.rectangle(canvas, (x1, y1), (x2, y2), colour, thickness)
        text = _label(face, emotion_display)
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        top = max(0, y1 - th - base - 4)
        cv2.rectangle(canvas, (x1, top), (x1 + tw + 6, top + th + base + 4), colour, -1)
        cv2.putText(
            canvas,
            text,
            (x1 + 3, top + th + 2),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            _TEXT,
            thickness,
            cv2.LINE_AA,
        )
    return canvas
