"""Liveness from the face mesh and the skin texture: a photo, however it is moved, bent,
rolled, replayed on a screen or animated, must not unlock a shopper's data.

Two sensors watch each track over a short window (geometry in `kiosk.core.face_motion`):

- the **texture**: optical-flow points on the skin (`kiosk.vision.texture_motion`). On any sheet
  of paper or screen, flat or bent, the picture moves by a smooth warp, so the nose texture
  never slides across the cheeks; on a real head turning or nodding it does (parallax).
- the **mesh** model: where it draws the nose tip, whether the face outside the eyes changes
  shape (deformation), whether the eyes blink.

Each sensor alone is fooled by something: the mesh model redraws a bent print's nose as if the
head had turned, redraws the mouth when a print is rolled or moved nearer, and "blinks" at a
photo whose eyelids were warped shut; the texture flow slips on a screen's moire and rolling
refresh band and follows a hand moved in front of the face. So a track goes LIVE only when the
two sensors agree:

- **parallax**: the nose texture slid across the face (>= `parallax_to_pass`) and the mesh's
  nose moved the same way (cosine >= `min_agreement`, at least `mesh_confirm_to_pass`); or
- a large **texture** shift (>= `texture_to_pass`) together with mesh **deformation** beyond
  the eyelids (the face changing shape while it moves).

No cue alone ever passes, and a **blink** never counts at all: a two-still animation makes the
mesh blink and, in the same frames, drags the flow around the swapped eyelids. A swung bent
print moves the mesh's nose but not its texture; a screen's moire moves the texture but not
the mesh. Motion cues are compared only between moments with
about the same roll and size (the mesh model, cropped upright, redraws faces it sees rolled or
rescaled), and only within `window_ms`.

Pure numpy. One `LivenessTracker` per track: `tracker.update(timestamp_ms, mesh, texture)` per
frame, in time order.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from kiosk.core.blinks import BlinkCounter, HitWindow
from kiosk.core.face_motion import (
    Baseline,
    MeshPose,
    TexturePoints,
    baseline,
    deformation,
    mean_pose,
    mesh_pose,
    nose_shift,
    roll_difference,
    texture_pose,
)
from kiosk.core.types import FaceMesh


class LivenessState(StrEnum):
    """What the tracker has concluded about a track so far."""

    PENDING = "pending"  # not enough evidence yet
    LIVE = "live"  # texture and mesh agreed within one window (kept until the tracker resets)
    SUSPICIOUS = "suspicious"  # watched for `suspicious_after_ms` without passing


class Cue(StrEnum):
    """Evidence that a face is a live head."""

    PARALLAX = "parallax"  # texture and mesh agree the nose slid across the face
    TEXTURE = "texture"  # the nose texture slid far, whatever the mesh says
    DEFORMATION = "deformation"  # the mesh changed shape outside the eyes
    BLINK = "blink"  # the mesh's eyes closed and opened (reported, never enough to pass)


@dataclass(frozen=True, slots=True)
class LivenessSettings:
    """Thresholds, tuned with `kiosk bench liveness` on real-person videos against spoofs.

    Distances are in inter-ocular distances (IOD) of the face.

    Attributes:
        window_ms: evidence window; references and hits older than this are forgotten.
        max_gap_ms: a longer gap between meshes (or time going backwards) resets the tracker,
            including a LIVE verdict.
        smooth_ms: meshes this recent are averaged before comparing (damps mesh noise).
        ref_interval_ms: moments are kept as references at most this often.
        min_pair_ms: a reference must be at least this old to be compared with.
        max_compared: references compared per frame at most, spread over the window (bounds
            the work per frame to a few small least-squares fits).
        max_roll_deg, max_scale_change: mesh cues (deformation) compare only moments whose
            mesh roll differs by at most this many degrees and size by this fraction, each
            steady inside its smoothing window.
        texture_max_roll_deg, texture_max_scale_change: the same for the texture cues, on the
            texture points' own roll and size.
        parallax_to_pass: nose texture shift that counts when the mesh agrees.
        min_agreement: cosine between texture and mesh nose shifts that counts as agreeing.
        mesh_confirm_to_pass: the mesh's own nose shift needed to agree at all.
        texture_to_pass: nose texture shift that counts without the mesh's agreement.
        deformation_to_pass: mesh deformation outside the eyes that counts.
        hits_to_pass: updates (at least `hit_spacing_ms` apart) a cue needs within the window.
        hit_spacing_ms: the shortest time between two counted hits of one cue.
        blink_drop: EAR below `(1 - blink_drop) * baseline` on both eyes counts as closed.
        blink_reopen: EAR above `(1 - blink_reopen * blink_drop) * baseline` counts as open again.
        blink_max_ms: the longest closure counted as a blink (longer is eyes shut).
        min_blink_frames: EAR samples needed for a baseline before blinks count.
        suspicious_after_ms: observed this long without passing -> SUSPICIOUS.
    """

    window_ms: float = 1500.0
    max_gap_ms: float = 500.0
    smooth_ms: float = 140.0
    ref_interval_ms: float = 100.0
    min_pair_ms: float = 150.0
    max_compared: int = 5
    max_roll_deg: float = 3.0
    max_scale_change: float = 0.05
    texture_max_roll_deg: float = 8.0
    texture_max_scale_change: float = 0.15
    parallax_to_pass: float = 0.035
    min_agreement: float = 0.8
    mesh_confirm_to_pass: float = 0.015
    texture_to_pass: float = 0.08
    deformation_to_pass: float = 0.025
    hits_to_pass: int = 1
    hit_spacing_ms: float = 60.0
    blink_drop: float = 0.25
    blink_reopen: float = 0.5
    blink_max_ms: float = 400.0
    min_blink_frames: int = 6
    suspicious_after_ms: float = 6000.0

    def __post_init__(self) -> None:
        if self.window_ms <= 0 or self.max_gap_ms <= 0 or self.smooth_ms < 0:
            raise ValueError(
                "window_ms and max_gap_ms must be > 0 and smooth_ms >= 0, got "
                f"{self.window_ms}, {self.max_gap_ms}, {self.smooth_ms}"
            )
        if self.hits_to_pass < 1 or self.min_blink_frames < 2 or self.max_compared < 1:
            raise ValueError(
                "hits_to_pass and max_compared must be >= 1 and min_blink_frames >= 2, got "
                f"{self.hits_to_pass}, {self.max_compared}, {self.min_blink_frames}"
            )
        if not -1.0 <= self.min_agreement <= 1.0:
            raise ValueError(f"min_agreement must be a cosine in [-1, 1], got {self.min_agreement}")
        if not 0.0 < self.blink_drop < 1.0 or not 0.0 < self.blink_reopen <= 1.0:
            raise ValueError(
                "blink_drop must be in (0, 1) and blink_reopen in (0, 1], got "
                f"{self.blink_drop}, {self.blink_reopen}"
            )


def passes(cues: frozenset[Cue]) -> bool:
    """The rule: the texture and the mesh agree that this is a live head. A blink never takes
    part: the eyelid swap of a photo animation makes the mesh blink and drags the flow around
    the eyes in the same frames, so the two would not be independent witnesses."""
    return Cue.PARALLAX in cues or (Cue.TEXTURE in cues and Cue.DEFORMATION in cues)


@dataclass(frozen=True, slots=True)
class LivenessResult:
    """The tracker's verdict after one update.

    Attributes:
        state: PENDING, LIVE or SUSPICIOUS.
        reason: the cues seen when it went live, e.g. "blink+texture"; "rigid" when SUSPICIOUS.
        cues: the cues seen within the current window, sorted.
        blinks: blinks counted since the last reset.
        max_parallax: largest agreed nose shift (texture, IOD) since the last reset.
        max_texture: largest nose texture shift (IOD) since the last reset.
        max_deformation: largest mesh deformation (IOD) since the last reset.
        frames_seen: meshes used since the last reset.
    """

    state: LivenessState
    reason: str
    cues: tuple[Cue, ...]
    blinks: int
    max_parallax: float
    max_texture: float
    max_deformation: float
    frames_seen: int

    @property
    def live(self) -> bool:
        """True once the track has shown it is a live face."""
        return self.state is LivenessState.LIVE


PENDING = LivenessResult(LivenessState.PENDING, "", (), 0, 0.0, 0.0, 0.0, 0)


@dataclass(frozen=True, slots=True)
class _Moment:
    """A (smoothed) mesh with the texture points of the same frame."""

    timestamp_ms: float
    pose: MeshPose
    steady: bool  # roll and size were steady inside its smoothing window
    texture: TexturePoints | None


@dataclass(frozen=True, slots=True)
class _Reference:
    """An earlier moment kept for comparisons, prepared once."""

    moment: _Moment
    base: Baseline


class LivenessTracker:
    """Liveness of one face track, fed every frame's mesh and texture points in time order."""

    def __init__(self, settings: LivenessSettings | None = None) -> None:
        self.settings = settings or LivenessSettings()
        self._reset(0.0)

    def _reset(self, timestamp_ms: float) -> None:
        s = self.settings
        self._start_ms = timestamp_ms
        self._last_ms: float | None = None
        self._recent: deque[tuple[float, MeshPose]] = deque()
        self._refs: deque[_Reference] = deque()
        self._hits: dict[Cue, HitWindow] = {
            cue: HitWindow(s.hit_spacing_ms) for cue in Cue if cue is not Cue.BLINK
        }
        self._blinks = BlinkCounter(
            window_ms=s.window_ms,
            drop=s.blink_drop,
            reopen=s.blink_reopen,
            max_ms=s.blink_max_ms,
            min_frames=s.min_blink_frames,
        )
        self._max = {cue: 0.0 for cue in Cue}
        self._frames = 0
        self._result = PENDING

    def update(
        self, timestamp_ms: float, mesh: FaceMesh | None, texture: TexturePoints | None = None
    ) -> LivenessResult:
        """Add one frame; a None mesh (not computed or untrusted) leaves the verdict as it was.

        Args:
            timestamp_ms: the frame's time.
            mesh: the track's face mesh in this frame.
            texture: the track's optical-flow points in this frame; without them no cue of
                the texture can pass, so the track cannot go live.
        """
        if mesh is None:
            return self._result
        if not math.isfinite(timestamp_ms):  # a broken clock: forget everything, use nothing
            self._reset(0.0)
            return self._result
        last = self._last_ms
        if last is None or timestamp_ms <= last or timestamp_ms - last > self.settings.max_gap_ms:
            self._reset(timestamp_ms)
        self._last_ms = timestamp_ms
        pose = mesh_pose(np.asarray(mesh.points_xyz, np.float64))
        if not math.isfinite(pose.iod_px) or pose.iod_px <= 0.0:
            return self._result
        self._frames += 1
        self._blinks.update(timestamp_ms, pose)
        self._update_motion(self._moment(timestamp_ms, pose, texture))
        self._result = self._decide(timestamp_ms)
        return self._result

    def _moment(
        self, timestamp_ms: float, pose: MeshPose, texture: TexturePoints | None
    ) -> _Moment:
        """This frame, with the mesh averaged over the last `smooth_ms`."""
        self._recent.append((timestamp_ms, pose))
        while timestamp_ms - self._recent[0][0] > self.settings.smooth_ms:
            self._recent.popleft()
        poses = [p for _, p in self._recent]
        rolls = [roll_difference(p.roll_deg, pose.roll_deg) for p in poses]  # around this one
        sizes = [p.iod_px for p in poses]
        steady = (
            max(rolls) - min(rolls) <= self.settings.max_roll_deg
            and math.log(max(sizes) / min(sizes)) <= self.settings.max_scale_change
        )
        return _Moment(timestamp_ms, mean_pose(poses), steady, texture)

    def _update_motion(self, now: _Moment) -> None:
        s = self.settings
        while self._refs and now.timestamp_ms - self._refs[0].moment.timestamp_ms > s.window_ms:
            self._refs.popleft()
        for ref in self._compared(now.timestamp_ms):
            self._compare_texture(ref, now)
            if _same_pose(ref.moment, now, s.max_roll_deg, s.max_scale_change):
                changed = deformation(ref.base, now.pose)
                self._hit(Cue.DEFORMATION, now.timestamp_ms, changed, s.deformation_to_pass)
        last = self._refs[-1].moment.timestamp_ms if self._refs else None
        if last is None or now.timestamp_ms - last >= s.ref_interval_ms:
            self._refs.append(_Reference(now, baseline(now.pose, now.texture)))

    def _compared(self, timestamp_ms: float) -> list[_Reference]:
        """At most `max_compared` references old enough, spread evenly over the window."""
        s = self.settings
        old = [r for r in self._refs if timestamp_ms - r.moment.timestamp_ms >= s.min_pair_ms]
        if len(old) <= s.max_compared:
            return old
        picks = np.linspace(0, len(old) - 1, s.max_compared).round().astype(int)
        return [old[i] for i in sorted(set(picks.tolist()))]

    def _compare_texture(self, ref: _Reference, now: _Moment) -> None:
        s = self.settings
        if ref.moment.texture is None or now.texture is None:
            return
        roll_a, size_a = texture_pose(ref.moment.texture)
        roll_b, size_b = texture_pose(now.texture)
        if abs(roll_difference(roll_a, roll_b)) > s.texture_max_roll_deg:
            return
        if min(size_a, size_b) <= 0 or abs(math.log(size_a / size_b)) > s.texture_max_scale_change:
            return
        shift = nose_shift(ref.base, now.pose, now.texture)
        if shift is None:
            return
        texture = float(np.linalg.norm(shift.texture))
        self._hit(Cue.TEXTURE, now.timestamp_ms, texture, s.texture_to_pass)
        agreed = (
            shift.agreement() >= s.min_agreement
            and float(np.linalg.norm(shift.mesh)) >= s.mesh_confirm_to_pass
        )
        self._hit(Cue.PARALLAX, now.timestamp_ms, texture if agreed else 0.0, s.parallax_to_pass)

    def _hit(self, cue: Cue, timestamp_ms: float, value: float, needed: float) -> None:
        self._max[cue] = max(self._max[cue], value)
        if value >= needed:
            self._hits[cue].add(timestamp_ms)

    def _decide(self, timestamp_ms: float) -> LivenessResult:
        s = self.settings
        seen: set[Cue] = {
            cue
            for cue, hits in self._hits.items()
            if hits.count(timestamp_ms, s.window_ms) >= s.hits_to_pass
        }
        if self._blinks.hits.count(timestamp_ms, s.window_ms) >= 1:
            seen.add(Cue.BLINK)
        cues = tuple(sorted(seen))
        state, reason = LivenessState.PENDING, ""
        if self._result.live:
            state, reason = LivenessState.LIVE, self._result.reason
        elif passes(frozenset(seen)):
            state, reason = LivenessState.LIVE, "+".join(cues)
        elif timestamp_ms - self._start_ms >= s.suspicious_after_ms:
            state, reason = LivenessState.SUSPICIOUS, "rigid"
        return LivenessResult(
            state,
            reason,
            cues,
            self._blinks.total,
            self._max[Cue.PARALLAX],
            self._max[Cue.TEXTURE],
            self._max[Cue.DEFORMATION],
            self._frames,
        )


def _same_pose(a: _Moment, b: _Moment, max_roll_deg: float, max_scale_change: float) -> bool:
    """Both moments steady, and about the same roll and size of the mesh."""
    return (
        a.steady
        and b.steady
        and abs(roll_difference(a.pose.roll_deg, b.pose.roll_deg)) <= max_roll_deg
        and abs(math.log(a.pose.iod_px / b.pose.iod_px)) <= max_scale_change
    )
