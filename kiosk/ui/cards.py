"""Product pictures (or a drawn placeholder) and the product card of the shopper screen."""

from __future__ import annotations

import zlib
from collections import OrderedDict

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPixmap
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.services.shopper_session import Card
from kiosk.ui.money import Money
from kiosk.ui.widgets import button, label
from kiosk.ui.wording import reason_text

PLACEHOLDER_COLOURS = ("#2f6f5e", "#3b5aa8", "#8a4f9e", "#b0563f", "#a8842f", "#2f7d9a")
_CACHE_SIZE = 160
_pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
_scaled: OrderedDict[tuple[str, int], QPixmap] = OrderedDict()  # (path, side) -> fitted copy


def load_pixmap(path: str) -> QPixmap:
    """The picture at `path` (cached; a null pixmap when there is none or it cannot be read)."""
    if not path:
        return QPixmap()
    pixmap = _pixmaps.get(path)
    if pixmap is None:
        pixmap = QPixmap(path)
        _pixmaps[path] = pixmap
        if len(_pixmaps) > _CACHE_SIZE:
            _pixmaps.popitem(last=False)
    else:
        _pixmaps.move_to_end(path)
    return pixmap


def scaled_pixmap(path: str, side: int) -> QPixmap:
    """The picture at `path` fitted into `side` x `side` pixels (smoothly, once per size)."""
    key = (path, side)
    pixmap = _scaled.get(key)
    if pixmap is None:
        pixmap = load_pixmap(path).scaled(
            side,
            side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        _scaled[key] = pixmap
        if len(_scaled) > _CACHE_SIZE:
            _scaled.popitem(last=False)
    else:
        _scaled.move_to_end(key)
    return pixmap


def initials(name: str) -> str:
    """Up to two initials of a product name ("Wool Beanie" -> "WB"; "茶" -> "茶")."""
    words = [w for w in name.split() if w[:1].isalnum()]
    return "".join(w[0].upper() for w in words[:2]) or "?"


class ProductImage(QWidget):
    """A product's picture, scaled to fit; a product without one gets a drawn placeholder
    (its initials on a colour of its own), never an empty box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._pixmap = QPixmap()
        self._path = ""
        self._name = ""

    def set_product(self, image_path: str, name: str) -> None:
        """Show the picture at `image_path` ("" or unreadable: the placeholder)."""
        if (image_path, name) == (self._path, self._name):
            return
        self._pixmap, self._path, self._name = load_pixmap(image_path), image_path, name
        self.update()

    def prepare(self, image_path: str) -> None:
        """Load and fit a picture this widget will show soon (so showing it costs a blit)."""
        side = min(self.width(), self.height())
        if image_path and side > 0:
            scaled_pixmap(image_path, side)

    @property
    def has_picture(self) -> bool:
        """False when the placeholder is drawn."""
        return not self._pixmap.isNull()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(160, 160)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        area = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        path = QPainterPath()
        path.addRoundedRect(area, side / 12, side / 12)
        if self._pixmap.isNull():
            self._placeholder(painter, path, area)
        else:
            painter.fillPath(path, QColor("#ffffff"))
            fitted = scaled_pixmap(self._path, int(side))
            x = area.left() + (side - fitted.width()) / 2
            y = area.top() + (side - fitted.height()) / 2
            painter.setClipPath(path)
            painter.drawPixmap(int(x), int(y), fitted)
        painter.end()

    def _placeholder(self, painter: QPainter, path: QPainterPath, area: QRectF) -> None:
        colour = PLACEHOLDER_COLOURS[zlib.crc32(self._name.encode()) % len(PLACEHOLDER_COLOURS)]
        painter.fillPath(path, QColor(colour))
        font = QFont(self.font())
        font.setPixelSize(max(8, int(area.height() * 0.36)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255, 230))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, initials(self._name))


class CardWidget(QFrame):
    """Picture, name, price, reason and "I'm interested"; tapping the card opens its details."""

    sig_interested = Signal(str)  # sku
    sig_open = Signal(str)  # sku: show the product detail view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._card: Card | None = None
        self._money = Money()
        self.image = ProductImage()
        self.name = label("", "cardName", wrap=True)
        self.price = label("", "cardPrice")
        self.was_price = label("", "wasPrice")
        self.reason = label("", "cardReason", wrap=True)
        self.description = label("", "cardText", wrap=True)
        self.button = button("", "interested")
        self.button.clicked.connect(self._on_clicked)
        prices = QHBoxLayout()
        prices.addWidget(self.price)
        prices.addWidget(self.was_price)
        prices.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.name)
        text.addLayout(prices)
        text.addWidget(self.reason)
        text.addWidget(self.description)
        text.addStretch(1)
        text.addWidget(self.button)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.addWidget(self.image, 2)
        self._box.addLayout(text, 3)
        self.retranslate()

    @property
    def sku(self) -> str:
        """The product on this card ('' when empty)."""
        return self._card.sku if self._card is not None else ""

    @property
    def card(self) -> Card | None:
        """The product shown (None when empty)."""
        return self._card

    def set_vertical(self, vertical: bool) -> None:
        """Picture above the text (cards in a row) or beside it (cards in a column)."""
        direction = (
            QBoxLayout.Direction.TopToBottom if vertical else QBoxLayout.Direction.LeftToRight
        )
        self._box.setDirection(direction)
        self._box.setStretch(0, 3 if vertical else 2)

    def set_card(self, card: Card, money: Money) -> None:
        """Show a product (prices written with `money`); the same product again costs nothing."""
        if (card, money) == (self._card, self._money):
            return
        self._card, self._money = card, money
        self.name.setText(card.name)
        self.price.setText(money.text(card.price_cents))
        self.was_price.setText(money.text(card.was_price_cents) if card.was_price_cents else "")
        self.was_price.setVisible(bool(card.was_price_cents))
        self.reason.setText(reason_text(card.reason))
        self.description.setText(card.description)
        self.description.setVisible(bool(card.description))
        self.image.set_product(card.image_path, card.name)
        self.button.setEnabled(True)
        self.retranslate()

    def retranslate(self) -> None:
        """Words in the current language (the product's own fields are as the catalog has them)."""
        if self._card is not None:
            self.reason.setText(reason_text(self._card.reason))
            self.price.setText(self._money.text(self._card.price_cents))
        if self.button.isEnabled():
            self.button.setText(self.tr("I'm interested"))
        else:
            self.button.setText(self.tr("Thanks! We told staff"))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._card is not None and self.rect().contains(event.position().toPoint()):
            self.sig_open.emit(self._card.sku)
        super().mouseReleaseEvent(event)

    def _on_clicked(self) -> None:
        if self._card is not None:
            self.button.setEnabled(False)
            self.retranslate()
            self.sig_interested.emit(self._card.sku)
