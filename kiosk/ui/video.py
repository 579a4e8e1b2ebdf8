"""The camera picture with a box and badges per face (the shopper's mirror, the enrolment preview).

Badges follow `FaceResult.personal`: until a recognised face passed the liveness check it is
drawn exactly as a stranger's (same colour, "Welcome"), pixel for pixel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.core.types import FaceResult, FrameResult
from kiosk.services.help_offer import face_expression

KNOWN = QColor("#3ddc97")
UNKNOWN = QColor("#7aa7ff")
BADGE_BG = QColor(12, 16, 28, 200)


def expression_name(expression: str) -> str:
    """A shopper-facing expression in the screen's language."""
    names = {
        "happy": QCoreApplication.translate("Expressions", "happy"),
        "angry": QCoreApplication.translate("Expressions", "angry"),
        "sad": QCoreApplication.translate("Expressions", "sad"),
        "neutral": QCoreApplication.translate("Expressions", "neutral"),
        "surprised": QCoreApplication.translate("Expressions", "surprised"),
        "confused": QCoreApplication.translate("Expressions", "confused"),
    }
    return names.get(expression, expression)


@dataclass(frozen=True, slots=True)
class Overlays:
    """Which badges to draw on faces (settings). Emotion is off unless staff switch it on."""

    names: bool = True
    emotion: bool = False
    mask: bool = True


def to_qimage(image_bgr: npt.NDArray[np.uint8]) -> QImage:
    """A QImage owning a copy of a BGR frame (Qt would otherwise point into numpy's memory)."""
    height, width = image_bgr.shape[:2]
    data = np.ascontiguousarray(image_bgr)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_BGR888).copy()


class VideoView(QWidget):
    """The camera picture, letterboxed, with a box and badges per face."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self._image: QImage | None = None
        self._result: FrameResult | None = None
        self._status = self.tr("Waiting for the camera…")
        self._emotion_display: Mapping[str, str] = {}
        self.overlays = Overlays()
        self.frames_shown = 0

    def set_emotion_display(self, display: Mapping[str, str]) -> None:
        """Label -> shopper-facing expression for the emotion model's labels (manifest)."""
        self._emotion_display = display

    def show_frame(self, image: QImage, result: FrameResult) -> None:
        """Show a new frame and its faces."""
        self._image, self._result, self._status = image, result, ""
        self.frames_shown += 1
        self.update()

    def clear(self) -> None:
        """Forget the picture and its faces at once (a shopper paused face analysis)."""
        self._image, self._result = None, None
        self.update()

    def show_status(self, text: str) -> None:
        """Show a message over the picture (camera lost, retrying…); empty clears it."""
        self._status = text
        self.update()

    @property
    def status(self) -> str:
        """The message over the picture ("" when none)."""
        return self._status

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#0b0f19"))
        if self._image is not None:
            target = self._fit(self._image.width(), self._image.height())
            painter.drawImage(target, self._image)
            if self._result is not None:
                scale = target.width() / self._image.width()
                painter.setClipRect(target)
                for face in self._result.faces:
                    self._draw_face(painter, face, target, scale)
                painter.setClipping(False)
        if self._status:
            self._draw_status(painter)
        painter.end()

    def _fit(self, width: int, height: int) -> QRectF:
        scale = min(self.width() / width, self.height() / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def _draw_face(self, painter: QPainter, face: FaceResult, target: QRectF, scale: float) -> None:
        x1, y1, x2, y2 = (v * scale for v in face.box.xyxy)
        box = QRectF(target.left() + x1, target.top() + y1, x2 - x1, y2 - y1)
        colour = KNOWN if face.personal.known else UNKNOWN  # the same until the check passes
        painter.setPen(QPen(colour, max(2.0, self.height() / 160)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 12, 12)
        badges = self._badges(face)
        if badges:
            self._draw_badges(
                painter, badges, QPointF(box.left(), box.bottom() + 8), colour, target
            )

    def _badges(self, face: FaceResult) -> list[str]:
        badges = []
        if self.overlays.names:
            person = face.personal
            badges.append(person.name if person.known else self.tr("Welcome"))
        if self.overlays.emotion:
            expression = face_expression(face)
            if expression is None and face.emotion is not None:
                expression = self._emotion_display.get(face.emotion.top, face.emotion.top)
            if expression is not None:
                badges.append(expression_name(expression))
        if self.overlays.mask and face.masked:
            badges.append(self.tr("mask"))
        return badges

    def _draw_badges(
        self, painter: QPainter, badges: Sequence[str], at: QPointF, accent: QColor, area: QRectF
    ) -> None:
        """Pills below the box, wrapping onto new lines at the picture's right edge."""
        font = QFont(self.font())
        font.setPointSizeF(max(9.0, self.height() / 40))
        font.setBold(True)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        height = metrics.height() + 10
        x, y = max(area.left() + 4, at.x()), at.y()
        for i, text in enumerate(badges):
            width = metrics.horizontalAdvance(text) + 24
            if x + width > area.right() - 4 and x > area.left() + 4:
                x, y = max(area.left() + 4, min(at.x(), area.right() - 4 - width)), y + height + 6
            rect = QRectF(x, y, width, height)
            path = QPainterPath()
            path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
            painter.fillPath(path, accent if i == 0 else BADGE_BG)
            painter.setPen(QColor("#0b0f19") if i == 0 else QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            x += width + 8

    def _draw_status(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, min(self.height() / 14, self.width() / 28)))
        painter.setFont(font)
        margin = min(40.0, self.width() / 12)
        rect = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        painter.setPen(QColor("#e6e9f2"))
        painter.drawText(
            rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._status
        )
