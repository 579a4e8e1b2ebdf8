"""The one way faces are found: detect, mesh, confirm; for still photos, pad and upscale first.

The kiosk's camera loop, `kiosk analyze`, enrolment, bulk imports and `kiosk eval` all call
`FaceFinder.find`, so a face found in one is found in the others.

Confirmation: a detection is a face when the detector is sure, or when the face mesh sees a
face in it. Masks hide half the face and push the mesh's presence score towards 0, so a weak
detection the mesh does not confirm gets a second look: the mesh again on a wider crop (it
finds masked faces there), and the detector on the mirrored frame (a real face is found again
in the same place; the textures the short-range model fires on were not, on the demo clip and
the dev scenes).

Still photos are often cut tight around the face, or small: when no face is confirmed, the
photo is framed with a black border, then also enlarged; and on that last frame a detection
weaker than the detector's own threshold (down to `FinderRules.last_look_score`) is taken
when the face mesh, on its box or a wider crop, is sure it is a face. A masked face filling a
72-px photo scores 0.45 there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Protocol, TypeVar

import cv2
import numpy as np

from kiosk.core.detect_schedule import DetectorSchedule
from kiosk.core.geometry import iou as box_iou
from kiosk.core.types import FaceBox, FaceMesh, readonly
from kiosk.vision.detector import FaceDetector, MultiFaceDetector
from kiosk.vision.finder_records import FinderRules, FoundFace
from kiosk.vision.mesh import OrtFaceMesh
from kiosk.vision.runtime import ImageBGR

T = TypeVar("T")


class StageTimer(Protocol):
    """Accumulates the time of named stages ("detect", "landmarks")."""

    def time(self, stage: str, work: Callable[[], T]) -> T:
        """Run `work`, add its duration to `stage`, return its result."""
        ...


class _NoTimer:
    def time(self, stage: str, work: Callable[[], T]) -> T:
        return work()


RECHECK_FRAMES = 5
# Camera frames with more faces than this: faces that had a fresh mesh on the previous frame
# may reuse it (moved to the new box) so that about this many meshes run per frame; every face
# still gets a fresh mesh at least every other frame.
FRESH_MESHES_PER_FRAME = 2


class FaceFinder:
    """Detector + face mesh + the confirmation rules above."""

    def __init__(
        self, detector: FaceDetector | MultiFaceDetector, mesh: OrtFaceMesh, rules: FinderRules
    ) -> None:
        self.detector, self.mesh, self.rules = detector, mesh, rules
        # Camera frames: weak detections the second look rejected, with their age in frames.
        # The same texture at the same place is rejected again without a second look until
        # the memory is RECHECK_FRAMES old (the second look costs a mesh and a detector run).
        self._rejected: list[tuple[FaceBox, int]] = []
        self._previous: tuple[FoundFace, ...] = ()
        # Camera frames: the full-range detector only every few frames (kiosk.core.detect_schedule).
        self._schedule = DetectorSchedule(rules.scan_every)

    @property
    def scanned(self) -> bool:
        """Did every detector run on the last camera frame (not only the first)?"""
        return self._schedule.scanned

    def find(
        self, image_bgr: ImageBGR, *, still: bool = False, timer: StageTimer | None = None
    ) -> tuple[FoundFace, ...]:
        """Confirmed faces in a BGR uint8 (H, W, 3) image, most confident first.

        Args:
            image_bgr: the frame or photo.
            still: a single photo rather than a camera frame: retry padded, then padded and
                enlarged, when nothing is found.
            timer: receives the time spent in "detect" and "landmarks".
        """
        clock: StageTimer = timer or _NoTimer()
        if not still:
            return self._confirmed(image_bgr, clock, remember=True)
        found = self._confirmed(image_bgr, clock)
        if found:
            return found
        for enlarge in (False, True):
            framed, pad, scale = _frame(image_bgr, self.rules, enlarge=enlarge)
            if scale == 1.0 and enlarge:
                break  # enlarging would not change the padded image
            found = self._confirmed(framed, clock) or self._last_look(framed, enlarge, clock)
            if found:
                return tuple(_map_back(f, pad, scale, image_bgr.shape) for f in found)
        return ()

    def _last_look(
        self, framed: ImageBGR, enlarged: bool, clock: StageTimer
    ) -> tuple[FoundFace, ...]:
        """The most confident weak detection of a framed still, if the mesh is sure of it."""
        rules = self.rules
        if not enlarged and max(framed.shape[:2]) < rules.still_min_side_px:
            return ()  # the enlarged frame comes next and is the better look
        weak = clock.time("detect", partial(self.detector.detect, framed, rules.last_look_score))
        if not weak:
            return ()
        for margin in (None, rules.second_margin):
            look = partial(self.mesh.landmarks, framed, weak[0], margin)
            mesh = clock.time("landmarks", look)
            if mesh.presence >= rules.second_presence:
                return (FoundFace(weak[0], mesh, self.mesh.trusted(mesh), mesh.presence),)
        return ()

    def _confirmed(
        self, image_bgr: ImageBGR, clock: StageTimer, *, remember: bool = False
    ) -> tuple[FoundFace, ...]:
        boxes, first = self._detect(image_bgr, clock, remember=remember)
        reused = self._reusable(boxes) if remember else {}
        meshes = clock.time(
            "landmarks",
            lambda: [
                None if i in reused else self.mesh.landmarks(image_bgr, box)
                for i, box in enumerate(boxes)
            ],
        )
        mirror = _Mirror(self.detector, image_bgr, clock)
        known = [(b, age + 1) for b, age in self._rejected if age + 1 < RECHECK_FRAMES]
        rejected: list[tuple[FaceBox, int]] = []
        faces = []
        for index, (box, mesh) in enumerate(zip(boxes, meshes, strict=True)):
            if mesh is None:
                faces.append(_moved(reused[index], box))
                continue
            seen = next((age for b, age in known if box_iou(b.xyxy, box.xyxy) >= 0.5), None)
            if remember and seen is not None and self._needs_second_look(box, mesh):
                rejected.append((box, seen))
                continue
            face = self._confirm(image_bgr, box, mesh, mirror, clock)
            if face is not None:
                faces.append(face)
            elif remember:
                rejected.append((box, 0))
        if remember:
            self._rejected = rejected
            self._previous = tuple(faces)
        if first is not None:
            self._schedule.found(first, [f.box for f in faces])
        return tuple(faces)

    def _detect(
        self, image_bgr: ImageBGR, clock: StageTimer, *, remember: bool
    ) -> tuple[tuple[FaceBox, ...], tuple[FaceBox, ...] | None]:
        """The merged detections, and the first detector's own when the schedule applies."""
        multi = self.detector
        if not remember or not isinstance(multi, MultiFaceDetector):
            return clock.time("detect", lambda: multi.detect(image_bgr)), None
        use = self._schedule.use(len(multi.detectors))
        each = clock.time("detect", lambda: multi.detect_each(image_bgr, use))
        return multi.merge(each), each[0]

    def _reusable(self, boxes: tuple[FaceBox, ...]) -> dict[int, FoundFace]:
        """Boxes (by index) that may reuse last frame's fresh mesh of the same face."""
        spare = len(boxes) - FRESH_MESHES_PER_FRAME
        out: dict[int, FoundFace] = {}
        for index in reversed(range(len(boxes))):  # least confident detections first
            if len(out) >= spare:
                break
            match = next(
                (
                    f
                    for f in self._previous
                    if f.fresh and box_iou(f.box.xyxy, boxes[index].xyxy) >= 0.6
                ),
                None,
            )
            if match is not None:
                out[index] = match
        return out

    def _needs_second_look(self, box: FaceBox, mesh: FaceMesh) -> bool:
        rules = self.rules
        return mesh.presence < rules.face_presence and box.score < rules.sure_score

    def _confirm(
        self,
        image_bgr: ImageBGR,
        box: FaceBox,
        mesh: FaceMesh,
        mirror: _Mirror,
        clock: StageTimer,
    ) -> FoundFace | None:
        """The face, if the detector is sure, the mesh sees it, or a second look confirms it."""
        rules = self.rules
        presence = mesh.presence
        if self._needs_second_look(box, mesh):
            second = clock.time("landmarks", lambda: self._second_look(image_bgr, box))
            if second is not None:
                mesh = second
            elif not mirror.sees(box, rules.mirror_iou):
                return None
        return FoundFace(box, mesh, self.mesh.trusted(mesh), presence)

    def _second_look(self, image_bgr: ImageBGR, box: FaceBox) -> FaceMesh | None:
        """The mesh on a wider crop, if it sees a face there (masked faces often do)."""
        wider = self.mesh.landmarks(image_bgr, box, margin=self.rules.second_margin)
        return wider if wider.presence >= self.rules.second_presence else None


