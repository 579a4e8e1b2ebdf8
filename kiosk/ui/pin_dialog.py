"""Staff sign-in: name and PIN on a touch keypad; the PIN is checked off the GUI thread.

There is no way to choose a PIN here: with none set, staff mode says how to set one from a
terminal (`kiosk.services.staff_access`). A check costs about half a second (scrypt), so it
runs on a short-lived thread while the keypad waits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.pin import MAX_PIN_DIGITS, PinAttempt
from kiosk.errors import KioskError
from kiosk.services.staff_access import StaffAccess
from kiosk.ui.widgets import label


class _PinCheck(QThread):
    """One PIN check (scrypt) on its own thread."""

    sig_done = Signal(object)  # PinAttempt, or the KioskError that stopped the check

    def __init__(self, access: StaffAccess, pin: str) -> None:
        super().__init__()
        self._access = access
        self._pin = pin

    def run(self) -> None:
        try:
            outcome: PinAttempt | KioskError = self._access.attempt(self._pin)
        except KioskError as exc:
            outcome = exc
        self.sig_done.emit(outcome)


class PinDialog(QDialog):
    """Asks for the staff member's name and the PIN; `accept()`s when the PIN is right."""

    def __init__(self, access: StaffAccess, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Staff sign-in"))
        self.setModal(True)
        self.access = access
        self._check: _PinCheck | None = None
        self.staff_name = QLineEdit(placeholderText=self.tr("Your name"))
        self.pin = QLineEdit(placeholderText=self.tr("PIN"), echoMode=QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(MAX_PIN_DIGITS)
        self.message = label("", "feedback", wrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(label(self.tr("Staff sign-in"), "title"))
        layout.addWidget(self.staff_name)
        layout.addWidget(self.pin)
        layout.addLayout(self._keypad())
        layout.addWidget(self.message)
        self._timer = QTimer(self, interval=500)
        self._timer.timeout.connect(self._refresh_lock)
        self._timer.start()
        self._refresh_lock()

    def _keypad(self) -> QGridLayout:
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setMinimumSize(84, 64)
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(button, index // 3, index % 3)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        grid.addWidget(cancel, 4, 0, 1, 3)
        return grid

    @property
    def checking(self) -> bool:
        """A PIN check is running."""
        return self._check is not None

    def press(self, key: str) -> None:
        """A keypad key: a digit, ⌫ (delete) or OK."""
        if key == "⌫":
            self.pin.backspace()
        elif key == "OK":
            self.submit()
        else:
            self.pin.insert(key)

    def submit(self) -> None:
        """Check the PIN on a thread; the keypad waits for the answer."""
        if self.checking:
            return
        if not self.staff_name.text().strip():
            self.message.setText(self.tr("Enter your name: staff actions are recorded."))
            return
        pin = self.pin.text()
        self.pin.clear()
        self.pin.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self._check = _PinCheck(self.access, pin)
        self._check.sig_done.connect(self._on_checked)
        self._check.start()

    def _on_checked(self, outcome: PinAttempt | KioskError) -> None:
        if self._check is not None:
            self._check.wait()
            self._check = None
        self.pin.setEnabled(True)
        if isinstance(outcome, KioskError):
            self.message.setText(str(outcome))
        elif outcome.accepted:
            self.accept()
        elif outcome.locked_for_s > 0:
            self._refresh_lock()
        else:
            left = self.access.settings.max_failures - outcome.failures
            self.message.setText(
                self.tr("Wrong PIN. {left} attempt(s) before a lock-out.").replace(
                    "{left}", str(left)
                )
            )

    def _refresh_lock(self) -> None:
        if self.checking:
            return
        try:
            wait = self.access.locked_for()
        except KioskError as exc:
            self.pin.setEnabled(False)
            self.message.setText(str(exc))
            return
        self.pin.setEnabled(wait <= 0)
        if wait > 0:
            self.message.setText(
                self.tr("Too many wrong PINs. Try again in {seconds} s.").replace(
                    "{seconds}", f"{wait:.0f}"
                )
            )

    def done(self, result: int) -> None:
        """Close (never while a check still runs: it finishes first)."""
        if self._check is not None:
            self._check.wait()
            self._check = None
        self._timer.stop()
        super().done(result)

    @property
    def name(self) -> str:
        """The staff member's name as typed."""
        return self.staff_name.text().strip()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)
