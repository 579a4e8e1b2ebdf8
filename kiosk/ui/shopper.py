"""What shoppers see: the live picture with face overlays, suggestions, and the privacy notice."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.types import FaceResult, FrameResult
from kiosk.services.shopper_session import Card
from kiosk.ui.widgets import button, label

KNOWN = QColor("#3ddc97")
UNKNOWN = QColor("#7aa7ff")
BADGE_BG = QColor(12, 16, 28, 200)
NOTICE = (
    "This kiosk analyses faces (on this device only) to suggest products. Nothing about you is "
    "stored unless you enrol with staff. To opt out, look away or ask staff; enrolled shoppers "
    "can ask staff to forget them at any time."
)
PRIVACY_DETAILS = (
    "<h3>How this kiosk uses your face</h3>"
    "<p><b>What it does.</b> The camera picture is analysed on this device only, to show "
    "products you may like. It estimates your expression (happy, neutral, ...) and whether "
    "you wear a mask. Nothing leaves the device.</p>"
    "<p><b>If you are not enrolled</b>, the kiosk does not know who you are and stores no "
    "picture or face data of you. It records only that someone was here and for how long, "
    "and deletes even that after {retention}.</p>"
    "<p><b>If you enrolled</b> (only with your consent, with a member of staff), the kiosk "
    "keeps an encrypted numeric template of your face, never a photo unless you asked, to "
    "greet you and remember what you liked. Your name and picks appear only after the kiosk "
    "has checked that it sees a live person, not a photo.</p>"
    "<p><b>To opt out</b>: step out of the camera's view, or press <i>Pause for 2 minutes</i> "
    "below: no face is analysed or recorded until then. <b>To be forgotten</b>: ask staff; "
    "everything about you is deleted at once, and cannot be recovered.</p>"
)


def privacy_details(retention_days: int) -> str:
    """The privacy explanation, with the configured retention of unknown visitors' data."""
    days = "1 day" if retention_days == 1 else f"{retention_days} days"
    return PRIVACY_DETAILS.format(retention=days)


@dataclass(frozen=True, slots=True)
class Overlays:
    """Which badges to draw on faces (settings)."""

    names: bool = True
    emotion: bool = True
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
        self.setMinimumSize(320, 240)
        self._image: QImage | None = None
        self._result: FrameResult | None = None
        self._status = "Waiting for the camera…"
        self._emotion_display: Mapping[str, str] = {}
        self.overlays = Overlays()
        self.frames_shown = 0

    def set_emotion_display(self, display: Mapping[str, str]) -> None:
        """Label -> display name for emotions (from the model manifest)."""
        self._emotion_display = display

    def show_frame(self, image: QImage, result: FrameResult) -> None:
        """Show a new frame and its faces."""
        self._image, self._result, self._status = image, result, ""
        self.frames_shown += 1
        self.update()

    def show_status(self, text: str) -> None:
        """Show a message over the picture (camera lost, retrying…); empty clears it."""
        self._status = text
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 (Qt override)
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
        painter.setPen(QPen(colour, 3))
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
            badges.append(person.name.title() if person.known else "Welcome")
        if self.overlays.emotion and face.emotion is not None:
            top = face.emotion.top
            badges.append(face.expression or self._emotion_display.get(top, top))
        if self.overlays.mask and face.masked:
            badges.append("mask")
        return badges

    def _draw_badges(
        self, painter: QPainter, badges: Sequence[str], at: QPointF, accent: QColor, area: QRectF
    ) -> None:
        """Pills below the box, wrapping onto new lines at the picture's right edge."""
        font = QFont(self.font())
        font.setPointSizeF(max(10.0, self.height() / 45))
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
        font.setPointSizeF(max(12.0, self.height() / 30))
        painter.setFont(font)
        rect = QRectF(self.rect()).adjusted(40, 40, -40, -40)
        painter.setPen(QColor("#e6e9f2"))
        painter.drawText(
            rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._status
        )