def _moved(face: FoundFace, box: FaceBox) -> FoundFace:
    """`face` with its mesh moved and scaled from its old box to `box` (not fresh)."""
    (ox1, oy1, ox2, oy2), (nx1, ny1, nx2, ny2) = face.box.xyxy, box.xyxy
    scale = (nx2 - nx1) / max(1e-6, ox2 - ox1)
    points = face.mesh.points_xyz.astype(np.float32, copy=True)
    points[:, 0] = (points[:, 0] - (ox1 + ox2) / 2) * scale + (nx1 + nx2) / 2
    points[:, 1] = (points[:, 1] - (oy1 + oy2) / 2) * scale + (ny1 + ny2) / 2
    points[:, 2] *= scale
    mesh = FaceMesh(readonly(points), face.mesh.presence)
    return FoundFace(box, mesh, face.trusted, face.presence, fresh=False)


class _Mirror:
    """The detector's boxes in the mirrored frame, computed on first use."""

    def __init__(self, detector: FaceDetector, image_bgr: ImageBGR, clock: StageTimer) -> None:
        self._detector, self._image, self._clock = detector, image_bgr, clock
        self._boxes: tuple[FaceBox, ...] | None = None

    def sees(self, box: FaceBox, min_iou: float) -> bool:
        """Is there a detection at the box's mirrored place, overlapping it by `min_iou`?"""
        if self._boxes is None:
            flipped = np.ascontiguousarray(self._image[:, ::-1])
            self._boxes = self._clock.time("detect", lambda: self._detector.detect(flipped))
        width = self._image.shape[1]
        x1, y1, x2, y2 = box.xyxy
        mirrored = (width - x2, y1, width - x1, y2)
        return any(box_iou(mirrored, other.xyxy) >= min_iou for other in self._boxes)


