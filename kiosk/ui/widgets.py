"""Small typed constructors for styled widgets (the style sheet keys on object names).

Text from people (names, product fields, file contents) is shown as plain text, always: Qt
would otherwise read a name like `<img src="/etc/...">` or `<h1 style="font-size:4000px">` as
rich text, showing local files or stretching the kiosk off its screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEasingCurve, QEvent, QPropertyAnimation, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)


def label(text: str = "", name: str = "", *, wrap: bool = False) -> QLabel:
    """A plain-text QLabel with an object name for the style sheet."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def confirm(parent: QWidget, title: str, text: str) -> bool:
    """Ask a yes/no question whose text (which may hold a person's name) is plain text."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def button(text: str, name: str = "") -> QPushButton:
    """A QPushButton with an object name for the style sheet."""
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def fade_effect(
    widget: QWidget, duration_ms: int, owner: QWidget
) -> tuple[QGraphicsOpacityEffect, QPropertyAnimation]:
    """An opacity effect on `widget` (off until used) and a fade-in animation of it that
    switches the effect off again when done (an effect costs on every repaint)."""
    effect = QGraphicsOpacityEffect(widget)
    effect.setEnabled(False)
    widget.setGraphicsEffect(effect)
    fade = QPropertyAnimation(effect, b"opacity", owner)
    fade.setDuration(duration_ms)
    fade.setStartValue(0.0)
    fade.setEndValue(1.0)
    fade.setEasingCurve(QEasingCurve.Type.OutCubic)
    fade.finished.connect(lambda: effect.setEnabled(False))
    return effect, fade


def fit_columns(table: QTableWidget) -> None:
    """Columns as wide as their contents, the last one filling the rest (kept so on every
    change, also while the table is hidden)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().hide()


class WordyTab(QWidget):
    """A staff tab whose rows hold words: on a language change it retranslates its own labels
    and reloads its rows at once if on screen, else when next shown (subclasses give
    `retranslate` and `refresh`)."""

    def __init__(self) -> None:
        super().__init__()
        self._stale = True

    def retranslate(self) -> None:
        """Put this tab's own labels in the current language (then `refresh_when_shown`)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload the rows."""
        raise NotImplementedError

    def refresh_when_shown(self) -> None:
        """Reload now if on screen, else when next shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
