"""Blinks from the face mesh's eye aspect ratio, and a sliding window of timestamped hits."""

from __future__ import annotations

from collections import deque

import numpy as np

from kiosk.core.face_motion import MeshPose, eye_aspect_ratios


class HitWindow:
    """Timestamps of one cue's hits inside a sliding window, at least `spacing_ms` apart."""

    def __init__(self, spacing_ms: float) -> None:
        self._spacing_ms = spacing_ms
        self._ms: deque[float] = deque()

    def add(self, timestamp_ms: float) -> None:
        """Record a hit (ignored if the last one was less than `spacing_ms` ago)."""
        if not self._ms or timestamp_ms - self._ms[-1] >= self._spacing_ms:
            self._ms.append(timestamp_ms)

    def count(self, timestamp_ms: float, window_ms: float) -> int:
        """Hits within `window_ms` before `timestamp_ms` (older ones are forgotten)."""
        while self._ms and timestamp_ms - self._ms[0] > window_ms:
            self._ms.popleft()
        return len(self._ms)


class BlinkCounter:
    """Blinks: both eyes' aspect ratio (EAR) dips below the window's median (open-eye)
    baseline and recovers within `max_ms`. The mesh model damps blinks to dips of ~25 %.

    Args:
        window_ms: the baseline is the median EAR over this long.
        drop: EAR below `(1 - drop) * baseline` on both eyes counts as closed.
        reopen: EAR above `(1 - reopen * drop) * baseline` counts as open again.
        max_ms: the longest closure counted as a blink (longer is eyes shut).
        min_frames: EAR samples needed for a baseline before blinks count.
    """

    def __init__(
        self, *, window_ms: float, drop: float, reopen: float, max_ms: float, min_frames: int
    ) -> None:
        self._window_ms = window_ms
        self._drop, self._reopen, self._max_ms = drop, reopen, max_ms
        self._min_frames = min_frames
        self._ears: deque[tuple[float, float, float]] = deque()  # (timestamp_ms, right, left)
        self._closed_ms: float | None = None
        self.hits = HitWindow(0.0)
        self.total = 0

    def update(self, timestamp_ms: float, pose: MeshPose) -> None:
        """Add one frame's mesh."""
        while self._ears and timestamp_ms - self._ears[0][0] > self._window_ms:
            self._ears.popleft()
        right, left = eye_aspect_ratios(pose.xy)
        if len(self._ears) >= self._min_frames:
            base = np.median(np.array(self._ears)[:, 1:], axis=0)
            ratios = np.array([right, left]) / np.maximum(base, 1e-9)
            if self._closed_ms is None and bool(np.all(ratios < 1.0 - self._drop)):
                self._closed_ms = timestamp_ms
            elif self._closed_ms is not None and bool(
                np.all(ratios > 1.0 - self._reopen * self._drop)
            ):
                if timestamp_ms - self._closed_ms <= self._max_ms:
                    self.total += 1
                    self.hits.add(timestamp_ms)
                self._closed_ms = None
        self._ears.append((timestamp_ms, right, left))
