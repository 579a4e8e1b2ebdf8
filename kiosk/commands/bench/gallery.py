"""`kiosk bench gallery`: how fast is one 1:N search, how much memory, how exact?

Synthetic people stand in for real ones: each has a centre (float32, the embedder's 128
dimensions, spread like dlib descriptors: different people ~0.95 apart) and templates scattered
around it (same person ~0.3 apart). Probes are fresh captures of enrolled people (genuine) and
of people never enrolled (impostors). Each query is one `Gallery.nearest` call, exactly what the
pipeline does per embedding. Galleries past `COMPACT_FROM` templates use the compact index; its
answers are compared with an exact float32 search over every template (computed in chunks, so
the reference never holds the whole matrix).
"""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.commands.progress import SILENT, Progress
from kiosk.core.gallery import Gallery
from kiosk.core.types import FloatArray
from kiosk.errors import InputError

DEFAULT_PEOPLE = (1_000, 10_000, 100_000)
THRESHOLD = 0.6
CHUNK = 2_000
_CENTRE_SD, _TEMPLATE_SD = 0.06, 0.022


@dataclass(frozen=True, slots=True)
class GalleryBenchRow:
    """One gallery size.

    Attributes:
        people: people in the gallery.
        templates: templates in the gallery (people x templates per person).
        mode: "exact" (float32 matrix) or "compact" (prefilter + 4-bit re-rank).
        queries: timed `nearest` calls (half genuine, half impostors).
        p50_ms, p95_ms: latency of one query.
        matrix_mb: memory of the searched arrays (MiB).
        build_s: time to build the snapshot from the templates.
        recall: genuine probes whose closest person is the exact search's closest person.
        decisions_agree: probes (all) given the same answer as the exact search at the
            0.6 threshold (the person, or unknown).
        max_error: largest difference from the exact distance of the answer.
        rss_growth_mb: how much the process's resident memory grew while building the
            gallery and keeping it (MiB; Linux only, else 0): names included.
        peak_rss_mb: the process's peak resident memory so far (MiB).
    """

    people: int
    templates: int
    mode: str
    queries: int
    p50_ms: float
    p95_ms: float
    matrix_mb: float
    build_s: float
    recall: float
    decisions_agree: float
    max_error: float
    rss_growth_mb: float
    peak_rss_mb: float


def rss_mb() -> float:
    """Resident memory of this process now (MiB; 0 where /proc is missing)."""
    try:
        pages = int(open("/proc/self/statm", encoding="ascii").read().split()[1])  # noqa: PTH123, SIM115
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def _common(dim: int, seed: int) -> FloatArray:
    return np.random.default_rng([seed, 0]).normal(0, 0.1, dim).astype(np.float32)


def synthetic_people(
    people: int, per_person: int, dim: int = 128, seed: int = 0
) -> Iterator[tuple[int, FloatArray]]:
    """(person id, float32 (per_person, dim) templates), generated chunk by chunk."""
    common = _common(dim, seed)
    for start in range(0, people, CHUNK):
        count = min(CHUNK, people - start)
        rng = np.random.default_rng([seed, 1, start])
        centres = common + rng.normal(0, _CENTRE_SD, (count, dim))
        noise = rng.normal(0, _TEMPLATE_SD, (count, per_person, dim))
        batch = (centres[:, None, :] + noise).astype(np.float32)
        for i in range(count):
            yield start + i + 1, batch[i]


def synthetic_gallery(people: int, per_person: int, dim: int = 128, seed: int = 0) -> Gallery:
    """The synthetic people as a snapshot (exact or compact by size)."""
    names = {i: f"person {i}" for i in range(1, people + 1)}
    groups = synthetic_people(people, per_person, dim, seed)
    return Gallery.from_groups(groups, names, "synthetic", dim=dim, rows=people * per_person)


def _centre(pid: int, dim: int, seed: int) -> FloatArray:
    """The centre `synthetic_people` drew for person `pid` (drawn first in its chunk)."""
    start = (pid - 1) // CHUNK * CHUNK
    rng = np.random.default_rng([seed, 1, start])
    centres = rng.normal(0, _CENTRE_SD, (pid - start, dim))
    centre: FloatArray = (_common(dim, seed) + centres[-1]).astype(np.float32)
    return centre


def _probes(people: int, count: int, dim: int, seed: int) -> tuple[FloatArray, list[int]]:
    """Genuine probes (a fresh capture of an enrolled person) then impostors."""
    rng = np.random.default_rng([seed, 2])
    owners = sorted(rng.choice(np.arange(1, people + 1), size=count, replace=False).tolist())
    centres = np.stack([_centre(p, dim, seed) for p in owners])
    genuine = centres + rng.normal(0, _TEMPLATE_SD, (count, dim))
    strangers = _common(dim, seed) + rng.normal(0, _CENTRE_SD, (count, dim))
    probes = np.concatenate([genuine, strangers]).astype(np.float32)
    return probes, owners + [0] * count


def _exact_answers(
    probes: FloatArray, people: int, per_person: int, dim: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Closest person and distance for every probe, over every template (in chunks)."""
    best_d = np.full(probes.shape[0], np.inf)
    best_p = np.zeros(probes.shape[0], dtype=np.int64)
    for pid, templates in synthetic_people(people, per_person, dim, seed):
        d = np.sqrt(((probes[:, None, :] - templates[None]) ** 2).sum(axis=2)).min(axis=1)
        closer = d < best_d
        best_d[closer], best_p[closer] = d[closer], pid
    return best_p, best_d


def _decide(person: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """The pipeline's answer per probe: the person under the threshold, else 0 (unknown)."""
    return np.where(distance < THRESHOLD, person, 0)


def bench_size(
    people: int, per_person: int, queries: int, dim: int = 128, seed: int = 0
) -> GalleryBenchRow:
    """Build a gallery of `people` x `per_person`, time `queries` searches, check them."""
    before = rss_mb()
    start = time.perf_counter()
    gallery = synthetic_gallery(people, per_person, dim, seed)
    build_s = time.perf_counter() - start
    growth = rss_mb() - before
    half = max(1, min(queries // 2, people))
    probes, _ = _probes(people, half, dim, seed)
    gallery.nearest(probes[0])  # warm-up
    samples, answers = [], []
    for probe in probes:
        tick = time.perf_counter()
        found = gallery.nearest(probe, k=1)
        samples.append((time.perf_counter() - tick) * 1000.0)
        answers.append(found[0])
    exact_p, exact_d = _exact_answers(probes, people, per_person, dim, seed)
    got_p = np.array([a.person_id for a in answers])
    got_d = np.array([a.distance for a in answers])
    recall = float(np.mean(got_p[:half] == exact_p[:half]))
    agree = float(np.mean(_decide(got_p, got_d) == _decide(exact_p, exact_d)))
    same = got_p == exact_p
    p50, p95 = np.percentile(samples, [50, 95])
    nbytes = (
        gallery.compact.nbytes
        if gallery.compact is not None
        else gallery.templates.nbytes + gallery.person_ids.nbytes + gallery.size * 4
    )
    return GalleryBenchRow(
        people=people,
        templates=gallery.size,
        mode="compact" if gallery.compact is not None else "exact",
        queries=len(samples),
        p50_ms=float(p50),
        p95_ms=float(p95),
        matrix_mb=nbytes / 2**20,
        build_s=build_s,
        recall=recall,
        decisions_agree=agree,
        max_error=float(np.abs(got_d[same] - exact_d[same]).max()) if same.any() else 0.0,
        rss_growth_mb=growth,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
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
