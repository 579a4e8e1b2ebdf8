"""The shopper's picks: the greeting, the help banner, and the product cards."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from kiosk.services.shopper_session import GREETING_NOBODY, Card
from kiosk.ui.cards import CardWidget
from kiosk.ui.money import Money
from kiosk.ui.overlays import HelpBanner
from kiosk.ui.widgets import label
from kiosk.ui.wording import greeting_text


class SuggestionPanel(QWidget):
    """The greeting, the help banner and the product cards (`cards_area`, placed by the screen);
    emits the sku of a card tapped "interested" or opened."""

    sig_interested = Signal(str)
    sig_open = Signal(str)

    def __init__(self, slots: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestions")
        self.greeting = label("", "greeting", wrap=True)
        self.subtitle = label("", "subtitle", wrap=True)
        self.banner = HelpBanner()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.greeting)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        self.cards_area = QWidget()
        self._cards_box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.cards_area)
        self._cards_box.setContentsMargins(0, 0, 0, 0)
        self.cards = [CardWidget() for _ in range(slots)]
        for card in self.cards:
            card.sig_interested.connect(self.sig_interested)
            card.sig_open.connect(self.sig_open)
            card.hide()
            self._cards_box.addWidget(card, 1)
        self.empty = label("", "emptyHint", wrap=True)
        self._cards_box.addWidget(self.empty)
        self.empty.hide()
        self._shown: tuple[Card, ...] = ()
        self._money = Money()
        self.set_greeting(greeting_text(GREETING_NOBODY))

    def set_greeting(self, text: str) -> None:
        """The line above the cards."""
        self.greeting.setText(text)

    def set_row(self, row: bool) -> None:
        """Cards side by side (pictures on top) or one above the other (pictures beside)."""
        direction = QBoxLayout.Direction.LeftToRight if row else QBoxLayout.Direction.TopToBottom
        self._cards_box.setDirection(direction)
        for card in self.cards:
            card.set_vertical(row)

    def set_cards(self, cards: Sequence[Card], money: Money | None = None) -> None:
        """Show these products (extra card slots are hidden; none: the empty-catalog hint)."""
        self._shown, self._money = tuple(cards), money or self._money
        for widget, card in zip(self.cards, cards, strict=False):
            widget.set_card(card, self._money)
            widget.show()
        for widget in self.cards[len(cards) :]:
            widget.hide()
        self.empty.setVisible(not cards)

    def retranslate(self) -> None:
        """Words in the current language."""
        self.subtitle.setText(self.tr("Picked for you · tap a product for details"))
        self.empty.setText(
            self.tr("No products to suggest yet. For staff: import the catalog in staff mode.")
        )
        self.banner.retranslate()
        for card in self.cards:
            card.retranslate()
