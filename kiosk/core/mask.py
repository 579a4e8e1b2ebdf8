"""Is a face masked? The mask classifier's reading fused with two lower-face colour cues.

The classifier misses patterned, dark and small masks. Two cues measured along the face
mesh help (`kiosk.vision.mask_cue`): the lower face stops having the forehead's colour
(`colour_contrast`, chroma distance in Lab units), and few of its pixels still look like the
forehead's skin (`skin_fraction`). A logistic fusion, four numbers fitted by
`models/validation/fit_mask_fusion.py`, is the kiosk's answer:

    logit(p) = classifier * logit(p_classifier) + colour * colour_contrast / 10
               + skin * skin_fraction + bias

The weights live in the mask model's manifest thresholds (`fusion_*`); the chosen decision
point is folded into the bias, so p >= 0.5 means "with mask". Without cues (a grey photo has
no chroma to compare) the classifier decides alone.

The mesh's presence score is not a cue: it falls for masks, but just as far for a bare face
turned to profile, and fused in it called 42 of 109 bare faces of a stage clip masked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core.types import WITH_MASK, ClassScores

_EPS = 1e-4


def logit(p: float) -> float:
    """Log-odds of a probability, clamped to [1e-4, 1 - 1e-4] as the fusion reads it."""
    p = min(1.0 - _EPS, max(_EPS, p))
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, slots=True)
class MaskCues:
    """What the lower face looks like next to the forehead.

    Attributes:
        colour_contrast: distance between the mean (a, b) chroma of forehead and lower-face
            patches, Lab units (>= 0; bare faces ~5, masks ~20).
        skin_fraction: share of lower-face pixels whose chroma matches the forehead's, in
            [0, 1] (bare faces ~0.8, masks ~0).
    """

    colour_contrast: float
    skin_fraction: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.colour_contrast) and self.colour_contrast >= 0.0):
            raise ValueError(f"colour_contrast must be finite and >= 0, got {self.colour_contrast}")
        if not 0.0 <= self.skin_fraction <= 1.0:
            raise ValueError(f"skin_fraction must be in [0, 1], got {self.skin_fraction}")


@dataclass(frozen=True, slots=True)
class MaskFusion:
    """Weights of the logistic fusion (all 0 but `classifier` = 1 passes the classifier through).

    Attributes:
        classifier: weight of the classifier's with_mask logit.
        colour: weight of the colour contrast, per 10 Lab units.
        skin: weight of the skin fraction (negative: skin below the nose means no mask).
        bias: constant term (with the decision point folded in).
    """

    classifier: float = 1.0
    colour: float = 0.0
    skin: float = 0.0
    bias: float = 0.0

    @classmethod
    def from_thresholds(cls, thresholds: Mapping[str, float]) -> MaskFusion:
        """Weights from `fusion_classifier`, `fusion_colour`, `fusion_skin`, `fusion_bias`."""
        return cls(
            classifier=thresholds.get("fusion_classifier", 1.0),
            colour=thresholds.get("fusion_colour", 0.0),
            skin=thresholds.get("fusion_skin", 0.0),
            bias=thresholds.get("fusion_bias", 0.0),
        )

    def with_mask_logit(self, classifier_prob: float, cues: MaskCues | None) -> float:
        """Fused log-odds that the face wears a mask (0 is the decision point)."""
        if cues is None:
            return logit(classifier_prob)
        z = self.classifier * logit(classifier_prob) + self.colour * cues.colour_contrast / 10.0
        return z + self.skin * cues.skin_fraction + self.bias

    def with_mask_prob(self, classifier_prob: float, cues: MaskCues | None) -> float:
        """Fused probability in [0, 1] that the face wears a mask."""
        z = self.with_mask_logit(classifier_prob, cues)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def fuse(self, scores: ClassScores, cues: MaskCues | None) -> ClassScores:
        """The classifier's scores with with_mask replaced by the fused probability.

        Raises:
            KeyError: the scores have no with_mask label.
        """
        fused = self.with_mask_prob(scores.prob(WITH_MASK), cues)
        probs = tuple(fused if label == WITH_MASK else (1.0 - fused) for label in scores.labels)
        return ClassScores(scores.labels, probs)
