"""What shoppers see: the attract loop, their picks beside a camera mirror, product details, the
help offer, the pause screen, and the privacy notice along the bottom.

Sizes follow the screen (`kiosk.ui.style.scale_for`): the same layout fills 1280x800, 1920x1080
and 4K; a portrait display stacks the mirror, greeting and cards. The camera picture is a small
mirror above the picks (`display.camera_view = "mirror"`) or a large view beside them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QPropertyAnimation, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGraphicsOpacityEffect,
    QGridLayout,
    QHBoxLayout,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.shopper_session import GREETING_NOBODY, Card, ScreenMode, ScreenUpdate
from kiosk.ui.attract import AttractPage
from kiosk.ui.cards import CardWidget
from kiosk.ui.money import Money
from kiosk.ui.overlays import HelpBanner, PausePage, ProductDetail
from kiosk.ui.style import scale_for, style_sheet
from kiosk.ui.video import Overlays, VideoView, to_qimage
from kiosk.ui.widgets import button, fade_effect, label
from kiosk.ui.wording import greeting_text

__all__ = ["CardWidget", "Overlays", "ShopperScreen", "SuggestionPanel", "VideoView", "to_qimage"]

FADE_MS = 450
PREFETCH_MAX = 60  # product pictures fitted ahead of time (two sizes each: cards, attract)
PREFETCH_TICK_MS = 40
STAFF_PRESS_S = 1.5  # a long press on "Staff" opens staff mode


def privacy_details(retention_days: int = 7) -> str:
    """What the kiosk does with faces, how to opt out or be forgotten (rich text, our own)."""
    return QCoreApplication.translate(
        "ShopperScreen",
        "<h3>How this kiosk uses your face</h3>"
        "<p><b>What it does.</b> The camera picture is analysed on this device only, to show "
        "products you may like. It estimates your expression (happy, neutral, ...) and whether "
        "you wear a mask. Nothing leaves the device.</p>"
        "<p><b>If you are not enrolled</b>, the kiosk does not know who you are and stores no "
        "picture or face data of you. It records only that someone was here and for how long, "
        "and deletes even that after {days} days.</p>"
        "<p><b>If you enrolled</b> (only with your consent, with a member of staff), the kiosk "
        "keeps an encrypted numeric template of your face, never a photo unless you asked, to "
        "greet you and remember what you liked. Your name and picks appear only after the "
        "kiosk has checked that it sees a live person, not a photo.</p>"
        "<p><b>To opt out</b>: step out of the camera's view, or press <i>Pause</i>: no face "
        "is analysed or recorded until then. <b>To be forgotten</b>: ask staff; everything "
        "about you is deleted at once, and cannot be recovered.</p>",
    ).replace("{days}", str(retention_days))


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


class ShopperScreen(QWidget):
    """Attract loop, shopper picks or pause screen above the privacy notice."""

    sig_staff_requested = Signal()
    sig_pause_requested = Signal()  # a shopper opted out of face analysis for a while
    sig_resume_requested = Signal()
    sig_interested = Signal(str)  # sku, from a card or the detail view
    sig_detail = Signal(bool)  # the detail view opened (True) or closed
    sig_call_staff = Signal()
    sig_decline_help = Signal()

    def __init__(self, slots: int = 3, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.money = Money()
        self.camera_view = "mirror"
        self.retention_days = 7
        self.mode = ScreenMode.ATTRACT
        self._update: ScreenUpdate | None = None
        self._scale = 0.0
        self._warm = False
        self._images: tuple[str, ...] = ()
        self._to_fit: list[str] = []
        self._fitter = QTimer(self, interval=PREFETCH_TICK_MS)
        self._fitter.timeout.connect(self._fit_next)
        self._warmer = QTimer(self, singleShot=True, interval=0)  # owned: dies with the screen
        self._warmer.timeout.connect(self._warm_up)
        self._layout_key: tuple[bool, str] | None = None
        self.video = VideoView()
        self.panel = SuggestionPanel(slots)
        self.attract = AttractPage()
        self.pause_page = PausePage()
        self.shopper_page = QWidget()
        self._grid = QGridLayout(self.shopper_page)
        self.pages = QStackedWidget()
        self._effects: dict[QWidget, QGraphicsOpacityEffect] = {}
        self._fades: dict[QWidget, QPropertyAnimation] = {}
        for page in (self.attract, self.shopper_page, self.pause_page):
            self.pages.addWidget(page)
            self._effects[page], self._fades[page] = fade_effect(page, FADE_MS, self)
        self.detail = ProductDetail(self)
        self._wire()
        self.notice = label("", "notice", wrap=True)
        self.pause_button = button("", "pauseButton")
        self.pause_button.clicked.connect(self.sig_pause_requested)
        self.privacy_button = button("", "privacyButton")
        self.privacy_button.clicked.connect(self.show_privacy)
        self.staff_button = button("", "staffButton")
        self.staff_button.setAutoRepeat(False)
        self.staff_button.pressed.connect(self._on_staff_pressed)
        self.staff_button.released.connect(self._on_staff_released)
        self._press_started = 0.0
        self._alerts = 0
        links = QHBoxLayout()
        links.addStretch(1)
        for widget in (self.pause_button, self.privacy_button, self.staff_button):
            links.addWidget(widget)
        self._bottom = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._bottom.addWidget(self.notice, 1)
        self._bottom.addLayout(links)
        self._root = QVBoxLayout(self)
        self._root.addWidget(self.pages, 1)
        self._root.addLayout(self._bottom)
        self.pages.setCurrentWidget(self.attract)
        self.retranslate()
        self._arrange()

    def _wire(self) -> None:
        self.panel.sig_interested.connect(self.sig_interested)
        self.panel.sig_open.connect(self.open_detail)
        self.attract.sig_open.connect(self.open_detail)
        self.detail.sig_interested.connect(self.sig_interested)
        self.detail.sig_closed.connect(lambda: self.sig_detail.emit(False))
        self.panel.banner.sig_call.connect(self.sig_call_staff)
        self.panel.banner.sig_decline.connect(self.sig_decline_help)
        self.pause_page.sig_resume.connect(self.sig_resume_requested)

    def show_update(self, update: ScreenUpdate) -> None:
        """New content from the shopper session (painted once, when all of it is in place)."""
        self._update = update
        self.setUpdatesEnabled(False)
        try:
            if update.mode is ScreenMode.ATTRACT:
                self.attract.set_products(update.cards, self.money)
            else:
                self.panel.set_greeting(greeting_text(update.greeting))
                self.panel.set_cards(update.cards, self.money)
            self.panel.banner.set_state(update.help)
            if update.mode is not self.mode:
                self._switch(update.mode)
        finally:
            self.setUpdatesEnabled(True)

    def _switch(self, mode: ScreenMode) -> None:
        self.mode = mode
        self.detail.close_detail()
        if mode is ScreenMode.PAUSED:
            self.video.clear()  # every badge goes at once
            self.pages.setCurrentWidget(self.pause_page)
            return
        self.pause_page.stop()
        page = self.attract if mode is ScreenMode.ATTRACT else self.shopper_page
        self._fade_to(page)

    def _fade_to(self, page: QWidget) -> None:
        """A smooth change of page (the effect is switched off when done: it costs while on)."""
        for fade in self._fades.values():
            fade.stop()
        for effect in self._effects.values():
            effect.setEnabled(False)
        self.pages.setCurrentWidget(page)
        self._effects[page].setOpacity(0.0)
        self._effects[page].setEnabled(True)
        self._fades[page].start()

    def show_paused(self, seconds: float) -> None:
        """The pause screen with its countdown."""
        self.pause_page.start(seconds)
        self._switch(ScreenMode.PAUSED)

    def open_detail(self, sku: str) -> None:
        """The detail view of a product on screen."""
        cards = self._update.cards if self._update is not None else ()
        card = next((c for c in cards if c.sku == sku), None)
        if card is not None:
            self.detail.show_card(card, self.money, self._portrait)
            self.sig_detail.emit(True)

    def set_money(self, money: Money) -> None:
        """How prices are written (currency, language); what is on screen is rewritten."""
        self.money = money
        if self._update is not None:
            self.show_update(self._update)

    def set_alerts(self, unseen: int) -> None:
        """How many staff alerts wait (shown discreetly on the Staff button, no names)."""
        self._alerts = unseen
        self.staff_button.setProperty("alerts", unseen > 0)
        self.staff_button.style().unpolish(self.staff_button)
        self.staff_button.style().polish(self.staff_button)
        self._word_staff_button()

    def set_camera_view(self, view: str) -> None:
        """ "mirror" or "large" (see module docstring)."""
        self.camera_view = view
        self._arrange()

    @property
    def _portrait(self) -> bool:
        return self.height() > self.width()

    def _arrange(self) -> None:
        """Place the camera, greeting and cards for the screen's shape and the camera view."""
        key = (self._portrait, self.camera_view)
        if key == self._layout_key:
            self._size_mirror()
            return
        self._layout_key = key
        for widget in (self.video, self.panel, self.panel.cards_area):
            self._grid.removeWidget(widget)
        for i in range(3):
            self._grid.setRowStretch(i, 0)
            self._grid.setColumnStretch(i, 0)
        portrait, mirror = key[0], key[1] == "mirror"
        if portrait:
            self._grid.addWidget(self.video, 0, 0)
            self._grid.addWidget(self.panel, 1, 0)
            self._grid.addWidget(self.panel.cards_area, 2, 0)
            self._grid.setRowStretch(2, 1)
        elif mirror:
            self._grid.addWidget(self.video, 0, 0)
            self._grid.addWidget(self.panel, 0, 1)
            self._grid.addWidget(self.panel.cards_area, 1, 0, 1, 2)
            self._grid.setColumnStretch(1, 1)
            self._grid.setRowStretch(1, 1)
        else:
            self._grid.addWidget(self.video, 0, 0, 2, 1)
            self._grid.addWidget(self.panel, 0, 1)
            self._grid.addWidget(self.panel.cards_area, 1, 1)
            self._grid.setColumnStretch(0, 3)
            self._grid.setColumnStretch(1, 2)
            self._grid.setRowStretch(1, 1)
        self.panel.set_row(mirror and not portrait)
        self.attract.set_portrait(portrait)
        self._bottom.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        self._size_mirror()

    def _size_mirror(self) -> None:
        width, height = self.width(), self.height()
        portrait, mirror = self._portrait, self.camera_view == "mirror"
        if portrait:
            self.video.setFixedHeight(int(height * (0.22 if mirror else 0.34)))
            self.video.setMinimumWidth(0)
            self.video.setMaximumWidth(16_777_215)
        elif mirror:
            self.video.setFixedSize(int(width * 0.26), int(width * 0.26 * 0.75))
        else:
            self.video.setMinimumSize(160, 120)
            self.video.setMaximumSize(16_777_215, 16_777_215)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._warm:
            self._warm = True
            self._warmer.start()

    def prefetch(self, image_paths: Sequence[str]) -> None:
        """Load and fit these product pictures a few at a time while the kiosk is idle, so a
        new slate or attract slide costs a blit, not a decode and a smooth scaling (done again
        when the screen's size changes)."""
        self._images = tuple(dict.fromkeys(image_paths))[:PREFETCH_MAX]
        self._to_fit = list(self._images)
        self._fitter.start()

    def _fit_next(self) -> None:
        if not self._to_fit:
            self._fitter.stop()
            return
        path = self._to_fit.pop(0)
        self.panel.cards[0].image.prepare(path)
        self.attract.image.prepare(path)

    def _warm_up(self) -> None:
        """Style and lay out the pages not on screen yet, now (the kiosk is starting), not in
        the frame a shopper steps up in: the first show of a page styles every widget on it."""
        for page in (self.shopper_page, self.pause_page, self.detail):
            for widget in (page, *page.findChildren(QWidget)):
                widget.ensurePolished()
            layout = page.layout()
            if layout is not None:
                layout.activate()
        self.shopper_page.grab()  # its first paint (fonts, glyphs, styles) happens now too

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        scale = scale_for(self.width(), self.height())
        if abs(scale - self._scale) > 0.02:
            self._scale = scale
            self.setStyleSheet(style_sheet(scale))
            margin = int(16 * scale)
            self._root.setContentsMargins(margin, margin, margin, int(margin * 0.75))
        self._arrange()
        if self.detail.isVisible():
            self.detail.setGeometry(self.rect())
        if self._images:
            self._to_fit = list(self._images)  # new sizes: fit again
            self._fitter.start()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Every word in the current language (product fields stay as the catalog has them)."""
        self.notice.setText(
            self.tr(
                "This kiosk analyses faces (on this device only) to suggest products. Nothing "
                "about you is stored unless you enrol with staff. To opt out, press Pause or "
                "step away; enrolled shoppers can ask staff to forget them at any time."
            )
        )
        self.pause_button.setText(self.tr("Pause"))
        self.privacy_button.setText(self.tr("Privacy && opt-out"))  # && shows one &
        self._word_staff_button()
        self.panel.retranslate()
        self.attract.retranslate()
        self.pause_page.retranslate()
        self.detail.retranslate()
        if self._update is not None and self._update.mode is not ScreenMode.ATTRACT:
            self.panel.set_greeting(greeting_text(self._update.greeting))

    def _word_staff_button(self) -> None:
        staff = self.tr("Staff")
        self.staff_button.setText(f"{staff} · {self._alerts}" if self._alerts else staff)

    def show_privacy(self) -> None:
        """Explain what is analysed and how to opt out or be forgotten."""
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Privacy"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(privacy_details(self.retention_days))
        pause = box.addButton(self.tr("Pause for 2 minutes"), QMessageBox.ButtonRole.ActionRole)
        pause.clicked.connect(self.sig_pause_requested)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def _on_staff_pressed(self) -> None:
        self._press_started = time.monotonic()

    def _on_staff_released(self) -> None:
        if time.monotonic() - self._press_started >= STAFF_PRESS_S:
            self.sig_staff_requested.emit()
