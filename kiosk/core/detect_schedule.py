"""Which face detectors run on a camera frame.

The kiosk runs two BlazeFace models: the short-range one (cheap, 128 px input) finds faces near
the screen, the full-range one (192 px, about twice the cost) also finds small, far faces. On a
camera stream the full-range model is needed only to discover far faces and to keep finding
the ones only it sees, so it runs on every `scan_every`-th frame, and on every frame while a
face that the first model did not find is in view. A far face walking in is found at most
`scan_every - 1` frames late; the tracker bridges much longer gaps. Still photos always use
every detector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.core.geometry import iou
from kiosk.core.types import FaceBox


@dataclass(slots=True)
class DetectorSchedule:
    """Decides per camera frame which detectors run; the first one always does.

    Attributes:
        scan_every: the other detectors run at least on every this many frames (1: always).
        cover_iou: a face counts as found by the first detector when one of its boxes
            overlaps the face's box at least this much (the detectors' merge IoU).
    """

    scan_every: int = 3
    cover_iou: float = 0.3
    _frame: int = 0
    _others_needed: bool = True
    _scanned: bool = False

    def __post_init__(self) -> None:
        if self.scan_every < 1:
            raise ValueError(f"scan_every must be at least 1, got {self.scan_every}")

    @property
    def scanned(self) -> bool:
        """Did the last frame use every detector?"""
        return self._scanned

    def use(self, detectors: int) -> tuple[bool, ...]:
        """Which of `detectors` detectors run on the next frame (call once per frame)."""
        scan = self._others_needed or self._frame % self.scan_every == 0
        self._frame += 1
        self._scanned = scan
        return (True,) + (scan,) * (detectors - 1)

    def found(self, first: Sequence[FaceBox], faces: Sequence[FaceBox]) -> None:
        """Report the frame's outcome: the first detector's boxes and the confirmed faces.

        When every detector ran and a confirmed face was not among the first detector's
        boxes, every detector runs on the next frame too.
        """
        self._others_needed = self._scanned and any(
            all(iou(face.xyxy, box.xyxy) < self.cover_iou for box in first) for face in faces
        )
