"""Who is this track? A weighted vote over the track's embeddings, with "unknown" as an answer.

Each embedding votes for its nearest enrolled person if that person is within the distance
threshold, and for "unknown" otherwise. Votes are weighted by face quality. A person is named
only when they lead the vote and have at least `min_votes` votes, so one lucky frame cannot
name a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.core.gallery import Match
from kiosk.core.types import UNKNOWN, Identity


@dataclass(frozen=True, slots=True)
class VoteSettings:
    """Decision rules.

    Attributes:
        max_distance: a nearest match farther than this is a vote for unknown.
        min_votes: embeddings that must agree before a person is named.
        split_distance: an embedding this far from the track's mean embedding means the track
            now shows someone else (the caller restarts the track).
    """

    max_distance: float = 0.6
    min_votes: int = 2
    split_distance: float = 0.75


@dataclass(slots=True)
class TrackVote:
    """Vote state of one track. Not shared between threads."""

    settings: VoteSettings
    _weights: dict[int | None, float] = field(default_factory=dict)
    _counts: dict[int | None, int] = field(default_factory=dict)
    _best: dict[int, Match] = field(default_factory=dict)
    _sum: npt.NDArray[np.float64] | None = None
    _n: int = 0
    _min_distance: float | None = None

    @property
    def embeddings(self) -> int:
        """Embeddings counted so far."""
        return self._n

    def is_different_person(self, descriptor: npt.ArrayLike) -> bool:
        """True when `descriptor` is too far from this track's mean embedding."""
        if self._sum is None:
            return False
        mean = self._sum / self._n
        distance = float(np.linalg.norm(np.asarray(descriptor, np.float64) - mean))
        return distance > self.settings.split_distance

    def add(self, descriptor: npt.ArrayLike, nearest: Match | None, weight: float) -> None:
        """Count one embedding: its nearest gallery match (or None) with a quality weight > 0."""
        vector = np.asarray(descriptor, np.float64).reshape(-1)
        self._sum = vector.copy() if self._sum is None else self._sum + vector
        self._n += 1
        person = None
        if nearest is not None and (
            self._min_distance is None or nearest.distance < self._min_distance
        ):
            self._min_distance = nearest.distance
        if nearest is not None and nearest.distance <= self.settings.max_distance:
            person = nearest.person_id
            best = self._best.get(person)
            if best is None or nearest.distance < best.distance:
                self._best[person] = nearest
        self._weights[person] = self._weights.get(person, 0.0) + max(weight, 1e-6)
        self._counts[person] = self._counts.get(person, 0) + 1

    def decide(self) -> Identity:
        """The current decision: the leading person with enough votes, else unknown."""
        if not self._weights:
            return UNKNOWN
        leader = max(self._weights, key=lambda p: (self._weights[p], p is None))
        if leader is None or self._counts[leader] < self.settings.min_votes:
            return Identity(None, "", self._min_distance, self._n)
        match = self._best[leader]
        return Identity(leader, match.name, match.distance, self._n)
