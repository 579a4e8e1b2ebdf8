""" "Need help? Tap to call staff": offered when a live shopper looks confused for a while (no Qt).

The reading comes from the pipeline's shopper-facing expression, one of happy, angry, sad,
neutral, surprised and confused (`FaceResult.expression`; "confused" is read from blendshapes
and validated, `kiosk.core.expression`). Only a live face counts: a photo held up to the camera
does not summon staff. Tests inject their own reading (`HelpOffer.expression_of`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.core.expression import CONFUSED
from kiosk.core.types import FaceResult


def face_expression(face: FaceResult) -> str | None:
    """The face's shopper-facing expression, or None before its first emotion reading."""
    return face.expression


class HelpState(StrEnum):
    """The help banner: hidden, offered, or staff called."""

    NONE = "none"
    OFFERED = "offered"
    CALLED = "called"


@dataclass(slots=True)
class HelpOffer:
    """Per visit: offer help once after `after_s` seconds of a confused live face.

    Attributes:
        after_s: how long the shopper must look confused (without a break) first.
        expression_of: reads a face's expression (`face_expression`; tests inject their own).
    """

    after_s: float = 3.0
    expression_of: Callable[[FaceResult], str | None] = field(default=face_expression)
    state: HelpState = HelpState.NONE
    _since_s: float | None = None
    _declined: bool = False

    def on_face(self, face: FaceResult, now_s: float) -> bool:
        """Watch the served face; True when the offer appeared just now."""
        if self.state is not HelpState.NONE or self._declined:
            return False
        if not (face.live and self.expression_of(face) == CONFUSED):
            self._since_s = None
            return False
        if self._since_s is None:
            self._since_s = now_s
        if now_s - self._since_s >= self.after_s:
            self.state = HelpState.OFFERED
            return True
        return False

    def called(self) -> None:
        """The shopper tapped "call staff"."""
        self.state = HelpState.CALLED

    def dismissed(self) -> None:
        """The shopper closed the offer: not offered again in this visit."""
        self.state, self._declined = HelpState.NONE, True

    def reset(self) -> None:
        """A new visit (or nobody)."""
        self.state, self._since_s, self._declined = HelpState.NONE, None, False
