"""The staff page: who is signed in, the tabs, and the way back to the shopper view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from kiosk.ui.widgets import button, label


class StaffView(QWidget):
    """Tabs for staff work. Returns to the shopper view when asked or after being left idle."""

    sig_done = Signal()  # back to the shopper view
    sig_exit = Signal()  # close the kiosk

    def __init__(self, idle_logout_s: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff_name = ""
        self.title = label("Staff mode", "title")
        back = button("Back to the shop", "interested")
        back.clicked.connect(self.sig_done)
        leave = button("Exit kiosk")
        leave.clicked.connect(self.sig_exit)
        self.chain = label("", "chainStatus")  # only with a chain: online / OFFLINE
        self.chain.setTextFormat(Qt.TextFormat.PlainText)  # error text from the network
        self.chain.hide()
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.chain)
        header.addWidget(leave)
        header.addWidget(back)
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self._idle = QTimer(self, singleShot=True, interval=idle_logout_s * 1000)
        self._idle.timeout.connect(self.sig_done)
        self.installEventFilter(self)

    def add_tab(self, page: QWidget, title: str) -> None:
        """Add a page; it too resets the idle timer when used."""
        page.installEventFilter(self)
        self.tabs.addTab(page, title)

    def set_chain_status(self, text: str, online: bool) -> None:
        """Show the chain's sync state (red while offline)."""
        self.chain.setText(text)
        self.chain.setStyleSheet("" if online else "color: #ff6b6b; font-weight: bold;")
        self.chain.show()

    def sign_in(self, staff_name: str) -> None:
        """Show who is working and start the idle timer."""
        self.staff_name = staff_name
        self.title.setText(f"Staff mode · {staff_name}")
        self._idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress):
            self._idle.start()
        return super().eventFilter(watched, event)
