"""The enrolment capture page: the live preview and what the shopper should do next.

It shows what the enrolment service made of each frame (the box, the pose to take, why a frame
was not taken, whether liveness is confirmed, how many captures there are) and, when the face is
already enrolled, whom it matched. It never starts or stops anything: `EnrolTab` runs the capture
and connects `cancel` and `add_to_existing`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from kiosk.core.types import UNKNOWN, FaceResult, Frame, FrameResult, Identity, StageTimes
from kiosk.services.enrol_capture import Duplicate, EnrolFeedback
from kiosk.ui.shopper import Overlays, VideoView, to_qimage
from kiosk.ui.widgets import button, label


class CapturePage(QWidget):
    """Preview, instruction, per-frame feedback, liveness note, progress, duplicate notice."""

    def __init__(self) -> None:
        super().__init__()
        self.preview = VideoView()
        self.preview.overlays = Overlays(names=False, emotion=False, mask=False)  # the box only
        self.instruction = label(self.tr("Look straight at the camera"), "greeting", wrap=True)
        self.feedback = label("", "feedback", wrap=True)
        self.live_note = label("", "cardReason", wrap=True)
        self.progress = QProgressBar()
        self.duplicate_box = QWidget()
        self.duplicate_text = label("", "feedback", wrap=True)
        self.add_to_existing = button(self.tr("Add these captures to that person"), "interested")
        dup_layout = QVBoxLayout(self.duplicate_box)
        dup_layout.addWidget(self.duplicate_text)
        dup_layout.addWidget(self.add_to_existing)
        self.duplicate_box.hide()
        self.cancel = button(self.tr("Cancel"))
        side = QVBoxLayout()
        side.addWidget(label(self.tr("2 · Capture"), "title"))
        side.addWidget(self.instruction)
        side.addWidget(self.feedback)
        side.addWidget(self.live_note)
        side.addWidget(self.progress)
        side.addWidget(self.duplicate_box)
        side.addStretch(1)
        side.addWidget(self.cancel)
        layout = QHBoxLayout(self)
        layout.addWidget(self.preview, 3)
        layout.addLayout(side, 2)

    def show_feedback(self, feedback: object, frame: Frame) -> None:
        """Show what the service made of `frame` (anything but EnrolFeedback: it failed)."""
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

    def show_duplicate(self, duplicate: Duplicate) -> None:
        """Say whom the face is already enrolled as, with the button to add to that person."""
        self.duplicate_text.setText(
            self.tr(
                "This face is already enrolled as {name} (person {id}). Add these captures to "
                "that person, or cancel."
            )
            .replace("{name}", duplicate.name)
            .replace("{id}", str(duplicate.person_id))
        )
        self.duplicate_box.show()

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


def _preview_face(feedback: EnrolFeedback) -> FaceResult:
    """A face box for the preview, green once captures are being accepted."""
    assert feedback.box is not None
    identity = Identity(0, "capturing", None, feedback.captures) if feedback.accepted else UNKNOWN
    return FaceResult(0, feedback.box, identity, None, None, None, None, None, live=True)
