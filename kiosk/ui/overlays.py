"""What appears over the shopper screen: a product's details, the help offer, the pause screen."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.services.help_offer import HelpState
from kiosk.services.shopper_session import Card
from kiosk.ui.cards import ProductImage
from kiosk.ui.money import Money
from kiosk.ui.widgets import button, label
from kiosk.ui.wording import reason_text

DETAIL_IDLE_MS = 45_000  # a detail view nobody touches closes by itself
CALLED_SHOWN_MS = 10_000  # "Staff are on the way" stays this long


class ProductDetail(QFrame):
    """A product large: picture, price, description, where it is, and "I'm interested".

    Covers its parent (the shopper screen) with a dark backdrop; a tap outside the panel, "Back",
    or a minute untouched closes it.
    """

    sig_interested = Signal(str)  # sku
    sig_closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("detailBackdrop")
        self._card: Card | None = None
        self._money = Money()
        self.panel = QFrame()
        self.panel.setObjectName("detailPanel")
        self.image = ProductImage()
        self.name = label("", "detailName", wrap=True)
        self.price = label("", "detailPrice")
        self.was_price = label("", "wasPrice")
        self.reason = label("", "chip")
        self.description = label("", "detailText", wrap=True)
        self.where = label("", "detailWhere", wrap=True)
        self.interested = button("", "interested")
        self.interested.clicked.connect(self._on_interested)
        self.back = button("")
        self.back.clicked.connect(self.close_detail)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.panel)
        self._box.addWidget(self.image, 1)
        self._box.addLayout(self._text(), 1)
        self._outer = QVBoxLayout(self)
        self._outer.addWidget(self.panel)
        self._idle = QTimer(self, singleShot=True, interval=DETAIL_IDLE_MS)
        self._idle.timeout.connect(self.close_detail)
        self.hide()
        self.retranslate()

    def _text(self) -> QVBoxLayout:
        prices = QHBoxLayout()
        prices.addWidget(self.price)
        prices.addWidget(self.was_price)
        prices.addStretch(1)
        chip = QHBoxLayout()
        chip.addWidget(self.reason)
        chip.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.interested, 2)
        buttons.addWidget(self.back, 1)
        text = QVBoxLayout()
        text.addStretch(1)
        text.addLayout(chip)
        text.addWidget(self.name)
        text.addLayout(prices)
        text.addSpacing(12)
        text.addWidget(self.description)
        text.addSpacing(12)
        text.addWidget(self.where)
        text.addStretch(2)
        text.addLayout(buttons)
        return text

    @property
    def card(self) -> Card | None:
        """The product shown (None when closed)."""
        return self._card if self.isVisible() else None

    def show_card(self, card: Card, money: Money, portrait: bool) -> None:
        """Open on `card`."""
        self._card, self._money = card, money
        self._box.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.image.set_product(card.image_path, card.name)
        self.name.setText(card.name)
        self.description.setText(card.description)
        self.description.setVisible(bool(card.description))
        self.interested.setEnabled(True)
        self.retranslate()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            margin = int(min(parent.width(), parent.height()) * 0.06)
            self._outer.setContentsMargins(margin, margin, margin, margin)
            self._box.setContentsMargins(margin // 2, margin // 2, margin // 2, margin // 2)
            self._box.setSpacing(margin // 2)
        self.show()
        self.raise_()
        self._idle.start()

    def close_detail(self) -> None:
        """Close (when open)."""
        self._idle.stop()
        if self.isVisible():
            self.hide()
            self.sig_closed.emit()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.back.setText(self.tr("Back"))
        self.interested.setText(
            self.tr("I'm interested")
            if self.interested.isEnabled()
            else self.tr("Thanks! We told staff")
        )
        card = self._card
        if card is None:
            return
        self.reason.setText(reason_text(card.reason))
        self.price.setText(self._money.text(card.price_cents))
        was = card.was_price_cents
        self.was_price.setText(self._money.text(was))
        self.was_price.setVisible(bool(was))
        self.where.setText(self.tr("Find it: {place}").replace("{place}", card.location))
        self.where.setVisible(bool(card.location))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        self._idle.start()
        if not self.panel.geometry().contains(event.position().toPoint()):
            self.close_detail()  # a tap beside the panel
        super().mousePressEvent(event)

    def _on_interested(self) -> None:
        if self._card is not None:
            self.interested.setEnabled(False)
            self.retranslate()
            self.sig_interested.emit(self._card.sku)


class HelpBanner(QFrame):
    """ "Need help? Tap to call staff" (a confused shopper), then "Staff are on the way"."""

    sig_call = Signal()
    sig_decline = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.state = HelpState.NONE
        self.text = label("", "", wrap=True)
        self.call = button("")
        self.call.clicked.connect(self.sig_call)
        self.decline = button("")
        self.decline.clicked.connect(self.sig_decline)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.call)
        row.addWidget(self.decline)
        self._hide_later = QTimer(self, singleShot=True, interval=CALLED_SHOWN_MS)
        self._hide_later.timeout.connect(self.hide)
        self.hide()

    def set_state(self, state: HelpState) -> None:
        """Show the offer, the confirmation, or nothing."""
        if state is self.state:
            return
        self.state = state
        self.retranslate()
        self.setVisible(state is not HelpState.NONE)
        if state is HelpState.CALLED:
            self._hide_later.start()

    def retranslate(self) -> None:
        """Words in the current language."""
        called = self.state is HelpState.CALLED
        self.text.setText(
            self.tr("A member of staff is on the way.")
            if called
            else self.tr("Need help? Tap to call staff")
        )
        self.call.setText(self.tr("Call staff"))
        self.decline.setText(self.tr("No, thanks"))
        self.call.setVisible(not called)
        self.decline.setVisible(not called)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self.state is HelpState.OFFERED:
            self.sig_call.emit()  # the whole banner is the button
        super().mouseReleaseEvent(event)


class PausePage(QWidget):
    """Face analysis is paused: nothing on screen about anyone, a countdown, "Resume now"."""

    sig_resume = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._until = 0.0
        self.title = label("", "pauseTitle", wrap=True)
        self.body = label("", "emptyHint", wrap=True)
        self.count = label("", "pauseCount")
        self.resume = button("", "interested")
        self.resume.clicked.connect(self.sig_resume)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.body, self.count):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(self.resume, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._show_left)
        self.retranslate()

    def start(self, seconds: float) -> None:
        """Count down from `seconds`."""
        self._until = time.monotonic() + seconds
        self._show_left()
        self._tick.start()

    def stop(self) -> None:
        """Paused no more."""
        self._tick.stop()

    @property
    def seconds_left(self) -> int:
        """Whole seconds until analysis resumes."""
        return max(0, math.ceil(self._until - time.monotonic()))

    def retranslate(self) -> None:
        """Words in the current language."""
        self.title.setText(self.tr("Face analysis is paused"))
        self.body.setText(
            self.tr(
                "Nothing about anyone in front of the kiosk is analysed, shown or recorded. "
                "It starts again by itself when the time is up."
            )
        )
        self.resume.setText(self.tr("Resume now"))
        self._show_left()

    def _show_left(self) -> None:
        left = self.seconds_left
        self.count.setText(f"{left // 60}:{left % 60:02d}")