def _frame(
    image_bgr: ImageBGR, rules: FinderRules, *, enlarge: bool
) -> tuple[ImageBGR, int, float]:
    """The photo with a black border (and enlarged): (image, border px, scale)."""
    height, width = image_bgr.shape[:2]
    pad = round(rules.still_pad * max(height, width))
    framed = cv2.copyMakeBorder(image_bgr, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    side = max(framed.shape[:2])
    if not enlarge or side >= rules.still_min_side_px:
        return np.asarray(framed, np.uint8), pad, 1.0
    scale = rules.still_min_side_px / side
    big = cv2.resize(framed, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return np.asarray(big, np.uint8), pad, scale


def _map_back(face: FoundFace, pad: int, scale: float, shape: tuple[int, ...]) -> FoundFace:
    """A face found in a framed photo, in the original photo's pixels (box clipped to it)."""
    height, width = shape[0], shape[1]

    def x(v: float) -> float:
        return min(float(width), max(0.0, v / scale - pad))

    def y(v: float) -> float:
        return min(float(height), max(0.0, v / scale - pad))

    x1, y1, x2, y2 = face.box.xyxy
    box = replace(
        face.box,
        xyxy=(x(x1), y(y1), max(x(x2), x(x1) + 1.0), max(y(y2), y(y1) + 1.0)),
        keypoints_xy=tuple(
            (kx / scale - pad, ky / scale - pad) for kx, ky in face.box.keypoints_xy
        ),
    )
    points = face.mesh.points_xyz.astype(np.float32, copy=True)
    points[:, :2] = points[:, :2] / scale - pad
    points[:, 2] /= scale
    mesh = FaceMesh(readonly(points), face.mesh.presence)
    return FoundFace(box, mesh, face.trusted, face.presence)
