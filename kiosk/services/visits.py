"""Visits: one row per person who stood in front of the kiosk.

A visit starts with a track (the row is written then, so suggestions shown during the visit
can refer to it) and ends when the track has been gone for `end_after_s`. The row holds the
person's id if the track was recognised at any point (only consented, enrolled people can be),
else NULL: an unknown visitor leaves only a time range, purged after the retention period.
Visits shorter than `min_visit_s` (passers-by, false detections) are deleted when they end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiosk.core.types import FrameResult
from kiosk.store.analytics import drop_visit, end_visit, start_visit
from kiosk.store.db import Store


@dataclass(slots=True)
class _Open:
    visit_id: int
    started_s: float  # on the caller's clock (`now_s`), like last_seen_s
    last_seen_s: float
    person_id: int | None = None


@dataclass(slots=True)
class VisitRecorder:
    """Turns tracks into visit rows. Call `on_result` per frame (GUI thread), `close` at exit.

    Attributes:
        store: the kiosk's database.
        end_after_s: a track unseen this long has left.
        min_visit_s: visits whose face was seen for less (passers-by, false detections) are
            not recorded; measured on the `now_s` clock of `on_result`, like `end_after_s`.
        clock: wall-clock time for the rows (injectable for tests).
    """

    store: Store
    end_after_s: float = 2.0
    min_visit_s: float = 1.0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _open: dict[int, _Open] = field(default_factory=dict)
    written: int = 0

    def on_result(self, result: FrameResult, now_s: float) -> None:
        """Update open visits from one frame; write the visits that ended."""
        for face in result.faces:
            visit = self._open.get(face.track_id)
            if visit is None:
                visit = _Open(start_visit(self.store, self.clock()), now_s, now_s)
                self._open[face.track_id] = visit
            visit.last_seen_s = now_s
            if face.personal.person_id is not None:  # only a live face is recorded as a person
                visit.person_id = face.personal.person_id
        ended = [t for t, v in self._open.items() if now_s - v.last_seen_s > self.end_after_s]
        if ended:
            self._write([self._open.pop(t) for t in ended], now_s)

    def visit_of(self, track_id: int) -> int | None:
        """The visit row of an open track."""
        visit = self._open.get(track_id)
        return None if visit is None else visit.visit_id

    def close(self, now_s: float) -> None:
        """Write every open visit (at shutdown)."""
        self._write(list(self._open.values()), now_s)
        self._open.clear()

    def _write(self, visits: list[_Open], now_s: float) -> None:
        ended_at = self.clock()
        for visit in visits:
            if visit.last_seen_s - visit.started_s >= self.min_visit_s:
                end_visit(self.store, visit.visit_id, visit.person_id, ended_at)
                self.written += 1
            else:
                drop_visit(self.store, visit.visit_id)
