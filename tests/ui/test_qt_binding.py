"""The Qt binding keeps Python's reference counts.

PySide6-Essentials 6.12.0 on Python 3.11 drops one reference to None on every call of a Qt method
that returns nothing (update(), processEvents(), ...). None is not immortal before Python 3.12,
so a kiosk that repaints every frame aborts with "Fatal Python error: none_dealloc" once the
count reaches zero (seconds in a processEvents loop, at exit after a staff session). 6.11.3 is
pinned for that reason; this test fails on a binding with the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

CALLS = 5000
SLACK = 100  # the interpreter itself moves these counts a little


def _drift(call: object, obj: object) -> int:
    assert callable(call)
    before = sys.getrefcount(obj)
    for _ in range(CALLS):
        call()
    return sys.getrefcount(obj) - before


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    assert abs(_drift(widget.update, None)) < SLACK
    assert abs(_drift(QCoreApplication.processEvents, None)) < SLACK


def test_bool_qt_calls_keep_true_and_false_alive(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    assert abs(_drift(widget.isVisible, True)) < SLACK
    assert abs(_drift(widget.isHidden, False)) < SLACK
