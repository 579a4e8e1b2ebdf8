"""Emotion as a coarse, smoothed signal: probabilities averaged over a track, read as valence.

Per-frame emotion on real faces is noisy; what the kiosk uses is the track's exponentially
smoothed distribution and its valence (positive / neutral / negative), from a label -> weight map
kept in the model manifest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core.types import ClassScores
from kiosk.core.vocabulary import Valence

POSITIVE, NEUTRAL, NEGATIVE = Valence.POSITIVE, Valence.NEUTRAL, Valence.NEGATIVE


@dataclass(frozen=True, slots=True)
class ValenceRule:
    """How to read valence from emotion probabilities.

    Attributes:
        weights: label -> valence weight in [-1, 1] (e.g. happy 1, sad -1, neutral 0).
        threshold: |score| at or above which valence is positive or negative.
    """

    weights: Mapping[str, float]
    threshold: float = 0.25

    def score(self, scores: ClassScores) -> float:
        """Valence score in [-1, 1]: the probability-weighted label weights."""
        return sum(
            p * self.weights.get(label, 0.0)
            for label, p in zip(scores.labels, scores.probs, strict=True)
        )

    def classify(self, scores: ClassScores) -> Valence:
        """ "positive", "neutral" or "negative"."""
        value = self.score(scores)
        if value >= self.threshold:
            return POSITIVE
        if value <= -self.threshold:
            return NEGATIVE
        return NEUTRAL


@dataclass(slots=True)
class EmotionSmoother:
    """Exponential moving average of a track's emotion probabilities over time.

    Attributes:
        half_life_ms: after this long, an old reading weighs half as much as a new one.
    """

    half_life_ms: float = 800.0
    _probs: tuple[float, ...] | None = None
    _labels: tuple[str, ...] = ()
    _last_ms: float = 0.0

    def update(self, scores: ClassScores, timestamp_ms: float) -> ClassScores:
        """Fold in one reading and return the smoothed distribution."""
        if self._probs is None or scores.labels != self._labels:
            self._probs, self._labels = scores.probs, scores.labels
        else:
            elapsed = max(0.0, timestamp_ms - self._last_ms)
            keep = math.pow(0.5, elapsed / self.half_life_ms) if self.half_life_ms > 0 else 0.0
            self._probs = tuple(
                keep * old + (1.0 - keep) * new
                for old, new in zip(self._probs, scores.probs, strict=True)
            )
        self._last_ms = timestamp_ms
        return ClassScores(self._labels, self._probs)

    @property
    def current(self) -> ClassScores | None:
        """The smoothed distribution, or None before the first reading."""
        return None if self._probs is None else ClassScores(self._labels, self._probs)
