"""Which per-track model runs happen on a camera frame: a budget so no frame stalls.

Every frame detects and meshes the faces; the rest is per-track work on a cadence (embedding
for identity, emotion, mask, blendshapes). On a camera stream:

- a frame gets at most one heavy run (6-10 ms): an embedding (new tracks first), else a mask;
- heavy runs stay off the frames on which every detector ran (those cost 4 ms more), unless a
  new track still has no embedding;
- a frame without a heavy run reads the emotion of at most two tracks (most overdue first) and
  the blendshapes of the main face (the largest: the shopper being served) only, on a frame
  that does not read the main face's emotion (so the two alternate instead of piling up);
- a frame with a heavy run reads nothing else, except with a crowd in view, where emotion
  would fall too far behind: then it reads one emotion.

Readings that do not fit wait a frame or two (67 ms each at 15 fps). Still photos get
everything at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TrackWork:
    """What the planner needs to know about one track on this frame.

    Attributes:
        track_id: the track.
        area_px: its box area in square pixels (the largest face is the main face).
        embed_due: an embedding is due (trusted landmarks, large enough, interval passed).
        first_embed: the track has no embedding yet (new, jumped or restarted).
        last_embed_ms: when it was last embedded.
        fresh_mesh: its landmarks were computed on this frame and are trusted
            (blendshapes need that).
        last_emotion_ms, last_mask_ms, last_shapes_ms: when each reading last ran.
    """

    track_id: int
    area_px: float
    embed_due: bool
    first_embed: bool
    last_embed_ms: float
    fresh_mesh: bool
    last_emotion_ms: float
    last_mask_ms: float
    last_shapes_ms: float


@dataclass(frozen=True, slots=True)
class WorkBudget:
    """Cadences and per-frame limits.

    Attributes:
        emotion_interval_ms: between emotion (and main-face blendshape) readings of a track.
        mask_interval_ms: between mask readings of a track.
        heavy_per_frame: embeddings plus masks per camera frame.
        emotions_per_frame: emotion readings per camera frame.
        crowd: from this many faces on, a frame with a heavy run also reads one emotion.
    """

    emotion_interval_ms: float = 100.0
    mask_interval_ms: float = 1000.0
    heavy_per_frame: int = 1
    emotions_per_frame: int = 2
    crowd: int = 3


@dataclass(frozen=True, slots=True)
class WorkPlan:
    """Track ids per kind of run on this frame (most overdue first)."""

    embed: tuple[int, ...] = ()
    mask: tuple[int, ...] = ()
    emotion: tuple[int, ...] = ()
    shapes: tuple[int, ...] = ()


def plan_work(
    tracks: Sequence[TrackWork],
    now_ms: float,
    budget: WorkBudget,
    *,
    scanned: bool = False,
    still: bool = False,
) -> WorkPlan:
    """The runs for this frame.

    Args:
        tracks: the tracks in view.
        now_ms: the frame's timestamp.
        budget: cadences and limits.
        scanned: every detector ran on this frame (it already cost more).
        still: a photo: every due reading of every face, no limits.
    """
    masks = _due(tracks, lambda t: t.last_mask_ms, budget.mask_interval_ms, now_ms)
    emotions = _due(tracks, lambda t: t.last_emotion_ms, budget.emotion_interval_ms, now_ms)
    embeds = sorted(
        (t for t in tracks if t.embed_due), key=lambda t: (not t.first_embed, t.last_embed_ms)
    )
    if still:
        return WorkPlan(
            embed=_ids(embeds),
            mask=_ids(masks),
            emotion=_ids(emotions),
            shapes=_ids(t for t in tracks if t.fresh_mesh),
        )
    if scanned:
        embeds = [t for t in embeds if t.first_embed]
        masks = []
    heavy = budget.heavy_per_frame
    embed = embeds[:heavy]
    mask = masks[: heavy - len(embed)]
    if embed or mask:
        crowd = len(tracks) >= budget.crowd
        return WorkPlan(_ids(embed), _ids(mask), _ids(emotions[: 1 if crowd else 0]))
    emotion = _ids(emotions[: budget.emotions_per_frame])
    main = max(tracks, key=lambda t: t.area_px, default=None)
    shapes = (
        (main.track_id,)
        if main is not None
        and main.fresh_mesh
        and main.track_id not in emotion
        and now_ms - main.last_shapes_ms >= budget.emotion_interval_ms
        else ()
    )
    return WorkPlan(emotion=emotion, shapes=shapes)


def _due(
    tracks: Sequence[TrackWork], last: Callable[[TrackWork], float], every: float, now_ms: float
) -> list[TrackWork]:
    """Tracks whose reading is due, most overdue first."""
    return sorted((t for t in tracks if now_ms - last(t) >= every), key=last)


def _ids(tracks: Iterable[TrackWork]) -> tuple[int, ...]:
    return tuple(t.track_id for t in tracks)
