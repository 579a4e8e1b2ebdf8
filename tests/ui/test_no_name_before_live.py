"""Attack: hold a printed photo of an enrolled shopper to the camera. Until the liveness check
passes, the screen must not differ in a single pixel from what a stranger's face produces: no
name, no "checking it's you", no other box colour (each would tell the photo's holder that the
person is enrolled)."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from kiosk.core.types import (
    UNKNOWN,
    FaceBox,
    FaceResult,
    FrameResult,
    Identity,
    StageTimes,
)
from kiosk.ui.shopper import Overlays, VideoView, to_qimage


def _render(qtbot: QtBot, face: FaceResult) -> bytes:
    view = VideoView()
    qtbot.addWidget(view)
    view.overlays = Overlays(names=True, emotion=False, mask=True)
    view.resize(640, 480)
    image = np.full((480, 640, 3), 90, np.uint8)
    view.show_frame(to_qimage(image), FrameResult(0, 0.0, 640, 480, (face,), StageTimes()))
    grabbed = view.grab().toImage()
    return bytes(grabbed.constBits())


def _face(identity: Identity, live: bool) -> FaceResult:
    box = FaceBox((200.0, 120.0, 360.0, 300.0), 0.95)
    return FaceResult(3, box, identity, None, None, None, None, None, live)


def test_an_enrolled_face_before_liveness_looks_exactly_like_a_stranger(qtbot: QtBot) -> None:
    enrolled = Identity(7, "zebediah", 0.31, 5)
    stranger = _render(qtbot, _face(UNKNOWN, live=False))
    photo = _render(qtbot, _face(enrolled, live=False))
    live = _render(qtbot, _face(enrolled, live=True))
    assert photo == stranger
    assert live != stranger  # the live shopper is greeted by name (the check is not vacuous)
