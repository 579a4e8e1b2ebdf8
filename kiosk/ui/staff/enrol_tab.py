"""Enrolment wizard: consent, live capture with feedback, review and save."""

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
from kiosk.services.enrolment import EnrolFeedback, Enrolment
from kiosk.store.people_records import Consent
from kiosk.ui.controller import KioskController
from kiosk.ui.shopper import VideoView, to_qimage
from kiosk.ui.widgets import button, label
from kiosk.ui.workers import EnrolWorker

log = logging.getLogger(__name__)

CONSENT_TEXT = (
    "I agree that this kiosk stores a numeric template of my face (encrypted, never a photo "
    "unless I ask) to recognise me and suggest products for me. I can ask staff to forget me at "
    "any time, and everything about me is then deleted."
)

SessionFactory = Callable[[str, Consent, bool, int | None], Enrolment]


class EnrolTab(QWidget):
    """Three pages: consent form, capture (live preview and feedback), done."""

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
        self.pages.addWidget(self._done_page())
        QVBoxLayout(self).addWidget(self.pages)

    def _consent_page(self) -> QWidget:
        page = QWidget()
        self.name = QLineEdit(placeholderText="Shopper's name as they want to be greeted")
        self.consent = QCheckBox("The shopper read this and agrees")
        self.keep_photos = QCheckBox("Also keep (encrypted) photos of the captures")
        self.start_button = button("Start capture", "interested")
        self.start_button.clicked.connect(self.start)
        self.form_message = label("", "feedback", wrap=True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("", label(CONSENT_TEXT, "cardReason", wrap=True))
        form.addRow("", self.consent)
        form.addRow("", self.keep_photos)
        layout = QVBoxLayout(page)
        layout.addWidget(label("1 · Consent", "title"))
        layout.addLayout(form)
        layout.addWidget(self.start_button)
        layout.addWidget(self.form_message)
        layout.addStretch(1)
        return page

    def _capture_page(self) -> QWidget:
        page = QWidget()
        self.preview = VideoView()
        self.feedback = label("Look at the camera", "feedback", wrap=True)
        self.progress = QProgressBar()
        cancel = button("Cancel")
        cancel.clicked.connect(self.cancel)
        side = QVBoxLayout()
        side.addWidget(label("2 · Capture", "title"))
        side.addWidget(self.feedback)
        side.addWidget(self.progress)
        side.addStretch(1)
        side.addWidget(cancel)
        layout = QHBoxLayout(page)
        layout.addWidget(self.preview, 3)
        layout.addLayout(side, 2)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.summary = label("", "greeting", wrap=True)
        again = button("Enrol someone else", "interested")
        again.clicked.connect(self.reset)
        layout = QVBoxLayout(page)
        layout.addWidget(label("3 · Saved", "title"))
        layout.addWidget(self.summary)
        layout.addWidget(again)
        layout.addStretch(1)
        return page

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
            self.form_message.setText("A name and the shopper's consent are needed first.")
            return
        consent = Consent(staff=self.staff_name or "staff")
        try:
            self.session = self.new_session(
                name, consent, self.keep_photos.isChecked(), self.reenrol_id
            )
        except KioskError as exc:
            self.form_message.setText(str(exc))
            return
        self.progress.setRange(0, self.session.settings.captures)
        self.progress.setValue(0)
        self._slot = LatestSlot()
        self.worker = EnrolWorker(self._feed, self._slot, self.controller.models_lock)
        self.worker.sig_feedback.connect(self._on_feedback)
        self.controller.worker.set_paused(True)
        self.controller.camera.add_tap(self._slot)
        self.worker.start()
        self.pages.setCurrentIndex(1)

    def _feed(self, frame: Frame) -> EnrolFeedback:
        assert self.session is not None
        return self.session.feed(frame.image_bgr)

    def _on_feedback(self, feedback: object, frame: Frame) -> None:
        if not isinstance(feedback, EnrolFeedback):
            self.feedback.setText("That frame could not be analysed; carry on.")
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
        self.feedback.setText(feedback.message.capitalize())
        self.progress.setValue(feedback.captures)
        if feedback.done:
            self._save()

    def _save(self) -> None:
        self._stop_capture()
        assert self.session is not None
        try:
            saved = self.session.save()
        except KioskError as exc:
            self.feedback.setText(f"Not saved: {exc}")
            return
        self.summary.setText(
            f"{self.name.text().strip()} is enrolled: {saved.captures} captures, "
            f"{saved.templates} templates stored (encrypted)."
        )
        self.pages.setCurrentIndex(2)
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
        self.pages.setCurrentIndex(0)

    def _stop_capture(self) -> None:
        if self._slot is not None:
            self.controller.camera.remove_tap(self._slot)
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
