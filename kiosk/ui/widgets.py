"""Small typed constructors for styled widgets (the style sheet keys on object names)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton


def label(text: str = "", name: str = "", *, wrap: bool = False) -> QLabel:
    """A QLabel with an object name for the style sheet."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, name: str = "") -> QPushButton:
    """A QPushButton with an object name for the style sheet."""
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget
