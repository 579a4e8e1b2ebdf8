"""The line along the bottom of the shopper screen: the privacy notice, "Pause", "Privacy &
opt-out" (the full explanation), and the small "Staff" button (long press), with the number of
staff alerts waiting (a count, never a name)."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QMessageBox, QWidget

from kiosk.ui.widgets import button, label

STAFF_PRESS_S = 1.5  # a long press on "Staff" opens staff mode


def privacy_details(retention_days: int = 7) -> str:
    """What the kiosk does with faces, how to opt out or be forgotten (rich text, our own)."""
    return QCoreApplication.translate(
        "NoticeBar",
        "<h3>How this kiosk uses your face</h3>"
        "<p><b>What it does.</b> The camera picture is analysed on this device only, to show "
        "products you may like. It estimates your expression (happy, neutral, ...) and whether "
        "you wear a mask. Nothing leaves the device.</p>"
        "<p><b>If you are not enrolled</b>, the kiosk does not know who you are and stores no "
        "picture or face data of you. It records only that someone was here and for how long, "
        "and deletes even that after {days} days.</p>"
        "<p><b>If you enrolled</b> (only with your consent, with a member of staff), the kiosk "
        "keeps an encrypted numeric template of your face, never a photo unless you asked, to "
        "greet you and remember what you liked. Your name and picks appear only after the "
        "kiosk has checked that it sees a live person, not a photo.</p>"
        "<p><b>To opt out</b>: step out of the camera's view, or press <i>Pause</i>: no face "
        "is analysed or recorded until then. <b>To be forgotten</b>: ask staff; everything "
        "about you is deleted at once, and cannot be recovered.</p>",
    ).replace("{days}", str(retention_days))


class NoticeBar(QWidget):
    """The notice and the three small buttons; beside each other, or stacked on a portrait
    screen."""

    sig_pause = Signal()  # a shopper opted out of face analysis for a while
    sig_staff = Signal()  # long press on "Staff"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.retention_days = 7
        self.notice = label("", "notice", wrap=True)
        self.pause_button = button("", "pauseButton")
        self.pause_button.clicked.connect(self.sig_pause)
        self.privacy_button = button("", "privacyButton")
        self.privacy_button.clicked.connect(self.show_privacy)
        self.staff_button = button("", "staffButton")
        self.staff_button.setAutoRepeat(False)
        self.staff_button.pressed.connect(self._on_staff_pressed)
        self.staff_button.released.connect(self._on_staff_released)
        self._press_started = 0.0
        self._alerts = 0
        links = QHBoxLayout()
        links.addStretch(1)
        for widget in (self.pause_button, self.privacy_button, self.staff_button):
            links.addWidget(widget)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(self.notice, 1)
        self._box.addLayout(links)
        self.retranslate()

    def set_portrait(self, portrait: bool) -> None:
        """The buttons under the notice on a portrait screen."""
        self._box.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )

    def set_alerts(self, unseen: int) -> None:
        """How many staff alerts wait."""
        self._alerts = unseen
        self.staff_button.setProperty("alerts", unseen > 0)
        self.staff_button.style().unpolish(self.staff_button)
        self.staff_button.style().polish(self.staff_button)
        self._word_staff_button()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.notice.setText(
            self.tr(
                "This kiosk analyses faces (on this device only) to suggest products. Nothing "
                "about you is stored unless you enrol with staff. To opt out, press Pause or "
                "step away; enrolled shoppers can ask staff to forget them at any time."
            )
        )
        self.pause_button.setText(self.tr("Pause"))
        self.privacy_button.setText(self.tr("Privacy && opt-out"))  # && shows one &
        self._word_staff_button()

    def _word_staff_button(self) -> None:
        staff = self.tr("Staff")
        self.staff_button.setText(f"{staff} · {self._alerts}" if self._alerts else staff)

    def show_privacy(self) -> None:
        """Explain what is analysed and how to opt out or be forgotten."""
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Privacy"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(privacy_details(self.retention_days))
        pause = box.addButton(self.tr("Pause for 2 minutes"), QMessageBox.ButtonRole.ActionRole)
        pause.clicked.connect(self.sig_pause)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.open()

    def _on_staff_pressed(self) -> None:
        self._press_started = time.monotonic()

    def _on_staff_released(self) -> None:
        if time.monotonic() - self._press_started >= STAFF_PRESS_S:
            self.sig_staff.emit()