class CardWidget(QFrame):
    """Image, name, price, reason, and an "I'm interested" button."""

    sig_interested = Signal(str)  # sku

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._sku = ""
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(120, 120)
        self.name = label("", "cardName", wrap=True)
        self.price = label("", "cardPrice")
        self.reason = label("", "cardReason", wrap=True)
        self.button = button("I'm interested", "interested")
        self.button.clicked.connect(self._on_clicked)
        text = QVBoxLayout()
        text.addWidget(self.name)
        text.addWidget(self.price)
        text.addWidget(self.reason)
        text.addStretch(1)
        text.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout(self)
        row.addWidget(self.image)
        row.addLayout(text, 1)

    @property
    def sku(self) -> str:
        """The product on this card ('' when empty)."""
        return self._sku

    def set_card(self, card: Card) -> None:
        """Show a product."""
        self._sku = card.sku
        self.name.setText(card.name)
        self.price.setText(card.price_text)
        self.reason.setText(card.reason)
        pixmap = QPixmap(card.image_path)
        if not pixmap.isNull():
            pixmap = pixmap.scaled(
                120,
                120,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.image.setPixmap(pixmap)
        self.button.setEnabled(True)
        self.button.setText("I'm interested")

    def _on_clicked(self) -> None:
        if self._sku:
            self.button.setEnabled(False)
            self.button.setText("Thanks! Staff will help you")
            self.sig_interested.emit(self._sku)


class SuggestionPanel(QWidget):
    """Greeting and product cards; emits the sku of a card tapped "interested"."""

    sig_interested = Signal(str)

    def __init__(self, slots: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestions")
        self.greeting = label("Welcome!", "greeting", wrap=True)
        self.subtitle = label("Picked for you", "subtitle")
        layout = QVBoxLayout(self)
        layout.addWidget(self.greeting)
        layout.addWidget(self.subtitle)
        self.cards = [CardWidget() for _ in range(slots)]
        for card in self.cards:
            card.sig_interested.connect(self.sig_interested)
            card.hide()
            layout.addWidget(card)
        layout.addStretch(1)

    def set_greeting(self, text: str) -> None:
        """The line above the cards."""
        self.greeting.setText(text)

    def set_cards(self, cards: Sequence[Card]) -> None:
        """Show these products (extra card slots are hidden)."""
        for widget, card in zip(self.cards, cards, strict=False):
            widget.set_card(card)
            widget.show()
        for widget in self.cards[len(cards) :]:
            widget.hide()


class ShopperScreen(QWidget):
    """Video on the left, suggestions on the right, the notice along the bottom."""

    sig_staff_requested = Signal()
    sig_pause_requested = Signal()  # a shopper opted out of face analysis for a while

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.video = VideoView()
        self.panel = SuggestionPanel()
        self.panel.setMinimumWidth(420)
        self.notice = label(NOTICE, "notice", wrap=True)
        self.privacy_button = button("Privacy && opt-out", "privacyButton")  # && shows one &
        self.privacy_button.clicked.connect(self.show_privacy)
        self.staff_button = button("Staff", "staffButton")
        self.staff_button.setAutoRepeat(False)
        self.staff_button.pressed.connect(self._on_staff_pressed)
        self.staff_button.released.connect(self._on_staff_released)
        self._press_started = 0.0
        self.retention_days = 7  # privacy.retention_days, shown in the privacy explanation
        top = QHBoxLayout()
        top.addWidget(self.video, 3)
        top.addWidget(self.panel, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notice, 1)
        bottom.addWidget(self.privacy_button)
        bottom.addWidget(self.staff_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top, 1)
        layout.addLayout(bottom)

    def show_privacy(self) -> None:
        """Explain what is analysed and how to opt out or be forgotten."""
        box = QMessageBox(self)
        box.setWindowTitle("Privacy")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(privacy_details(self.retention_days))
        pause = box.addButton("Pause for 2 minutes", QMessageBox.ButtonRole.ActionRole)
        pause.clicked.connect(self.sig_pause_requested)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def _on_staff_pressed(self) -> None:
        self._press_started = time.monotonic()

    def _on_staff_released(self) -> None:
        if time.monotonic() - self._press_started >= 1.5:  # a long press opens staff mode
            self.sig_staff_requested.emit()
