"""The kiosk window: shopper view and staff mode in one stack; full-screen kiosk behaviour."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QCursor, QKeyEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from kiosk.ui.shopper import ShopperScreen


class KioskWindow(QMainWindow):
    """In kiosk mode: no window chrome, Escape and Alt+F4 ignored, cursor hidden when idle.

    Staff mode opens with a long press on the small "Staff" button or Ctrl+Shift+S, then a PIN.
    """

    sig_staff_requested = Signal()

    def __init__(self, shopper: ShopperScreen, *, kiosk_mode: bool, cursor_hide_s: int = 5) -> None:
        super().__init__()
        self.setWindowTitle("iFace Kiosk")
        self.kiosk_mode = kiosk_mode
        self.shopper = shopper
        self.stack = QStackedWidget()
        self.stack.addWidget(shopper)
        self.setCentralWidget(self.stack)
        self._allow_close = not kiosk_mode
        shopper.sig_staff_requested.connect(self.sig_staff_requested)
        self._cursor_timer = QTimer(self, singleShot=True, interval=cursor_hide_s * 1000)
        self._cursor_timer.timeout.connect(self._hide_cursor)
        if kiosk_mode:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._cursor_timer.start()

    def show_staff(self, staff: QWidget) -> None:
        """Switch to a staff page (added once, then reused)."""
        if self.stack.indexOf(staff) < 0:
            self.stack.addWidget(staff)
        self.stack.setCurrentWidget(staff)

    def show_shopper(self) -> None:
        """Back to the shopper view."""
        self.stack.setCurrentWidget(self.shopper)

    def allow_close(self) -> None:
        """Let the next close request through (staff chose to exit)."""
        self._allow_close = True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self.kiosk_mode and event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        staff_keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_S and event.modifiers() == staff_keys:
            self.sig_staff_requested.emit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self._allow_close:  # Alt+F4 and friends in kiosk mode
            event.ignore()
            return
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress):
            if QApplication.overrideCursor() is not None:
                QApplication.restoreOverrideCursor()
            self._cursor_timer.start()
        return super().eventFilter(watched, event)

    def _hide_cursor(self) -> None:
        if QApplication.overrideCursor() is None:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
