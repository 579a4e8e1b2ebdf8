"""A large gallery in a fifth of the memory: a per-person prefilter, then a re-rank on 4-bit codes.

Memory (100k people x 20 templates x 128 dims): the float32 matrix alone is 977 MiB. Here each
person keeps the float32 mean of their templates (the prefilter, 49 MiB), and each template is
its difference from that mean in 4 bits a value with its own scale (64 + 4 bytes): about 180 MiB
in all. A template's reconstruction error is a small fraction of its spread around the person's
mean: about 0.003 in Euclidean distance for dlib-like descriptors, against a 0.6 threshold.

Search: the prefilter ranks everyone by the exact distance from the query to their mean (one
matrix-vector product), keeps the best `candidates` people, and re-ranks them by the distance to
each of their reconstructed templates. `kiosk bench gallery` reports the recall of this search
against an exact float32 search over every template.

Updates never copy a big array: an index is a base segment plus a small delta segment, with a
mask of the base's people replaced or removed since; the delta is rebuilt on each change and
folded into the base when it grows past a tenth of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.types import FloatArray

IntArray = npt.NDArray[np.int64]
Packed = npt.NDArray[np.uint8]
CANDIDATES = 100
FOLD_MIN = 1000  # delta people before it is folded into the base (or a tenth of the base)
LEVELS = 7  # codes -7..7, stored as 1..15 in a nibble


def _readonly(*arrays: npt.NDArray[np.generic]) -> None:
    for a in arrays:
        a.setflags(write=False)


def encode(residuals: FloatArray) -> tuple[Packed, FloatArray]:
    """4-bit codes (two per byte) and per-row scales: row ~= (code - 8) * scale."""
    peak = np.abs(residuals).max(axis=1)
    scales = np.where(peak > 0, peak / LEVELS, 1.0).astype(np.float32)
    codes = (np.rint(residuals / scales[:, None]) + 8).astype(np.uint8)
    packed = (codes[:, 0::2] << 4) | codes[:, 1::2]
    return packed.astype(np.uint8), scales


def decode(packed: Packed, scales: FloatArray) -> FloatArray:
    """Inverse of `encode` (float32 rows)."""
    out = np.empty((packed.shape[0], packed.shape[1] * 2), dtype=np.float32)
    out[:, 0::2] = packed >> 4
    out[:, 1::2] = packed & 15
    out -= 8.0
    out *= scales[:, None]
    return out


@dataclass(frozen=True, slots=True)
class Segment:
    """People with their templates: rows of person i are starts[i]:starts[i+1]."""

    person_ids: IntArray  # (P,)
    starts: IntArray  # (P + 1,)
    means: FloatArray  # (P, D)
    mean_sq: FloatArray  # (P,)
    codes: Packed  # (M, D / 2)
    scales: FloatArray  # (M,)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        arrays = (self.person_ids, self.starts, self.means, self.mean_sq, self.codes)
        return sum(a.nbytes for a in arrays) + self.scales.nbytes

    def rows(self, i: int) -> FloatArray:
        """Reconstructed float32 templates of the segment's i-th person."""
        lo, hi = int(self.starts[i]), int(self.starts[i + 1])
        rows = decode(self.codes[lo:hi], self.scales[lo:hi])
        rows += self.means[i]
        return rows


