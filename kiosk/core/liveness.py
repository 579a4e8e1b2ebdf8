"""Liveness from face-mesh landmarks: a printed or on-screen photo must not unlock a shopper's data.

Two cues over a short window of one track's meshes (DESIGN.md section 6):

- **Non-rigid motion.** A flat photo, even hand-held (shifted, scaled, rotated, tilted a little),
  moves its landmarks by an affine map under weak perspective. A real head turning or changing
  expression does not. For each new (lightly smoothed) mesh we fit the best 2-D affine map from
  every earlier mesh in the window and take the median per-landmark residual over the
  inter-ocular distance. Mesh noise on a still photo stays below `residual_to_pass`.
- **Blinks.** The eye aspect ratio (EAR) of both eyes dips below `1 - blink_drop` of the track's
  own open-eye baseline (the window median) and recovers within `blink_max_ms`. The face mesh
  damps blinks and its eye points jitter on photos, so a single blink is weak evidence: by default
  `blinks_to_pass` blinks must fall inside one window.

Pure numpy. One `LivenessTracker` per track: `tracker.update(timestamp_ms, mesh)` per frame.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kiosk.core.types import FaceMesh

F64 = npt.NDArray[np.float64]

# MediaPipe face-mesh eye points (p1..p6 of the EAR): outer/inner corner, two upper-lid points,
# two lower-lid points; p2-p6 and p3-p5 are the vertical pairs. "Right" is the subject's right.
_RIGHT_EAR = (33, 160, 158, 133, 153, 144)
_LEFT_EAR = (362, 385, 387, 263, 373, 380)
_RIGHT_CORNERS = (33, 133)
_LEFT_CORNERS = (362, 263)


class LivenessState(StrEnum):
    """What the tracker has concluded about a track so far."""

    PENDING = "pending"  # not enough evidence yet
    LIVE = "live"  # a blink or non-rigid motion was seen (kept until the window resets)
    SUSPICIOUS = "suspicious"  # watched for `suspicious_after_ms` and still perfectly rigid


@dataclass(frozen=True, slots=True)
class LivenessSettings:
    """Thresholds, tuned on live videos against hand-held still photos (see module docstring).

    Attributes:
        window_ms: evidence window; meshes and blinks older than this are forgotten.
        max_gap_ms: a gap longer than this between meshes (or time going backwards) resets the
            tracker, including a LIVE verdict.
        smooth_frames: meshes averaged before the motion test (damps per-frame mesh noise).
        ref_interval_ms: smoothed meshes kept as references at most this often (bounds the work
            per update to about `window_ms / ref_interval_ms` affine fits, batched).
        min_frames: references (and EAR samples) needed in the window before a cue can pass.
        residual_to_pass: median affine residual / inter-ocular distance that counts as
            non-rigid motion. Measured: hand-held still photos <= 0.066 (the worst a blurred,
            tightly cropped 150 px photo enlarged to 400 px), most <= 0.045; live heads 0.05-0.27.
        motion_hits: updates within one window whose residual reaches `residual_to_pass`
            needed to pass (a single spike from a glitching mesh does not).
        blink_drop: EAR below `(1 - blink_drop) * baseline` on both eyes counts as closed.
        blink_reopen: EAR above `(1 - blink_reopen * blink_drop) * baseline` counts as open again.
        blink_max_ms: the longest closure counted as a blink (longer is eyes shut).
        blinks_to_pass: blinks inside one window that pass; 0 disables the blink cue.
        suspicious_after_ms: observed this long without evidence -> SUSPICIOUS.
    """

    window_ms: float = 3000.0
    max_gap_ms: float = 500.0
    smooth_frames: int = 3
    ref_interval_ms: float = 60.0
    min_frames: int = 6
    residual_to_pass: float = 0.075
    motion_hits: int = 3
    blink_drop: float = 0.25
    blink_reopen: float = 0.5
    blink_max_ms: float = 400.0
    blinks_to_pass: int = 2
    suspicious_after_ms: float = 6000.0

    def __post_init__(self) -> None:
        if self.window_ms <= 0 or self.max_gap_ms <= 0:
            raise ValueError(
                f"window_ms and max_gap_ms must be > 0, got {self.window_ms}, {self.max_gap_ms}"
            )
        if self.smooth_frames < 1 or self.min_frames < 2 or self.motion_hits < 1:
            raise ValueError(
                "smooth_frames must be >= 1, min_frames >= 2 and motion_hits >= 1, got "
                f"{self.smooth_frames}, {self.min_frames}, {self.motion_hits}"
            )
        if not 0.0 < self.blink_drop < 1.0 or not 0.0 < self.blink_reopen <= 1.0:
            raise ValueError(
                "blink_drop must be in (0, 1) and blink_reopen in (0, 1], got "
                f"{self.blink_drop}, {self.blink_reopen}"
            )


@dataclass(frozen=True, slots=True)
class LivenessResult:
    """The tracker's verdict after one update.

    Attributes:
        state: PENDING, LIVE or SUSPICIOUS.
        reason: "motion", "blink", "rigid" or "" (PENDING), for logs and the staff screen.
        blinks: blinks counted since the last reset.
        max_residual: largest affine residual / inter-ocular distance since the last reset.
        frames_seen: meshes used since the last reset.
    """

    state: LivenessState
    reason: str
    blinks: int
    max_residual: float
    frames_seen: int

    @property
    def live(self) -> bool:
        """True once the track has shown it is a live face."""
        return self.state is LivenessState.LIVE


PENDING = LivenessResult(LivenessState.PENDING, "", 0, 0.0, 0)


@dataclass(frozen=True, slots=True)
class _Reference:
    timestamp_ms: float
    design: F64  # (468, 3): x, y, 1
    pinv: F64  # (3, 468): least-squares solver for an affine map from this mesh


def eye_aspect_ratios(points_xy: F64) -> tuple[float, float]:
    """(right, left) eye aspect ratio of a (468, 2+) mesh: lid gaps over eye width."""

    def ratio(idx: tuple[int, int, int, int, int, int]) -> float:
        p1, p2, p3, p4, p5, p6 = (points_xy[i, :2] for i in idx)
        width = float(np.linalg.norm(p1 - p4))
        gaps = float(np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5))
        return gaps / (2.0 * width) if width > 0 else 0.0

    return ratio(_RIGHT_EAR), ratio(_LEFT_EAR)


def affine_residuals(references: Sequence[_Reference], points_xy: F64) -> F64:
    """Per reference: the median distance of `points_xy` (468, 2) from the best affine image of
    that reference mesh, over the inter-ocular distance of `points_xy`."""
    if not references:
        return np.zeros(0)
    design = np.stack([r.design for r in references])  # (R, 468, 3)
    pinv = np.stack([r.pinv for r in references])  # (R, 3, 468)
    error = design @ (pinv @ points_xy) - points_xy  # (R, 468, 2)
    squared = np.einsum("rpc,rpc->rp", error, error)
    middle = squared.shape[1] // 2
    median = np.sqrt(np.partition(squared, middle, axis=1)[:, middle])
    return np.asarray(median / max(_inter_ocular(points_xy), 1e-9))


def _inter_ocular(points_xy: F64) -> float:
    right = points_xy[list(_RIGHT_CORNERS)].mean(axis=0)
    left = points_xy[list(_LEFT_CORNERS)].mean(axis=0)
    return float(np.linalg.norm(left - right))


def _reference(timestamp_ms: float, points_xy: F64) -> _Reference:
    design = np.hstack([points_xy, np.ones((len(points_xy), 1))])
    return _Reference(timestamp_ms, design, np.linalg.pinv(design))


class LivenessTracker:
    """Liveness of one face track, fed every frame's mesh in time order."""

    def __init__(self, settings: LivenessSettings | None = None) -> None:
        self.settings = settings or LivenessSettings()
        self._reset(0.0)

    def _reset(self, timestamp_ms: float) -> None:
        self._start_ms = timestamp_ms
        self._last_ms: float | None = None
        self._recent: deque[F64] = deque(maxlen=self.settings.smooth_frames)
        self._refs: deque[_Reference] = deque()
        self._hits_ms: deque[float] = deque()  # updates with a residual >= residual_to_pass
        self._ears: deque[tuple[float, float, float]] = deque()  # (timestamp_ms, right, left)
        self._closed_ms: float | None = None
        self._blink_ms: deque[float] = deque()
        self._blinks = 0
        self._max_residual = 0.0
        self._frames = 0
        self._result = PENDING

    def update(self, timestamp_ms: float, mesh: FaceMesh | None) -> LivenessResult:
        """Add one frame; a None mesh (not computed or untrusted) leaves the verdict as it was."""
        if mesh is None:
            return self._result
        last = self._last_ms
        if last is None or timestamp_ms <= last or timestamp_ms - last > self.settings.max_gap_ms:
            self._reset(timestamp_ms)
        self._last_ms = timestamp_ms
        self._frames += 1
        points = mesh.points_xyz[:, :2].astype(np.float64)
        self._update_motion(timestamp_ms, points)
        self._update_blinks(timestamp_ms, points)
        self._result = self._decide(timestamp_ms)
        return self._result

    def _update_motion(self, timestamp_ms: float, points: F64) -> None:
        s = self.settings
        self._recent.append(points)
        if len(self._recent) < s.smooth_frames:
            return
        smoothed = np.mean(np.stack(self._recent), axis=0)
        while self._refs and timestamp_ms - self._refs[0].timestamp_ms > s.window_ms:
            self._refs.popleft()
        while self._hits_ms and timestamp_ms - self._hits_ms[0] > s.window_ms:
            self._hits_ms.popleft()
        residual = float(affine_residuals(self._refs, smoothed).max(initial=0.0))
        self._max_residual = max(self._max_residual, residual)
        if residual >= s.residual_to_pass:
            self._hits_ms.append(timestamp_ms)
        if not self._refs or timestamp_ms - self._refs[-1].timestamp_ms >= s.ref_interval_ms:
            self._refs.append(_reference(timestamp_ms, smoothed))

    def _update_blinks(self, timestamp_ms: float, points: F64) -> None:
        s = self.settings
        while self._ears and timestamp_ms - self._ears[0][0] > s.window_ms:
            self._ears.popleft()
        while self._blink_ms and timestamp_ms - self._blink_ms[0] > s.window_ms:
            self._blink_ms.popleft()
        right, left = eye_aspect_ratios(points)
        if len(self._ears) >= s.min_frames:
            base = np.median(np.array(self._ears)[:, 1:], axis=0)
            ratios = np.array([right, left]) / np.maximum(base, 1e-9)
            if self._closed_ms is None and bool(np.all(ratios < 1.0 - s.blink_drop)):
                self._closed_ms = timestamp_ms
            elif self._closed_ms is not None and bool(
                np.all(ratios > 1.0 - s.blink_reopen * s.blink_drop)
            ):
                if timestamp_ms - self._closed_ms <= s.blink_max_ms:
                    self._blinks += 1
                    self._blink_ms.append(timestamp_ms)
                self._closed_ms = None
        self._ears.append((timestamp_ms, right, left))

    def _decide(self, timestamp_ms: float) -> LivenessResult:
        s = self.settings
        state, reason = LivenessState.PENDING, ""
        if self._result.live:
            state, reason = LivenessState.LIVE, self._result.reason
        elif len(self._refs) >= s.min_frames and len(self._hits_ms) >= s.motion_hits:
            state, reason = LivenessState.LIVE, "motion"
        elif s.blinks_to_pass > 0 and len(self._blink_ms) >= s.blinks_to_pass:
            state, reason = LivenessState.LIVE, "blink"
        elif timestamp_ms - self._start_ms >= s.suspicious_after_ms:
            state, reason = LivenessState.SUSPICIOUS, "rigid"
        return LivenessResult(state, reason, self._blinks, self._max_residual, self._frames)
