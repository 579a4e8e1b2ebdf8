"""The staff page: who is signed in, the tabs, the on-screen keyboard, and the way back.

Staff mode works by touch alone: every field a name or a search is typed in is attached to the
keyboard docked at the bottom (`keyboard.attach(field)`), and closing the kiosk asks first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.style import scale_for, style_sheet
from kiosk.ui.widgets import button, confirm, label

TABS = ("enrol", "gallery", "catalog", "alerts", "analytics", "settings")


class StaffView(QWidget):
    """Tabs for staff work. Returns to the shopper view when asked or after being left idle."""

    sig_done = Signal()  # back to the shopper view
    sig_exit = Signal()  # close the kiosk (confirmed)

    def __init__(self, idle_logout_s: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff_name = ""
        self._pages: dict[str, QWidget] = {}
        self._alerts = 0
        self._scale = 0.0
        self.title = label("", "title")
        self.back = button("", "interested")
        self.back.clicked.connect(self.sig_done)
        self.leave = button("")
        self.leave.clicked.connect(self.confirm_exit)
        self.chain = label("", "chainStatus")  # only with a chain: online / OFFLINE
        self.chain.setTextFormat(Qt.TextFormat.PlainText)  # error text from the network
        self.chain.hide()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.chain)
        header.addWidget(self.leave)
        header.addWidget(self.back)
        self.tabs = QTabWidget()
        self._idle = QTimer(self, singleShot=True, interval=idle_logout_s * 1000)
        self._idle.timeout.connect(self.sig_done)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.hide()
        self.keyboard.sig_typed.connect(self._idle.start)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.keyboard)
        self.installEventFilter(self)
        self.retranslate()

    def add_tab(self, page: QWidget, key: str) -> None:
        """Add a page (`key` one of `TABS`, which names it); it too resets the idle timer."""
        if key not in TABS:
            raise ValueError(f"tab must be one of {TABS}, got {key!r}")
        page.installEventFilter(self)
        self._pages[key] = page
        self.tabs.addTab(page, "")
        self._title_tabs()

    def page(self, key: str) -> QWidget:
        """The page added as `key`."""
        return self._pages[key]

    def show_page(self, key: str) -> None:
        """Bring a page to the front."""
        self.tabs.setCurrentWidget(self._pages[key])

    def set_chain_status(self, text: str, online: bool) -> None:
        """Show the chain's sync state (red while offline)."""
        self.chain.setText(text)
        self.chain.setStyleSheet("" if online else "color: #ff6b6b; font-weight: bold;")
        self.chain.show()

    def sign_in(self, staff_name: str) -> None:
        """Show who is working and start the idle timer."""
        self.staff_name = staff_name
        self._title_header()
        self._idle.start()

    def set_alerts(self, unseen: int) -> None:
        """Unseen alerts, counted on the Alerts tab."""
        self._alerts = unseen
        self._title_tabs()

    def confirm_exit(self) -> None:
        """Ask before closing the kiosk (shoppers would see the desktop)."""
        if confirm(
            self,
            self.tr("Exit the kiosk?"),
            self.tr(
                "The kiosk closes and the screen shows the computer's desktop until the kiosk "
                "is started again. Exit?"
            ),
        ):
            self.sig_exit.emit()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.back.setText(self.tr("Back to the shop"))
        self.leave.setText(self.tr("Exit kiosk"))
        self._title_header()
        self._title_tabs()

    def _title_header(self) -> None:
        mode = self.tr("Staff mode")
        self.title.setText(f"{mode} · {self.staff_name}" if self.staff_name else mode)

    def _title_tabs(self) -> None:
        titles = {
            "enrol": self.tr("Enrol"),
            "gallery": self.tr("Gallery"),
            "catalog": self.tr("Catalog"),
            "alerts": self.tr("Alerts"),
            "analytics": self.tr("Analytics"),
            "settings": self.tr("Settings"),
        }
        for key, page in self._pages.items():
            title = titles[key]
            if key == "alerts" and self._alerts:
                title = f"{title} ({self._alerts})"
            self.tabs.setTabText(self.tabs.indexOf(page), title)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        scale = scale_for(self.width(), self.height())
        if abs(scale - self._scale) > 0.02:
            self._scale = scale
            self.setStyleSheet(style_sheet(scale))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress):
            self._idle.start()
        return super().eventFilter(watched, event)
