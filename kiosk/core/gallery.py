"""The enrolled people as an immutable snapshot, searched 1:N.

The pipeline holds a snapshot; after a change (an enrolment here, a forget from the command
line, a chain sync) the store builds a new one and the pipeline swaps it in whole, so no lock is
needed. Templates are compared by Euclidean distance, as the dlib ResNet's descriptors are meant
to be (not L2-normalised; same person below ~0.6).

Up to `COMPACT_FROM` templates the search is exact, one matrix product over float32 rows. Past
that (a chain's gallery: 100k people x 20 templates is 977 MiB as float32) the templates live in
a `CompactIndex` (`kiosk.core.gallery_index`): int8 codes, a per-person prefilter and a re-rank
of the best candidates, in about a quarter of the memory; `kiosk bench gallery` reports its
speed, memory and recall against the exact search.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from kiosk.core.gallery_index import CompactIndex
from kiosk.core.types import FloatArray, readonly

COMPACT_FROM = 200_000  # templates (~100 MiB as float32): beyond, the compact index


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
        version: the store's gallery change counter this snapshot reflects.
        compact: for large galleries, the index that holds the templates instead of
            `templates` (then empty).
    """

    templates: FloatArray
    person_ids: npt.NDArray[np.int64]
    names: Mapping[int, str]
    model_key: str
    version: int = 0
    compact: CompactIndex | None = None
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

    @classmethod
    def from_groups(
        cls,
        groups: Iterable[tuple[int, FloatArray]],
        names: Mapping[int, str],
        model_key: str,
        *,
        dim: int = 128,
        rows: int = 0,
        version: int = 0,
    ) -> Gallery:
        """A snapshot from (person id, float32 (n, D) templates) groups.

        Args:
            groups: each person's templates, person by person (a generator is fine).
            names: display name per person id.
            model_key: the embedding model.
            dim: descriptor length.
            rows: how many templates the groups hold (decides exact or compact; 0: exact).
            version: the store's change counter.
        """
        empty = readonly(np.zeros((0, dim), dtype=np.float32))
        no_ids = np.zeros(0, dtype=np.int64)
        no_ids.setflags(write=False)
        frozen = MappingProxyType(dict(names))
        if rows > COMPACT_FROM:
            index = CompactIndex.build(groups, dim, rows)
            return cls(empty, no_ids, frozen, model_key, version, index)
        ids: list[int] = []
        parts: list[FloatArray] = []
        for person_id, matrix in groups:
            parts.append(np.asarray(matrix, dtype=np.float32).reshape(-1, dim))
            ids.extend([person_id] * parts[-1].shape[0])
        matrix = np.concatenate(parts) if parts else empty
        gallery = cls.build(matrix, ids, frozen, model_key, dim)
        return dataclasses.replace(gallery, version=version)

    def with_people(
        self,
        changed: Mapping[int, FloatArray],
        names: Mapping[int, str],
        removed: Iterable[int],
        version: int,
    ) -> Gallery:
        """A new snapshot: `changed` people's templates replaced, `removed` people gone.

        Args:
            changed: person id -> all their templates now, float32 (n, D).
            names: display names of every person in the new snapshot.
            removed: people no longer enrolled.
            version: the store's change counter the new snapshot reflects.
        """
        gone = set(removed) | set(changed)
        frozen = MappingProxyType(dict(names))
        if self.compact is not None:
            index = self.compact.replace(changed, gone - set(changed))
            return dataclasses.replace(self, names=frozen, version=version, compact=index)
        keep = ~np.isin(self.person_ids, list(gone))
        parts = [self.templates[keep], *(np.asarray(m, np.float32) for m in changed.values())]
        ids = [self.person_ids[keep]] + [np.full(len(m), p) for p, m in changed.items()]
        dim = self.templates.shape[1]
        rows = sum(p.shape[0] for p in parts)
        if rows > COMPACT_FROM:
            matrix, flat = np.concatenate(parts), np.concatenate(ids)
            groups = _groups(matrix, flat)
            return Gallery.from_groups(
                groups, frozen, self.model_key, dim=dim, rows=rows, version=version
            )
        gallery = Gallery.build(
            np.concatenate(parts), np.concatenate(ids), frozen, self.model_key, dim
        )
        return dataclasses.replace(gallery, version=version)

    @property
    def size(self) -> int:
        """Number of templates."""
        if self.compact is not None:
            return self.compact.size
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
        if self.compact is not None:
            found = self.compact.nearest(query, k)
            return tuple(Match(p, self.names[p], d) for d, p in found if p in self.names)
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


def _groups(matrix: FloatArray, ids: npt.NDArray[np.int64]) -> Iterator[tuple[int, FloatArray]]:
    """(person id, rows) groups of a matrix, by person id."""
    order = np.argsort(ids, kind="stable")
    ids, matrix = ids[order], matrix[order]
    starts = np.flatnonzero(np.r_[True, np.diff(ids) != 0])
    ends = np.r_[starts[1:], ids.size]
    for lo, hi in zip(starts, ends, strict=True):
        yield int(ids[lo]), matrix[lo:hi]
