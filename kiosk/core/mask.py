"""Is a face masked? The mask classifier's reading fused with the face mesh's presence score.

The classifier misses dark, patterned and small masks. Two cues from the face mesh help: its
presence score falls when a mask hides the mouth and nose (the mesh was trained on bare
faces), and the lower face stops having the forehead's colour (`colour_contrast`, chroma
distance in Lab units). A logistic fusion, four numbers fitted on the tuning half of the dev
mask set, is the kiosk's answer:

    logit(p) = classifier * logit(p_classifier) + presence * logit(presence)
               + colour * colour_contrast / 10 + bias

The weights live in the mask model's manifest thresholds (`fusion_*`); the decision point of
the fit is folded into the bias, so p >= 0.5 means "with mask".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core.types import WITH_MASK, ClassScores

_EPS = 1e-4


def _logit(p: float) -> float:
    p = min(1.0 - _EPS, max(_EPS, p))
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, slots=True)
class MaskFusion:
    """Weights of the logistic fusion (all 0 but `classifier` = 1 passes the classifier through).

    Attributes:
        classifier: weight of the classifier's with_mask logit.
        presence: weight of the mesh presence logit (negative: low presence means a mask).
        colour: weight of the lower-face colour contrast, per 10 Lab units.
        bias: constant term.
    """

    classifier: float = 1.0
    presence: float = 0.0
    colour: float = 0.0
    bias: float = 0.0

    @classmethod
    def from_thresholds(cls, thresholds: Mapping[str, float]) -> MaskFusion:
        """Weights from `fusion_classifier`, `fusion_presence`, `fusion_bias` (defaults above)."""
        return cls(
            classifier=thresholds.get("fusion_classifier", 1.0),
            presence=thresholds.get("fusion_presence", 0.0),
            colour=thresholds.get("fusion_colour", 0.0),
            bias=thresholds.get("fusion_bias", 0.0),
        )

    def with_mask_logit(
        self, classifier_prob: float, presence: float, colour_contrast: float = 0.0
    ) -> float:
        """Fused log-odds that the face wears a mask (0 is the decision point)."""
        z = self.classifier * _logit(classifier_prob) + self.presence * _logit(presence)
        return z + self.colour * colour_contrast / 10.0 + self.bias

    def with_mask_prob(
        self, classifier_prob: float, presence: float, colour_contrast: float = 0.0
    ) -> float:
        """Fused probability in [0, 1] that the face wears a mask."""
        z = self.with_mask_logit(classifier_prob, presence, colour_contrast)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def fuse(
        self, scores: ClassScores, presence: float, colour_contrast: float = 0.0
    ) -> ClassScores:
        """The classifier's scores with with_mask replaced by the fused probability.

        Raises:
            KeyError: the scores have no with_mask label.
        """
        fused = self.with_mask_prob(scores.prob(WITH_MASK), presence, colour_contrast)
        probs = tuple(fused if label == WITH_MASK else (1.0 - fused) for label in scores.labels)
        return ClassScores(scores.labels, probs)
