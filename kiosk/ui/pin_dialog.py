"""Staff sign-in: name and PIN on a touch keypad, with the lock-out from `core.pin`."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.pin import MIN_PIN_DIGITS, PinGuard, hash_pin
from kiosk.ui.widgets import label


class PinDialog(QDialog):
    """Asks for the staff member's name and the PIN; `accept()`s when the PIN is right.

    With no PIN configured yet (`guard` is None) it asks for a new PIN twice and exposes its
    hash as `new_pin_hash`, for the caller to store.
    """

    def __init__(self, guard: PinGuard | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Staff sign-in")
        self.setModal(True)
        self.guard = guard
        self.new_pin_hash = ""
        self._first_entry = ""
        self.staff_name = QLineEdit(placeholderText="Your name")
        self.pin = QLineEdit(placeholderText="PIN", echoMode=QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.message = label("", "feedback", wrap=True)
        title = "Staff sign-in" if guard else "Set the staff PIN"
        layout = QVBoxLayout(self)
        layout.addWidget(label(title, "title"))
        layout.addWidget(self.staff_name)
        layout.addWidget(self.pin)
        layout.addLayout(self._keypad())
        layout.addWidget(self.message)
        self._timer = QTimer(self, interval=500)
        self._timer.timeout.connect(self._refresh_lock)
        self._timer.start()
        if guard is None:
            self.message.setText(f"Choose a PIN of at least {MIN_PIN_DIGITS} digits.")
        self._refresh_lock()

    def _keypad(self) -> QGridLayout:
        grid = QGridLayout()
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setMinimumSize(84, 64)
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(button, index // 3, index % 3)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        grid.addWidget(cancel, 4, 0, 1, 3)
        return grid

    def press(self, key: str) -> None:
        """A keypad key: a digit, ⌫ (delete) or OK."""
        if key == "⌫":
            self.pin.backspace()
        elif key == "OK":
            self.submit()
        else:
            self.pin.insert(key)

    def submit(self) -> None:
        """Check the PIN (or take the new one)."""
        if not self.staff_name.text().strip():
            self.message.setText("Enter your name: staff actions are recorded.")
            return
        if self.guard is None:
            self._set_new_pin()
            return
        outcome = self.guard.attempt(self.pin.text(), time.monotonic())
        self.pin.clear()
        if outcome.accepted:
            self.accept()
        elif outcome.locked_for_s > 0:
            self._refresh_lock()
        else:
            left = self.guard.max_failures - outcome.failures
            self.message.setText(f"Wrong PIN. {left} attempt(s) before a lock-out.")

    def _set_new_pin(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
            self.message.setText(f"A PIN is at least {MIN_PIN_DIGITS} digits.")
        elif not self._first_entry:
            self._first_entry = pin
            self.message.setText("Enter the same PIN again.")
        elif pin != self._first_entry:
            self._first_entry = ""
            self.message.setText("The two PINs differ. Start again.")
        else:
            self.new_pin_hash = hash_pin(pin)
            self.accept()

    def _refresh_lock(self) -> None:
        if self.guard is None:
            return
        wait = self.guard.locked_for(time.monotonic())
        self.pin.setEnabled(wait <= 0)
        if wait > 0:
            self.message.setText(f"Too many wrong PINs. Try again in {wait:.0f} s.")

    @property
    def name(self) -> str:
        """The staff member's name as typed."""
        return self.staff_name.text().strip()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)
