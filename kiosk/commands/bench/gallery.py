"""`kiosk bench gallery`: how fast is one 1:N search, and how much memory does the matrix take?

Synthetic random templates (float32, the embedder's 128 dimensions) stand in for real people;
each query is one `Gallery.nearest` call, exactly what the pipeline does per embedding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from kiosk.commands.progress import SILENT, Progress
from kiosk.core.gallery import Gallery
from kiosk.errors import InputError

DEFAULT_PEOPLE = (1_000, 10_000, 100_000)


@dataclass(frozen=True, slots=True)
class GalleryBenchRow:
    """One gallery size.

    Attributes:
        people: people in the gallery.
        templates: templates in the gallery (people x templates per person).
        queries: timed `nearest` calls.
        p50_ms, p95_ms: latency of one query.
        matrix_mb: memory of the template matrix, its norms and person ids (MiB).
    """

    people: int
    templates: int
    queries: int
    p50_ms: float
    p95_ms: float
    matrix_mb: float


def synthetic_gallery(people: int, per_person: int, dim: int = 128, seed: int = 0) -> Gallery:
    """A gallery of random descriptors (float32, scaled roughly like dlib's)."""
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((people * per_person, dim), dtype=np.float32)
    matrix *= np.float32(0.08)
    matrix.setflags(write=False)
    ids = np.repeat(np.arange(1, people + 1, dtype=np.int64), per_person)
    ids.setflags(write=False)
    names = MappingProxyType({i: f"person {i}" for i in range(1, people + 1)})
    return Gallery(matrix, ids, names, "synthetic")


def bench_size(people: int, per_person: int, queries: int, dim: int = 128) -> GalleryBenchRow:
    """Time `queries` nearest-neighbour searches in a gallery of `people` x `per_person`."""
    gallery = synthetic_gallery(people, per_person, dim)
    rng = np.random.default_rng(1)
    probes = (rng.standard_normal((queries + 1, dim)) * 0.08).astype(np.float32)
    gallery.nearest(probes[0])  # warm-up
    samples = []
    for probe in probes[1:]:
        start = time.perf_counter()
        gallery.nearest(probe, k=1)
        samples.append((time.perf_counter() - start) * 1000.0)
    p50, p95 = np.percentile(samples, [50, 95])
    nbytes = gallery.templates.nbytes + gallery.person_ids.nbytes + gallery.size * 4
    return GalleryBenchRow(
        people=people,
        templates=gallery.size,
        queries=queries,
        p50_ms=float(p50),
        p95_ms=float(p95),
        matrix_mb=nbytes / 2**20,
    )


def bench_gallery(
    people: Sequence[int],
    per_person: int = 20,
    queries: int = 100,
    progress: Progress = SILENT,
) -> tuple[GalleryBenchRow, ...]:
    """Benchmark each gallery size in turn (each gallery is freed before the next).

    Raises:
        InputError: a size, `per_person` or `queries` is below 1.
    """
    if not people or min(people) < 1 or per_person < 1 or queries < 1:
        raise InputError("gallery sizes, templates per person and queries must be at least 1")
    progress.start("benchmarking", len(people))
    rows = []
    for count in people:
        rows.append(bench_size(count, per_person, queries))
        progress.advance()
    return tuple(rows)