class _Rows:
    """Codes and scales written into arrays allocated once (grown only past the hint)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 1)
        self.used = 0
        self.codes: Packed | None = None
        self.scales = np.zeros(self.capacity, dtype=np.float32)

    def add(self, residuals: FloatArray) -> None:
        codes, scales = encode(residuals)
        n = codes.shape[0]
        if self.codes is None:
            self.codes = np.zeros((self.capacity, codes.shape[1]), dtype=np.uint8)
        if self.used + n > self.capacity:
            self.capacity = max(2 * self.capacity, self.used + n)
            self.codes = np.resize(self.codes, (self.capacity, codes.shape[1]))
            self.scales = np.resize(self.scales, self.capacity)
        self.codes[self.used : self.used + n] = codes
        self.scales[self.used : self.used + n] = scales
        self.used += n

    def arrays(self, dim: int) -> tuple[Packed, FloatArray]:
        codes = self.codes if self.codes is not None else np.zeros((0, dim // 2), dtype=np.uint8)
        if self.used < codes.shape[0]:
            return codes[: self.used].copy(), self.scales[: self.used].copy()
        return codes, self.scales[: self.used]


def build_segment(
    groups: Iterable[tuple[int, FloatArray]], dim: int, rows_hint: int = 0
) -> Segment:
    """A segment from (person id, float32 (n, D) templates) groups (D even).

    `rows_hint` (the number of templates, if known) lets the codes be written in place, so
    building holds no more than the codes, the means and one person's float32 templates.
    """
    if dim % 2:
        raise ValueError(f"the compact index needs an even descriptor length, got {dim}")
    ids: list[int] = []
    starts = [0]
    means: list[FloatArray] = []
    rows = _Rows(rows_hint)
    for person_id, group in groups:
        matrix = np.asarray(group, dtype=np.float32).reshape(-1, dim)
        mean = matrix.mean(axis=0)
        rows.add(matrix - mean)
        ids.append(person_id)
        starts.append(starts[-1] + matrix.shape[0])
        means.append(mean)
    codes, scales = rows.arrays(dim)
    mean_matrix = np.asarray(means, dtype=np.float32).reshape(len(means), dim)
    segment = Segment(
        np.asarray(ids, dtype=np.int64),
        np.asarray(starts, dtype=np.int64),
        mean_matrix,
        np.einsum("ij,ij->i", mean_matrix, mean_matrix).astype(np.float32),
        codes,
        scales,
    )
    _readonly(segment.person_ids, segment.starts, segment.means, segment.mean_sq)
    _readonly(segment.codes, segment.scales)
    return segment


@dataclass(frozen=True, slots=True)
class CompactIndex:
    """Base and delta segments, and which base people are still current (see module doc)."""

    base: Segment
    base_alive: npt.NDArray[np.bool_]
    delta: Segment
    candidates: int = CANDIDATES

    @classmethod
    def build(
        cls, groups: Iterable[tuple[int, FloatArray]], dim: int, rows_hint: int = 0
    ) -> CompactIndex:
        """An index of (person id, templates) groups."""
        base = build_segment(groups, dim, rows_hint)
        alive = np.ones(base.person_ids.size, dtype=bool)
        _readonly(alive)
        return cls(base, alive, build_segment((), dim))

    @property
    def dim(self) -> int:
        """Descriptor length."""
        return int(self.base.means.shape[1])

    @property
    def size(self) -> int:
        """Templates searched."""
        lengths = np.diff(self.base.starts)[self.base_alive]
        return int(lengths.sum()) + int(self.delta.codes.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays."""
        return self.base.nbytes + self.delta.nbytes + self.base_alive.nbytes

    def replace(self, changed: Mapping[int, FloatArray], removed: Iterable[int]) -> CompactIndex:
        """A new index with `changed` people's templates replaced and `removed` people gone."""
        gone = set(removed) | set(changed)
        alive = self.base_alive & ~np.isin(self.base.person_ids, list(gone))
        kept = [
            (int(p), self.delta.rows(i))
            for i, p in enumerate(self.delta.person_ids)
            if int(p) not in gone
        ]
        fresh = [(p, np.asarray(m, dtype=np.float32)) for p, m in changed.items() if len(m)]
        if len(kept) + len(fresh) > max(FOLD_MIN, int(alive.sum()) // 10):
            base = [(int(p), self.base.rows(i)) for i, p in enumerate(self.base.person_ids)]
            live = [b for b, keep in zip(base, alive, strict=True) if keep]
            return CompactIndex.build([*live, *kept, *fresh], self.dim, self.size)
        _readonly(alive)
        delta = build_segment([*kept, *fresh], self.dim)
        return CompactIndex(self.base, alive, delta, self.candidates)

    def nearest(self, query: FloatArray, k: int) -> list[tuple[float, int]]:
        """The k closest people (distance, person id), closest first."""
        scored: list[tuple[float, int]] = []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        for segment, alive in ((self.base, self.base_alive), (self.delta, None)):
            picks = _prefilter(segment, alive, q, self.candidates)
            if picks.size:
                scored.extend(_rerank(segment, picks, q))
        scored.sort()
        return scored[:k]


def _prefilter(
    segment: Segment, alive: npt.NDArray[np.bool_] | None, query: FloatArray, candidates: int
) -> IntArray:
    """Indices of the segment's people whose mean is closest to the query."""
    if segment.person_ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    approx = segment.mean_sq - 2.0 * (segment.means @ query)
    if alive is not None:
        approx = np.where(alive, approx, np.inf)
    top = min(candidates, approx.size)
    picks = np.argpartition(approx, top - 1)[:top] if top < approx.size else np.arange(top)
    kept: IntArray = picks[np.isfinite(approx[picks])].astype(np.int64)
    return kept


def _rerank(segment: Segment, picks: IntArray, query: FloatArray) -> list[tuple[float, int]]:
    """Each picked person's closest reconstructed template to the query."""
    lo = segment.starts[picks]
    lengths = segment.starts[picks + 1] - lo
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    rows = np.repeat(lo - offsets, lengths) + np.arange(int(lengths.sum()))
    vectors = decode(segment.codes[rows], segment.scales[rows])
    vectors += np.repeat(segment.means[picks], lengths, axis=0)
    distances = np.linalg.norm(vectors - query, axis=1)
    best = np.minimum.reduceat(distances, offsets)
    return [(float(d), int(segment.person_ids[i])) for d, i in zip(best, picks, strict=True)]
