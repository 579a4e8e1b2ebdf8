"""Is the camera picture usable? Pure rules, fed one observation per frame (no Qt, no I/O).

The camera thread reports each frame's arrival time, mean brightness and size, and asks
`check` while it waits for the next one. The answer is a state:

* ``live``: frames arrive and show something;
* ``dark``: `dark_frames` frames in a row were nearly black (lens covered, lights off,
  a driver delivering empty buffers); frames still flow, and `light_frames` normal frames in
  a row make it live again;
* ``lost``: no frame for `stall_s` seconds (the driver stalled without an error).

A change of picture size is not a fault: frames of the new size flow on, and the verdict
says so once (so the change is logged and shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt


class CameraStatus(StrEnum):
    """What the kiosk knows of its camera: the health rules decide live, dark and lost."""

    STARTING = "starting"
    LIVE = "live"
    DARK = "dark"
    LOST = "lost"
    STOPPED = "stopped"


LIVE, DARK, LOST = CameraStatus.LIVE, CameraStatus.DARK, CameraStatus.LOST
DARK_DETAIL = "the picture is black: is the lens covered?"
_BRIGHTNESS_STRIDE = 8  # every 8th pixel in each direction: plenty for a mean, ~1/64 the work


@dataclass(frozen=True, slots=True)
class HealthSettings:
    """Thresholds of the camera health rules.

    Attributes:
        stall_s: seconds without a frame before the camera counts as lost.
        dark_level: mean brightness (0..255) below which a frame counts as black.
        dark_frames: black frames in a row before the state becomes dark.
        light_frames: normal frames in a row before a dark camera is live again.
    """

    stall_s: float = 3.0
    dark_level: float = 12.0
    dark_frames: int = 10
    light_frames: int = 3

    def __post_init__(self) -> None:
        if self.stall_s <= 0 or self.dark_frames < 1 or self.light_frames < 1:
            raise ValueError(f"HealthSettings needs stall_s > 0 and frame counts >= 1, got {self}")
        if not 0.0 <= self.dark_level <= 255.0:
            raise ValueError(f"dark_level must be in [0, 255], got {self.dark_level}")


@dataclass(frozen=True, slots=True)
class HealthVerdict:
    """The camera's state after an observation.

    Attributes:
        state: "live", "dark" or "lost".
        detail: what a person reads: why it is dark or lost, or what changed.
        changed: True when this observation changed the state or the picture size (report it).
    """

    state: CameraStatus
    detail: str
    changed: bool


def mean_brightness(image_bgr: npt.NDArray[np.uint8]) -> float:
    """Mean pixel value (0..255) of a uint8 (H, W, 3) image, over a sparse pixel grid."""
    sample = image_bgr[::_BRIGHTNESS_STRIDE, ::_BRIGHTNESS_STRIDE]
    return float(sample.mean()) if sample.size else 0.0


class CameraHealth:
    """Decides live / dark / lost from frame arrivals; one per opened source."""

    def __init__(self, settings: HealthSettings, started_s: float) -> None:
        """Start watching at `started_s` (monotonic seconds): the first frame is due within
        `settings.stall_s`."""
        self.settings = settings
        self._last_frame_s = started_s
        self._state = LIVE
        self._run = 0  # black frames in a row (live) or normal frames in a row (dark)
        self._shape: tuple[int, ...] | None = None

    @property
    def state(self) -> CameraStatus:
        """The current state."""
        return self._state

    def on_frame(self, now_s: float, brightness: float, shape: tuple[int, ...]) -> HealthVerdict:
        """A frame arrived at `now_s` with this mean brightness (0..255) and array shape."""
        self._last_frame_s = now_s
        resized = self._shape is not None and shape != self._shape
        previous_shape, self._shape = self._shape, shape
        if self._state == LOST:
            self._state, self._run = LIVE, 0
            return HealthVerdict(LIVE, "frames arrive again", True)
        state_changed = self._count(brightness < self.settings.dark_level)
        if state_changed:
            detail = DARK_DETAIL if self._state == DARK else "the picture is back"
            return HealthVerdict(self._state, detail, True)
        if resized and previous_shape is not None:
            detail = f"picture size changed from {_size(previous_shape)} to {_size(shape)}"
            if self._state == DARK:  # keep the reason the picture is unusable in front
                detail = f"{DARK_DETAIL} ({detail})"
            return HealthVerdict(self._state, detail, True)
        return HealthVerdict(self._state, "", False)

    def check(self, now_s: float) -> HealthVerdict:
        """No frame yet at `now_s`: lost once `stall_s` passed since the last one (or start)."""
        waited = now_s - self._last_frame_s
        if waited >= self.settings.stall_s and self._state != LOST:
            self._state, self._run = LOST, 0
            return HealthVerdict(LOST, f"no frames for {self.settings.stall_s:g} s", True)
        return HealthVerdict(self._state, "", False)

    def _count(self, black: bool) -> bool:
        """Count a frame towards leaving the current state; True when the state changed."""
        if self._state == LIVE:
            self._run = self._run + 1 if black else 0
            if self._run >= self.settings.dark_frames:
                self._state, self._run = DARK, 0
                return True
        else:
            self._run = self._run + 1 if not black else 0
            if self._run >= self.settings.light_frames:
                self._state, self._run = LIVE, 0
                return True
        return False


def _size(shape: tuple[int, ...]) -> str:
    return f"{shape[1]}x{shape[0]}" if len(shape) >= 2 else str(shape)
