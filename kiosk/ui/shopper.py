"""What shoppers see: the attract loop, their picks beside a camera mirror, product details, the
help offer, the pause screen, and the privacy notice along the bottom.

Sizes follow the screen (`kiosk.ui.style.scale_for`): the same layout fills 1280x800, 1920x1080
and 4K; a portrait display stacks the mirror, greeting and cards. The camera picture is a small
mirror above the picks (`display.camera_view = "mirror"`) or a large view beside them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPropertyAnimation, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QGridLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.shopper_session import ScreenMode, ScreenUpdate
from kiosk.ui.attract import AttractPage
from kiosk.ui.cards import CardWidget
from kiosk.ui.money import Money
from kiosk.ui.notice import NoticeBar, privacy_details
from kiosk.ui.overlays import PausePage, ProductDetail
from kiosk.ui.panel import SuggestionPanel
from kiosk.ui.style import scale_for, style_sheet
from kiosk.ui.video import Overlays, VideoView, to_qimage
from kiosk.ui.widgets import fade_effect
from kiosk.ui.wording import greeting_text

__all__ = [
    "CardWidget",
    "Overlays",
    "ShopperScreen",
    "SuggestionPanel",
    "VideoView",
    "privacy_details",
    "to_qimage",
]

FADE_MS = 450
PREFETCH_MAX = 60  # product pictures fitted ahead of time (two sizes each: cards, attract)
PREFETCH_TICK_MS = 40
STAFF_PRESS_S = 1.5  # a long press on "Staff" opens staff mode


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
        self.bar = NoticeBar()
        self.bar.sig_pause.connect(self.sig_pause_requested)
        self.bar.sig_staff.connect(self.sig_staff_requested)
        self.notice, self.pause_button = self.bar.notice, self.bar.pause_button
        self.privacy_button, self.staff_button = self.bar.privacy_button, self.bar.staff_button
        self._root = QVBoxLayout(self)
        self._root.addWidget(self.pages, 1)
        self._root.addWidget(self.bar)
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

    @property
    def retention_days(self) -> int:
        """Days unknown visitors' data is kept (said in the privacy explanation)."""
        return self.bar.retention_days

    @retention_days.setter
    def retention_days(self, days: int) -> None:
        self.bar.retention_days = days

    def show_privacy(self) -> None:
        """Explain what is analysed and how to opt out or be forgotten."""
        self.bar.show_privacy()

    def set_alerts(self, unseen: int) -> None:
        """How many staff alerts wait (shown discreetly on the Staff button, no names)."""
        self.bar.set_alerts(unseen)

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
        self.bar.set_portrait(portrait)
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
        self.bar.retranslate()
        self.panel.retranslate()
        self.attract.retranslate()
        self.pause_page.retranslate()
        self.detail.retranslate()
        if self._update is not None and self._update.mode is not ScreenMode.ATTRACT:
            self.panel.set_greeting(greeting_text(self._update.greeting))
