"""The enrolled people as an immutable snapshot, searched 1:N with one matrix product.

The pipeline holds a snapshot; after an enrolment the store builds a new one and the pipeline
swaps it in whole, so no lock is needed. Templates are compared by Euclidean distance, as the
dlib ResNet's descriptors are meant to be (not L2-normalised; same person below ~0.6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from kiosk.core.types import FloatArray, readonly


@dataclass(frozen=True, slots=True)
class Match:
    """The closest template of one person to a query descriptor."""

    person_id: int
    name: str
    distance: float


@dataclass(frozen=True, slots=True)
class Gallery:
    """Templates of enrolled people.

    Attributes:
        templates: float32 (M, D), read-only, one row per template.
        person_ids: int64 (M,), the person each row belongs to.
        names: display name per person id.
        model_key: the embedding model (manifest sha256) that produced the templates.
    """

    templates: FloatArray
    person_ids: npt.NDArray[np.int64]
    names: Mapping[int, str]
    model_key: str
    _sq_norms: FloatArray = field(init=False, repr=False)
    _starts: npt.NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.templates.ndim != 2 or self.templates.shape[0] != self.person_ids.shape[0]:
            raise ValueError(
                f"Gallery needs templates (M, D) and person_ids (M,), got "
                f"{self.templates.shape} and {self.person_ids.shape}"
            )
        missing = set(np.unique(self.person_ids).tolist()) - set(self.names)
        if missing:
            raise ValueError(f"Gallery has templates for person ids without a name: {missing}")
        if self.person_ids.size and np.any(np.diff(self.person_ids) < 0):
            raise ValueError("Gallery rows must be grouped by person id (use Gallery.build)")
        norms = readonly(np.einsum("ij,ij->i", self.templates, self.templates))
        object.__setattr__(self, "_sq_norms", norms)
        starts: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        if self.size:
            starts = np.flatnonzero(np.r_[True, np.diff(self.person_ids) != 0]).astype(np.int64)
        object.__setattr__(self, "_starts", starts)

    @classmethod
    def build(
        cls,
        templates: npt.ArrayLike,
        person_ids: npt.ArrayLike,
        names: Mapping[int, str],
        model_key: str,
        dim: int = 128,
    ) -> Gallery:
        """A snapshot from plain arrays (copied, grouped by person, made read-only)."""
        ids = np.array(person_ids, dtype=np.int64).reshape(-1)
        order = np.argsort(ids, kind="stable")
        matrix = readonly(np.asarray(templates, dtype=np.float32).reshape(-1, dim)[order])
        ids = ids[order]
        ids.setflags(write=False)
        return cls(matrix, ids, MappingProxyType(dict(names)), model_key)

    @classmethod
    def empty(cls, model_key: str, dim: int = 128) -> Gallery:
        """A gallery with nobody enrolled."""
        return cls.build(np.zeros((0, dim)), [], {}, model_key, dim)

    @property
    def size(self) -> int:
        """Number of templates."""
        return int(self.templates.shape[0])

    @property
    def dim(self) -> int:
        """Length of one template (D)."""
        return int(self.templates.shape[1])

    def nearest(self, descriptor: npt.ArrayLike, k: int = 2) -> tuple[Match, ...]:
        """The k closest people (each by their closest template), closest first.

        Args:
            descriptor: float (D,) query embedding from the same model.
            k: how many people to return at most.
        """
        if self.size == 0:
            return ()
        query = np.asarray(descriptor, dtype=np.float32).reshape(-1)
        sq = self._sq_norms - 2.0 * (self.templates @ query) + float(query @ query)
        per_person = np.minimum.reduceat(sq, self._starts)  # each person's closest template
        k = min(k, per_person.size)
        best = np.argpartition(per_person, k - 1)[:k] if k < per_person.size else np.arange(k)
        ends = np.r_[self._starts[1:], self.size]
        exact = [  # the expanded form loses precision for close pairs: recompute the winners
            float(np.linalg.norm(self.templates[self._starts[b] : ends[b]] - query, axis=1).min())
            for b in best
        ]
        ranked = sorted(zip(exact, best.tolist(), strict=True))
        return tuple(
            Match(
                int(self.person_ids[self._starts[b]]),
                self.names[int(self.person_ids[self._starts[b]])],
                d,
            )
            for d, b in ranked
        )
