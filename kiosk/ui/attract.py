"""The attract screen: with nobody in front of the kiosk, a full-screen loop of featured products
(offers, new arrivals, what is popular), or a friendly empty state when the catalog is empty."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.shopper_session import Card
from kiosk.ui.cards import ProductImage
from kiosk.ui.money import Money
from kiosk.ui.widgets import fade_effect, label
from kiosk.ui.wording import reason_text

FADE_MS = 600


class EmptyCatalog(QWidget):
    """No products yet: a line for shoppers and a hint for staff."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("", "emptyTitle", wrap=True)
        self.hint = label("", "emptyHint", wrap=True)
        for widget in (self.title, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.title.setText(self.tr("Our products will be here soon"))
        self.hint.setText(
            self.tr(
                "For staff: the catalog is empty. Open staff mode, then Catalog, Import catalog "
                "file… (or run: kiosk catalog import FILE.csv)"
            )
        )


class AttractPage(QWidget):
    """One featured product at a time, changing every few seconds with a fade."""

    sig_open = Signal(str)  # sku: a tap on the product shows its details

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cards: tuple[Card, ...] = ()
        self._index = 0
        self._money = Money()
        self.image = ProductImage()
        self.chip = label("", "chip")
        self.name = label("", "attractName", wrap=True)
        self.price = label("", "attractPrice")
        self.was_price = label("", "wasPrice")
        self.description = label("", "attractText", wrap=True)
        self.where = label("", "detailWhere", wrap=True)
        self.call = label("", "attractCall", wrap=True)
        self.call.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_note = label("", "emptyHint", wrap=True)
        self.camera_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_note.hide()
        self.slide = QWidget()
        self._effect, self._fade = fade_effect(self.slide, FADE_MS, self)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.slide)
        self._box.addWidget(self.image, 1)
        self._box.addLayout(self._text_column(), 1)
        self.empty = EmptyCatalog()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.slide)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.call)
        layout.addWidget(self.camera_note)
        self._timer = QTimer(self, interval=6000)
        self._timer.timeout.connect(self.next_product)
        self._prepare = QTimer(self, singleShot=True, interval=FADE_MS * 2)
        self._prepare.timeout.connect(self._prepare_next)
        self.set_products((), self._money)
        self.retranslate()

    def _text_column(self) -> QVBoxLayout:
        prices = QHBoxLayout()
        prices.addWidget(self.price)
        prices.addWidget(self.was_price)
        prices.addStretch(1)
        chip = QHBoxLayout()
        chip.addWidget(self.chip)
        chip.addStretch(1)
        text = QVBoxLayout()
        text.addStretch(1)
        text.addLayout(chip)
        text.addWidget(self.name)
        text.addLayout(prices)
        text.addSpacing(12)
        text.addWidget(self.description)
        text.addSpacing(12)
        text.addWidget(self.where)
        text.addStretch(1)
        return text

    def set_products(self, cards: Sequence[Card], money: Money) -> None:
        """The products of the loop (none: the empty-catalog state)."""
        self._cards, self._money, self._index = tuple(cards), money, 0
        self.stack.setCurrentWidget(self.slide if self._cards else self.empty)
        self._show_current(fade=False)

    def set_slide_seconds(self, seconds: int) -> None:
        """How long each product stays."""
        self._timer.setInterval(seconds * 1000)

    def set_portrait(self, portrait: bool) -> None:
        """Picture above the text on a portrait display."""
        self._box.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def set_camera_note(self, text: str) -> None:
        """A line about the camera ("" hides it): the loop plays on without one."""
        self.camera_note.setText(text)
        self.camera_note.setVisible(bool(text))

    @property
    def current(self) -> Card | None:
        """The product on screen."""
        return self._cards[self._index] if self._cards else None

    def next_product(self) -> None:
        """Fade to the next product."""
        if len(self._cards) > 1:
            self._index = (self._index + 1) % len(self._cards)
            self._show_current(fade=True)

    def retranslate(self) -> None:
        """Words in the current language."""
        self.call.setText(self.tr("Step closer for picks made for you"))
        self.empty.retranslate()
        self._show_current(fade=False)

    def _show_current(self, fade: bool) -> None:
        card = self.current
        if card is None:
            return
        self.chip.setText(reason_text(card.reason))
        self.chip.setVisible(bool(self.chip.text()))
        self.name.setText(card.name)
        self.price.setText(self._money.text(card.price_cents))
        was = card.was_price_cents
        self.was_price.setText(self._money.text(was) if was else "")
        self.was_price.setVisible(bool(was))
        self.description.setText(card.description)
        self.where.setText(self.tr("Find it: {place}").replace("{place}", card.location))
        self.where.setVisible(bool(card.location))
        self.image.set_product(card.image_path, card.name)
        if fade:
            self._fade_in()
        if len(self._cards) > 1:  # scale the next picture now, not in the frame that fades it in
            self._prepare.start()

    def _prepare_next(self) -> None:
        if len(self._cards) > 1:
            self.image.prepare(self._cards[(self._index + 1) % len(self._cards)].image_path)

    def _fade_in(self) -> None:
        self._fade.stop()
        self._effect.setOpacity(0.0)
        self._effect.setEnabled(True)
        self._fade.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        card = self.current
        if card is not None and self.slide.geometry().contains(event.position().toPoint()):
            self.sig_open.emit(card.sku)
        super().mouseReleaseEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        super().hideEvent(event)
        self._timer.stop()
