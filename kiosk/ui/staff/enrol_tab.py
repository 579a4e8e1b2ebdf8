"""Enrolment wizard: consent, guided live capture with feedback, review, save.

A still photo cannot be enrolled (captures wait for the liveness check), the shopper is guided
through a few head poses over several seconds, a face that is already enrolled stops the
capture until staff choose to add to that person or cancel, and staff review every capture
before anything is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.latest import LatestSlot
from kiosk.core.types import Frame
from kiosk.errors import KioskError
from kiosk.services.enrol_capture import EnrolFeedback
from kiosk.services.enrolment import Enrolment
from kiosk.store.people_records import Consent
from kiosk.ui.controller import KioskController
from kiosk.ui.staff.capture_page import CapturePage
from kiosk.ui.staff.enrol_review import ReviewGrid
from kiosk.ui.widgets import button, label
from kiosk.ui.workers import EnrolWorker

log = logging.getLogger(__name__)

SessionFactory = Callable[[str, Consent, bool, int | None], Enrolment]


class EnrolTab(QWidget):
    """Four pages: consent form, guided live capture, review, done."""

    sig_enrolled = Signal(int)  # person id

    def __init__(self, controller: KioskController, new_session: SessionFactory) -> None:
        super().__init__()
        self.controller = controller
        self.new_session = new_session
        self.staff_name = ""
        self.reenrol_id: int | None = None
        self.session: Enrolment | None = None
        self.worker: EnrolWorker | None = None
        self._slot: LatestSlot[Frame] | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._consent_page())
        self.pages.addWidget(self._capture_page())
        self.pages.addWidget(self._review_page())
        self.pages.addWidget(self._done_page())
        QVBoxLayout(self).addWidget(self.pages)

    def _consent_page(self) -> QWidget:
        page = QWidget()
        self.name = QLineEdit(placeholderText=self.tr("Shopper's name as they want to be greeted"))
        self.consent = QCheckBox(self.tr("The shopper read this and agrees"))
        self.keep_photos = QCheckBox(self.tr("Also keep (encrypted) photos of the captures"))
        self.start_button = button(self.tr("Start capture"), "interested")
        self.start_button.clicked.connect(self.start)
        self.form_message = label("", "feedback", wrap=True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow("", label(self._consent_text(), "cardReason", wrap=True))
        form.addRow("", self.consent)
        form.addRow("", self.keep_photos)
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr("1 · Consent"), "title"))
        layout.addLayout(form)
        layout.addWidget(self.start_button)
        layout.addWidget(self.form_message)
        layout.addStretch(1)
        return page

    def _capture_page(self) -> QWidget:
        self.capture = CapturePage()
        self.capture.add_to_existing.clicked.connect(self._on_add_to_existing)
        self.capture.cancel.clicked.connect(self.cancel)
        return self.capture

    def _review_page(self) -> QWidget:
        page = QWidget()
        self.review = ReviewGrid()
        self.review.sig_drop.connect(self._on_drop)
        save = button(self.tr("Save"), "interested")
        save.clicked.connect(self._save)
        retake = button(self.tr("Take more"))
        retake.clicked.connect(self._resume_capture)
        cancel = button(self.tr("Cancel: save nothing"))
        cancel.clicked.connect(self.cancel)
        self.review_message = label("", "feedback", wrap=True)
        buttons = QHBoxLayout()
        for widget in (save, retake, cancel):
            buttons.addWidget(widget)
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr("3 · Review"), "title"))
        layout.addWidget(self.review, 1)
        layout.addWidget(self.review_message)
        layout.addLayout(buttons)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.summary = label("", "greeting", wrap=True)
        again = button(self.tr("Enrol someone else"), "interested")
        again.clicked.connect(self.reset)
        layout = QVBoxLayout(page)
        layout.addWidget(label(self.tr("4 · Saved"), "title"))
        layout.addWidget(self.summary)
        layout.addWidget(again)
        layout.addStretch(1)
        return page

    def _consent_text(self) -> str:
        return self.tr(
            "I agree that this kiosk stores a numeric template of my face (encrypted, never a "
            "photo unless I ask) to recognise me and suggest products for me. I can ask staff "
            "to forget me at any time, and everything about me is then deleted."
        )

    def prepare_reenrol(self, person_id: int, name: str) -> None:
        """Add captures to an enrolled person (from the gallery tab)."""
        self.reset()
        self.reenrol_id = person_id
        self.name.setText(name)
        self.name.setEnabled(False)

    def start(self) -> None:
        """Record consent and start capturing."""
        name = self.name.text().strip()
        if not name or not self.consent.isChecked():
            self.form_message.setText(self.tr("A name and the shopper's consent are needed first."))
            return
        consent = Consent(staff=self.staff_name or "staff")
        try:
            self.session = self.new_session(
                name, consent, self.keep_photos.isChecked(), self.reenrol_id
            )
        except KioskError as exc:
            self.form_message.setText(str(exc))
            return
        self.capture.duplicate_box.hide()
        self._resume_capture()

    def _resume_capture(self) -> None:
        assert self.session is not None
        self.capture.progress.setRange(0, self.session.target)
        self.capture.progress.setValue(self.session.captures)
        self._slot = LatestSlot()
        self.worker = EnrolWorker(self._feed, self._slot, self.controller.models_lock)
        self.worker.sig_feedback.connect(self._on_feedback)
        self.controller.worker.set_paused(True)
        self.controller.camera.add_tap(self._slot)
        self.worker.start()
        self.pages.setCurrentIndex(1)

    def _feed(self, frame: Frame) -> EnrolFeedback:
        assert self.session is not None
        return self.session.feed(frame)

    def _on_feedback(self, feedback: object, frame: Frame) -> None:
        self.capture.show_feedback(feedback, frame)
        if not isinstance(feedback, EnrolFeedback):
            return
        if feedback.duplicate is not None and self.capture.duplicate_box.isHidden():
            self._stop_capture()
            self.capture.show_duplicate(feedback.duplicate)
        if feedback.done:
            self._stop_capture()
            self._show_review()

    def _on_add_to_existing(self) -> None:
        assert self.session is not None
        duplicate = self.session.add_to_duplicate()
        self.reenrol_id = duplicate.person_id
        self.name.setText(duplicate.name)
        self.capture.duplicate_box.hide()
        self._resume_capture()

    def _show_review(self) -> None:
        assert self.session is not None
        self.review.show_captures(self.session.review())
        self.review_message.clear()
        self.pages.setCurrentIndex(2)

    def _on_drop(self, index: int) -> None:
        assert self.session is not None
        self.session.discard(index)
        self.review.show_captures(self.session.review())
        self.review_message.setText(self.tr("Dropped. Take more to replace it, or save."))

    def _save(self) -> None:
        self._stop_capture()
        assert self.session is not None
        try:
            saved = self.session.save()
        except KioskError as exc:
            self.review_message.setText(
                self.tr("Not saved: {reason}").replace("{reason}", str(exc))
            )
            return
        self.summary.setText(
            self.tr("{name} is enrolled: {count} captures saved (encrypted).")
            .replace("{name}", self.name.text().strip())
            .replace("{count}", str(saved.captures))
        )
        self.pages.setCurrentIndex(3)
        self.sig_enrolled.emit(saved.person_id)

    def cancel(self) -> None:
        """Stop without saving anything."""
        self._stop_capture()
        self.reset()

    def reset(self) -> None:
        """Back to an empty consent form."""
        self._stop_capture()
        self.session = None
        self.reenrol_id = None
        self.name.setEnabled(True)
        self.name.clear()
        self.consent.setChecked(False)
        self.keep_photos.setChecked(False)
        self.form_message.clear()
        self.capture.duplicate_box.hide()
        self.pages.setCurrentIndex(0)

    def _stop_capture(self) -> None:
        if self._slot is not None:
            self.controller.camera.remove_tap(self._slot)
            self._slot = None
        if self.worker is not None:
            self.worker.stop()
            self.worker.wait(5000)
            self.worker = None
        self.controller.worker.set_paused(False)
