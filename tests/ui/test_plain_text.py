"""Attack: names and product fields that are HTML. A malicious catalog or a staff member
typing a "name" must not make Qt render markup: no local image shown, no 4000 px window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from kiosk.recommend.reasons import Reason, ReasonKind
from kiosk.services.shopper_session import Card
from kiosk.ui.shopper import ShopperScreen
from kiosk.ui.widgets import confirm

HUGE = '<h1 style="font-size:4000px">BIG</h1><img src="/etc/hostname" width="4000">'


def test_html_in_a_product_and_a_greeting_stays_text(qtbot: QtBot) -> None:
    screen = ShopperScreen()
    qtbot.addWidget(screen)
    screen.resize(1280, 760)
    screen.panel.set_greeting(f"Welcome back, {HUGE}!")
    reason = Reason(ReasonKind.INTERESTED_BEFORE, HUGE)
    screen.panel.set_cards([Card("SKU<b>", HUGE, 100, reason, "", 0, HUGE, HUGE)] * 3)
    screen.show()
    labels = screen.findChildren(QLabel)
    texts = [lab for lab in labels if lab.text()]
    assert any(HUGE in lab.text() for lab in texts)  # shown, literally
    assert all(lab.textFormat() == Qt.TextFormat.PlainText for lab in texts)
    assert screen.width() < 2000 and screen.sizeHint().width() < 2000


def test_a_confirmation_naming_a_person_is_plain_text(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[Qt.TextFormat] = []

    def fake_exec(box: QMessageBox) -> int:
        seen.append(box.textFormat())
        return int(QMessageBox.StandardButton.No.value)

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert confirm(parent, "Forget this person?", f"Delete {HUGE}?") is False
    assert seen == [Qt.TextFormat.PlainText]
