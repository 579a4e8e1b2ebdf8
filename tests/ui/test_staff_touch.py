"""Staff mode by touch: the on-screen keyboard, prompts, and closing the kiosk only when sure."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.keyboard import OnScreenKeyboard, TextPrompt
from kiosk.ui.staff.view import StaffView


def key(keyboard: OnScreenKeyboard, text: str) -> QPushButton:
    for widget in keyboard.findChildren(QPushButton):
        if widget.property("key") == text or widget.text() == text:
            return widget
    raise AssertionError(f"no key {text!r}")


def test_the_keyboard_types_into_the_attached_field_in_focus(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    name, search = QLineEdit(parent), QLineEdit(parent)
    keyboard = OnScreenKeyboard(parent)
    keyboard.attach(name)
    keyboard.attach(search)
    keyboard.hide()
    parent.show()
    qtbot.mouseClick(name, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    assert keyboard.isVisible() and keyboard.target is name
    key(keyboard, "⇧").click()
    for letter in "jane":
        key(keyboard, letter).click()
    key(keyboard, "space").click()
    key(keyboard, "⇧").click()
    for letter in "doex":
        key(keyboard, letter).click()
    key(keyboard, "⌫").click()
    assert name.text() == "Jane Doe"
    search.setFocus()
    qtbot.waitUntil(lambda: keyboard.target is search)
    key(keyboard, "1").click()
    assert (name.text(), search.text()) == ("Jane Doe", "1")
    key(keyboard, "done").click()
    assert not keyboard.isVisible()


def test_german_staff_get_umlauts(qtbot: QtBot) -> None:
    keyboard = OnScreenKeyboard(language="de")
    qtbot.addWidget(keyboard)
    field = QLineEdit()
    qtbot.addWidget(field)
    keyboard.attach(field)
    keyboard.target = field
    for letter in "müller":
        key(keyboard, letter).click()
    assert field.text() == "müller"
    assert key(keyboard, "z") and key(keyboard, "ß")


def test_a_prompt_carries_its_own_keyboard_and_done_accepts(qtbot: QtBot) -> None:
    prompt = TextPrompt(None, "Rename", "New name:", "Jo")
    qtbot.addWidget(prompt)
    prompt.show()
    key(prompt.keyboard, "e").click()
    with qtbot.waitSignal(prompt.accepted):
        key(prompt.keyboard, "done").click()
    assert prompt.field.text() == "Joe"


@pytest.mark.parametrize("answer", [False, True])
def test_exit_kiosk_asks_first(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, answer: bool) -> None:
    view = StaffView(idle_logout_s=60)
    qtbot.addWidget(view)
    asked: list[str] = []

    def fake_confirm(_parent: QWidget, title: str, _text: str) -> bool:
        asked.append(title)
        return answer

    monkeypatch.setattr("kiosk.ui.staff.view.confirm", fake_confirm)
    exits: list[bool] = []
    view.sig_exit.connect(lambda: exits.append(True))
    view.leave.click()
    assert asked == ["Exit the kiosk?"]
    assert exits == ([True] if answer else [])
