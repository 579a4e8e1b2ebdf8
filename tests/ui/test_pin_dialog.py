"""The staff keypad: right PIN in, wrong PINs lock it, and nobody can choose a PIN here."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import StaffConfig
from kiosk.services.staff_access import StaffAccess
from kiosk.store.staff_pin import PinFile
from kiosk.ui.pin_dialog import PinDialog

PIN = "480713"


@pytest.fixture
def access(tmp_path: Path) -> StaffAccess:
    access = StaffAccess(PinFile(tmp_path / "staff_pin.json"), StaffConfig(lock_s=30))
    access.set_pin(PIN)
    return access


def enter(qtbot: QtBot, dialog: PinDialog, pin: str) -> None:
    for digit in pin:
        dialog.press(digit)
    dialog.press("OK")
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)


def test_right_pin_signs_in(qtbot: QtBot, access: StaffAccess) -> None:
    dialog = PinDialog(access)
    qtbot.addWidget(dialog)
    dialog.staff_name.setText("Dana")
    enter(qtbot, dialog, PIN)
    assert dialog.result() == PinDialog.DialogCode.Accepted
    assert dialog.name == "Dana"


def test_name_is_required(qtbot: QtBot, access: StaffAccess) -> None:
    dialog = PinDialog(access)
    qtbot.addWidget(dialog)
    enter(qtbot, dialog, PIN)
    assert dialog.result() != PinDialog.DialogCode.Accepted
    assert "name" in dialog.message.text()


def test_five_wrong_pins_lock_the_keypad_even_after_a_restart(
    qtbot: QtBot, access: StaffAccess
) -> None:
    dialog = PinDialog(access)
    qtbot.addWidget(dialog)
    dialog.staff_name.setText("Mallory")
    for _ in range(4):
        enter(qtbot, dialog, "000001")
    assert "1 attempt(s)" in dialog.message.text()
    enter(qtbot, dialog, "000001")
    assert "Try again in" in dialog.message.text()
    assert not dialog.pin.isEnabled()
    enter(qtbot, dialog, PIN)  # the right PIN does not open a locked keypad
    assert dialog.result() != PinDialog.DialogCode.Accepted
    dialog.reject()

    restarted = StaffAccess(PinFile(access.pin_file.path), access.settings)  # kiosk restarted
    again = PinDialog(restarted)
    qtbot.addWidget(again)
    assert not again.pin.isEnabled() and "Try again in" in again.message.text()
