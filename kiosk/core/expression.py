"""The shopper-facing reading: one of six expressions, "confused" read from blendshapes.

The seed's six readings are happy, angry, sad, neutral, surprised and confused. Five come from
the emotion model's (smoothed) top label through the manifest's display map. No public data
set labels confusion, so it is defined here from facial actions, as a frown that is neither
anger nor a smile nor surprise:

    confused  <=>  brows lowered (MediaPipe browDown, mean of both sides >= brow_down)
                   and no smile (mouthSmile <= max_smile) and mouth not open
                   (jawOpen <= max_jaw_open) and the emotion model's top label is not
                   happy, surprise or angry.

It is shown only when confident: the thresholds were set on the tuning half of the dev emotion
set so that at most 5 % of photos labelled happy, surprise or neutral read as confused
(models/manifest.toml, `models.face_blendshapes.thresholds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core.types import ClassScores

EXPRESSIONS = ("happy", "angry", "sad", "neutral", "surprised", "confused")
CONFUSED = "confused"
_NOT_CONFUSED = frozenset({"happy", "surprise", "angry"})


def mean_of(blendshapes: ClassScores, stem: str) -> float:
    """Mean of `<stem>Left` and `<stem>Right` (or `stem` itself when unpaired), in [0, 1]."""
    if stem in blendshapes.labels:
        return blendshapes.prob(stem)
    return (blendshapes.prob(stem + "Left") + blendshapes.prob(stem + "Right")) / 2.0


@dataclass(frozen=True, slots=True)
class ExpressionRule:
    """Turns emotion probabilities and blendshape scores into one of `EXPRESSIONS`.

    Attributes:
        display: emotion label -> shopper-facing expression (the manifest's display map).
        brow_down: browDown at or above which a frown counts.
        max_smile: mouthSmile at most this.
        max_jaw_open: jawOpen at most this.
    """

    display: Mapping[str, str]
    brow_down: float = 0.6
    max_smile: float = 0.2
    max_jaw_open: float = 0.25

    @classmethod
    def from_thresholds(
        cls, display: Mapping[str, str], thresholds: Mapping[str, float]
    ) -> ExpressionRule:
        """The rule from the blendshape model's manifest thresholds (`confused_*`)."""
        default = cls(display)
        return cls(
            display,
            brow_down=thresholds.get("confused_brow_down", default.brow_down),
            max_smile=thresholds.get("confused_max_smile", default.max_smile),
            max_jaw_open=thresholds.get("confused_max_jaw_open", default.max_jaw_open),
        )

    def confused(self, emotion: ClassScores, blendshapes: ClassScores) -> bool:
        """Does the face read as confused (see the module docstring)?"""
        return (
            emotion.top not in _NOT_CONFUSED
            and mean_of(blendshapes, "browDown") >= self.brow_down
            and mean_of(blendshapes, "mouthSmile") <= self.max_smile
            and mean_of(blendshapes, "jawOpen") <= self.max_jaw_open
        )

    def read(self, emotion: ClassScores | None, blendshapes: ClassScores | None) -> str | None:
        """The expression to show, or None before the first emotion reading."""
        if emotion is None:
            return None
        if blendshapes is not None and self.confused(emotion, blendshapes):
            return CONFUSED
        return self.display.get(emotion.top, emotion.top)
