"""Keep one id per face across frames, through short detection gaps.

Greedy matching on box overlap (IoU) with a centre-distance fallback for fast motion. A track
that has not been seen for `max_gap_ms` ends. A matched box that jumps (low IoU with the track's
last box) is flagged, so the caller can check the identity at once: at a scene cut one person's
box can land where another's was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kiosk.core.geometry import iou
from kiosk.core.types import FaceBox


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    """Matching rules.

    Attributes:
        min_iou: IoU at or above which a box continues a track.
        max_centre_shift: a box whose centre moved less than this fraction of the track's box
            width also continues it (fast motion).
        max_gap_ms: how long a track survives without a detection.
        jump_iou: a match with IoU below this is reported as a jump.
    """

    min_iou: float = 0.3
    max_centre_shift: float = 0.5
    max_gap_ms: float = 600.0
    jump_iou: float = 0.5


@dataclass(frozen=True, slots=True)
class TrackedBox:
    """One detection assigned to a track in this frame."""

    track_id: int
    box: FaceBox
    is_new: bool
    jumped: bool


@dataclass(slots=True)
class _Track:
    track_id: int
    box: FaceBox
    last_seen_ms: float


def _centre_shift(track_box: FaceBox, box: FaceBox) -> float:
    tx, ty = (
        (track_box.xyxy[0] + track_box.xyxy[2]) / 2,
        (track_box.xyxy[1] + track_box.xyxy[3]) / 2,
    )
    bx, by = (box.xyxy[0] + box.xyxy[2]) / 2, (box.xyxy[1] + box.xyxy[3]) / 2
    return float(((tx - bx) ** 2 + (ty - by) ** 2) ** 0.5 / max(track_box.width, 1.0))


@dataclass(slots=True)
class FaceTracker:
    """Assigns track ids to each frame's detections. Not thread-safe: one pipeline owns it."""

    settings: TrackerSettings = field(default_factory=TrackerSettings)
    _tracks: dict[int, _Track] = field(default_factory=dict)
    _next_id: int = 1

    def update(self, boxes: Sequence[FaceBox], timestamp_ms: float) -> tuple[TrackedBox, ...]:
        """Match this frame's boxes to tracks; returns one TrackedBox per input box, in order."""
        self._expire(timestamp_ms)
        pairs = self._candidate_pairs(boxes)
        assigned: dict[int, int] = {}  # box index -> track id
        used: set[int] = set()
        for _, box_index, track_id in pairs:
            if box_index in assigned or track_id in used:
                continue
            assigned[box_index] = track_id
            used.add(track_id)
        results = []
        for index, box in enumerate(boxes):
            matched = assigned.get(index)
            if matched is None:
                results.append(TrackedBox(self._start(box, timestamp_ms), box, True, False))
                continue
            track = self._tracks[matched]
            jumped = iou(track.box.xyxy, box.xyxy) < self.settings.jump_iou
            track.box, track.last_seen_ms = box, timestamp_ms
            results.append(TrackedBox(matched, box, is_new=False, jumped=jumped))
        return tuple(results)

    def restart(self, track_id: int, timestamp_ms: float) -> int:
        """End a track (its person turned out to be someone else) and give its box a new id."""
        track = self._tracks.pop(track_id)
        return self._start(track.box, timestamp_ms)

    @property
    def active_ids(self) -> frozenset[int]:
        """Ids of the tracks still alive."""
        return frozenset(self._tracks)

    def _candidate_pairs(self, boxes: Sequence[FaceBox]) -> list[tuple[float, int, int]]:
        """(cost, box index, track id) for every admissible pair, cheapest first."""
        pairs = []
        for index, box in enumerate(boxes):
            for track in self._tracks.values():
                overlap = iou(track.box.xyxy, box.xyxy)
                shift = _centre_shift(track.box, box)
                if overlap >= self.settings.min_iou or shift <= self.settings.max_centre_shift:
                    pairs.append((1.0 - overlap + shift, index, track.track_id))
        pairs.sort()
        return pairs

    def _start(self, box: FaceBox, timestamp_ms: float) -> int:
        track_id = self._next_id
        self._next_id += 1
        self._tracks[track_id] = _Track(track_id, box, timestamp_ms)
        return track_id

    def _expire(self, timestamp_ms: float) -> None:
        for track_id in [
            t.track_id
            for t in self._tracks.values()
            if timestamp_ms - t.last_seen_ms > self.settings.max_gap_ms
        ]:
            del self._tracks[track_id]
