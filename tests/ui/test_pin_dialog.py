from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.core.pin import PinGuard, hash_pin, verify_pin
from kiosk.ui.pin_dialog import PinDialog


def enter(dialog: PinDialog, pin: str) -> None:
    for digit in pin:
        dialog.press(digit)
    dialog.press("OK")


def test_right_pin_signs_in(qtbot: QtBot) -> None:
    dialog = PinDialog(PinGuard(hash_pin("2468")))
    qtbot.addWidget(dialog)
    dialog.staff_name.setText("Dana")
    enter(dialog, "2468")
    assert dialog.result() == PinDialog.DialogCode.Accepted
    assert dialog.name == "Dana"


def test_name_is_required(qtbot: QtBot) -> None:
    dialog = PinDialog(PinGuard(hash_pin("2468")))
    qtbot.addWidget(dialog)
    enter(dialog, "2468")
    assert dialog.result() != PinDialog.DialogCode.Accepted
    assert "name" in dialog.message.text()


def test_five_wrong_pins_lock_the_keypad(qtbot: QtBot) -> None:
    dialog = PinDialog(PinGuard(hash_pin("2468"), max_failures=5, base_lock_s=30))
    qtbot.addWidget(dialog)
    dialog.staff_name.setText("Dana")
    for _ in range(4):
        enter(dialog, "1111")
    assert "1 attempt(s)" in dialog.message.text()
    enter(dialog, "1111")
    assert "Try again in" in dialog.message.text()
    assert not dialog.pin.isEnabled()
    enter(dialog, "2468")  # the right PIN does not open a locked keypad
    assert dialog.result() != PinDialog.DialogCode.Accepted


def test_first_run_sets_a_pin_entered_twice(qtbot: QtBot) -> None:
    dialog = PinDialog(None)
    qtbot.addWidget(dialog)
    dialog.staff_name.setText("Dana")
    enter(dialog, "12")
    assert "at least 4" in dialog.message.text()
    enter(dialog, "97531")
    enter(dialog, "97530")
    assert "differ" in dialog.message.text()
    enter(dialog, "97531")
    enter(dialog, "97531")
    assert dialog.result() == PinDialog.DialogCode.Accepted
    assert verify_pin("97531", dialog.new_pin_hash)
