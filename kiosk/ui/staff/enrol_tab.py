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
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.latest import LatestSlot
from kiosk.core.types import UNKNOWN, FaceResult, Frame, FrameResult, Identity, StageTimes
from kiosk.errors import KioskError
from kiosk.services.enrol_capture import EnrolFeedback
from kiosk.services.enrolment import Enrolment
from kiosk.store.people_records import Consent
from kiosk.ui.controller import KioskController
from kiosk.ui.shopper import Overlays, VideoView, to_qimage
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
        page = QWidget()
        self.preview = VideoView()
        self.preview.overlays = Overlays(names=False, emotion=False, mask=False)  # the box only
        self.instruction = label(self.tr("Look straight at the camera"), "greeting", wrap=True)
        self.feedback = label("", "feedback", wrap=True)
        self.live_note = label("", "cardReason", wrap=True)
        self.progress = QProgressBar()
        self.duplicate_box = QWidget()
        self.duplicate_text = label("", "feedback", wrap=True)
        self.add_to_existing = button(self.tr("Add these captures to that person"), "interested")
        self.add_to_existing.clicked.connect(self._on_add_to_existing)
        dup_layout = QVBoxLayout(self.duplicate_box)
        dup_layout.addWidget(self.duplicate_text)
        dup_layout.addWidget(self.add_to_existing)
        self.duplicate_box.hide()
        cancel = button(self.tr("Cancel"))
        cancel.clicked.connect(self.cancel)
        side = QVBoxLayout()
        side.addWidget(label(self.tr("2 · Capture"), "title"))
        side.addWidget(self.instruction)
        side.addWidget(self.feedback)
        side.addWidget(self.live_note)
        side.addWidget(self.progress)
        side.addWidget(self.duplicate_box)
        side.addStretch(1)
        side.addWidget(cancel)
        layout = QHBoxLayout(page)
        layout.addWidget(self.preview, 3)
        layout.addLayout(side, 2)
        return page

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

    def _step_text(self, step: str) -> str:
        """The pose instruction in the staff language (the service's codes, see pose_plan)."""
        texts = {
            "straight": self.tr("Look straight at the camera"),
            "side": self.tr("Turn your head a little to one side"),
            "other_side": self.tr("Now a little to the other side"),
        }
        return texts.get(step, step)

    def _reason_text(self, feedback: EnrolFeedback) -> str:
        """What one frame did, in the staff language (the service's gate codes)."""
        texts = {
            "ok": self.tr("Got it."),
            "no_face": self.tr("Look at the camera."),
            "many_faces": self.tr("Only one person, please."),
            "no_landmarks": self.tr("Look at the camera."),
            "too_small": self.tr("Move closer."),
            "turned": self.tr("Look at the camera."),
            "blurry": self.tr("Hold still."),
            "repeat": self.tr("Move your head a little."),
            "not_live": self.tr("Checking it's a live person: blink, or turn your head."),
            "someone_else": self.tr("Only the person enrolling, please."),
            "too_soon": self.tr("Keep going."),
            "off_pose": self._step_text(feedback.step.key) if feedback.step else "",
            "already_enrolled": self.tr("Capture paused: this face is already enrolled."),
            "complete": self.tr("All done, thank you."),
        }
        return texts.get(feedback.reason, feedback.message.capitalize())

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
        self.duplicate_box.hide()
        self._resume_capture()

    def _resume_capture(self) -> None:
        assert self.session is not None
        self.progress.setRange(0, self.session.target)
        self.progress.setValue(self.session.captures)
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
        if not isinstance(feedback, EnrolFeedback):
            self.feedback.setText(self.tr("That frame could not be analysed; carry on."))
            return
        faces: tuple[FaceResult, ...] = ()
        if feedback.box is not None:
            faces = (_preview_face(feedback),)
        result = FrameResult(
            frame.index,
            frame.timestamp_ms,
            frame.image_bgr.shape[1],
            frame.image_bgr.shape[0],
            faces,
            StageTimes(),
        )
        self.preview.show_frame(to_qimage(frame.image_bgr), result)
        if feedback.step is not None:
            self.instruction.setText(self._step_text(feedback.step.key))
        self.feedback.setText(self._reason_text(feedback))
        self.live_note.setText(
            self.tr("Live person confirmed.")
            if feedback.live
            else self.tr("Checking it's a live person…")
        )
        self.progress.setValue(feedback.captures)
        if feedback.duplicate is not None and self.duplicate_box.isHidden():
            self._show_duplicate(feedback)
        if feedback.done:
            self._stop_capture()
            self._show_review()

    def _show_duplicate(self, feedback: EnrolFeedback) -> None:
        duplicate = feedback.duplicate
        assert duplicate is not None
        self._stop_capture()
        self.duplicate_text.setText(
            self.tr(
                "This face is already enrolled as {name} (person {id}). Add these captures to "
                "that person, or cancel."
            )
            .replace("{name}", duplicate.name)
            .replace("{id}", str(duplicate.person_id))
        )
        self.duplicate_box.show()

    def _on_add_to_existing(self) -> None:
        assert self.session is not None
        duplicate = self.session.add_to_duplicate()
        self.reenrol_id = duplicate.person_id
        self.name.setText(duplicate.name)
        self.duplicate_box.hide()
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
        self.duplicate_box.hide()
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


def _preview_face(feedback: EnrolFeedback) -> FaceResult:
    """A face box for the preview, green once captures are being accepted."""
    assert feedback.box is not None
    identity = Identity(0, "capturing", None, feedback.captures) if feedback.accepted else UNKNOWN
    return FaceResult(0, feedback.box, identity, None, None, None, None, None, live=True)
