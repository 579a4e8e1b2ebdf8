"""A touch keyboard for staff mode: names, searches and passphrases without a physical keyboard.

    keyboard = OnScreenKeyboard()
    keyboard.attach(line_edit)       # any number of fields; it types into the one in focus
    layout.addWidget(keyboard)       # hidden until an attached field is touched

A tap on an attached field shows the keyboard and makes that field its target; "Done" hides it
(and emits `sig_done`, which `ask_text` uses to accept). Keys never take the focus, so the
field keeps its cursor. German gets a QWERTZ layout with ä, ö, ü and ß; other languages QWERTY.
Characters outside these keys (Chinese names need an input method) are typed on a real keyboard.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.widgets import button, label

ROWS = {
    "en": ("1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm-.@"),
    "de": ("1234567890ß", "qwertzuiopü", "asdfghjklöä", "yxcvbnm-.@'"),
}
BACKSPACE, SHIFT, SPACE, DONE = "⌫", "⇧", "space", "done"


class OnScreenKeyboard(QFrame):
    """Letter, digit and punctuation keys, Shift, Backspace, Space and Done."""

    sig_done = Signal()
    sig_typed = Signal()  # any key (staff mode's idle timer listens)

    def __init__(self, parent: QWidget | None = None, language: str = "en") -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._fields: list[QLineEdit] = []
        self.target: QLineEdit | None = None
        self.shift = False
        self._letters: list[QPushButton] = []
        self._grid = QGridLayout(self)
        self._grid.setSpacing(6)
        self._language = ""
        self.set_language(language)

    def attach(self, field: QLineEdit) -> None:
        """Type into `field` whenever it has the focus; touching it shows the keyboard."""
        if field not in self._fields:
            self._fields.append(field)
            field.installEventFilter(self)
            field.destroyed.connect(lambda *_: self._forget(field))

    def set_language(self, language: str) -> None:
        """Rebuild the keys for `language` (QWERTZ for German, QWERTY otherwise)."""
        if language == self._language:
            return
        self._language = language
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._letters = []
        rows = ROWS.get(language, ROWS["en"])
        for r, keys in enumerate(rows):
            for c, key in enumerate(keys):
                self._grid.addWidget(self._letter(key), r, c)
        self._grid.addWidget(self._special(BACKSPACE, self.backspace), 0, len(rows[0]), 1, 2)
        self._grid.addWidget(self._special(SHIFT, self.toggle_shift), 3, len(rows[3]), 1, 2)
        bottom = len(rows)
        self._grid.addWidget(self._special(SPACE, lambda: self.type_text(" ")), bottom, 1, 1, 7)
        done = self._special(DONE, self.done, "keyDone")
        self._grid.addWidget(done, bottom, 8, 1, max(2, len(rows[0]) - 6))

    def _letter(self, key: str) -> QPushButton:
        widget = button(key)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.setProperty("key", key)
        widget.clicked.connect(lambda: self.type_text(self._shifted(key)))
        self._letters.append(widget)
        return widget

    def _special(self, text: str, action: Callable[[], None], name: str = "keyWide") -> QPushButton:
        widget = button(text, name)
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.clicked.connect(action)
        return widget

    def _shifted(self, key: str) -> str:
        return key.upper() if self.shift and key != "ß" else key

    def type_text(self, text: str) -> None:
        """Insert `text` at the target's cursor (Shift applies to one letter, as on phones)."""
        if self.target is not None and self.target.isEnabled():
            self.target.deselect()  # Qt selects a field's text when it gets the focus: keep it
            self.target.insert(text)
        if self.shift and text.strip():
            self.toggle_shift()
        self.sig_typed.emit()

    def backspace(self) -> None:
        """Delete the character before the cursor."""
        if self.target is not None:
            self.target.backspace()
        self.sig_typed.emit()

    def toggle_shift(self) -> None:
        """Capitals for the next letter (or back to small letters)."""
        self.shift = not self.shift
        for widget in self._letters:
            widget.setText(self._shifted(str(widget.property("key"))))

    def done(self) -> None:
        """Hide the keyboard (the field keeps its text)."""
        self.hide()
        self.sig_done.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched in self._fields and event.type() in (
            QEvent.Type.FocusIn,
            QEvent.Type.MouseButtonPress,
        ):
            assert isinstance(watched, QLineEdit)
            self.target = watched
            if watched.isEnabled():
                self.show()
        return super().eventFilter(watched, event)

    def _forget(self, field: QLineEdit) -> None:
        if field in self._fields:
            self._fields.remove(field)
        if self.target is field:
            self.target = None


def ask_text(
    parent: QWidget,
    title: str,
    prompt: str,
    text: str = "",
    *,
    password: bool = False,
    language: str = "en",
) -> str | None:
    """A small dialog with a field and the on-screen keyboard; the text, or None if cancelled."""
    dialog = TextPrompt(parent, title, prompt, text, password=password, language=language)
    return dialog.field.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


class TextPrompt(QDialog):
    """A prompt, a field, the keyboard (always shown), OK and Cancel."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        text: str = "",
        *,
        password: bool = False,
        language: str = "en",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.field = QLineEdit(text)
        if password:
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyboard = OnScreenKeyboard(self, language)
        self.keyboard.attach(self.field)
        self.keyboard.target = self.field
        self.keyboard.sig_done.connect(self.accept)
        ok = button(self.tr("OK"), "interested")
        ok.clicked.connect(self.accept)
        cancel = button(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(label(prompt, "title", wrap=True))
        layout.addWidget(self.field)
        layout.addWidget(self.keyboard)
        layout.addLayout(buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        self.field.setFocus()
        self.field.end(False)  # the keys add to the text at its end
