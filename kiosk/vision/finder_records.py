"""What `kiosk.vision.finder.FaceFinder` finds (`FoundFace`) and the rules it is given.

`FinderRules` come from the face mesh's manifest thresholds plus the still-photo and camera
scheduling defaults; `largest` picks the face enrolment, imports and evaluation use.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.types import FaceBox, FaceMesh
from kiosk.vision.manifest import ModelSpec


@dataclass(frozen=True, slots=True)
class FoundFace:
    """A confirmed face.

    Attributes:
        box: the detection, frame pixels.
        mesh: its landmarks (from the second, wider look when that confirmed the face).
        trusted: the landmarks are good enough for alignment, pose and embedding.
        presence: the mesh's presence score on the first look, in [0, 1] (a mask lowers it).
        fresh: the mesh was computed on this frame; False when, with a crowd in view, the
            face's mesh from the previous frame was moved to its new box instead (good for
            pose and drawing, not for embedding, blendshapes or liveness).
    """

    box: FaceBox
    mesh: FaceMesh
    trusted: bool
    presence: float
    fresh: bool = True

    @property
    def area(self) -> float:
        """Box area in square pixels."""
        return self.box.width * self.box.height


@dataclass(frozen=True, slots=True)
class FinderRules:
    """How detections are confirmed and how still photos are retried.

    Attributes:
        face_presence: mesh presence at or above which a detection is a face.
        sure_score: detector score at or above which a detection is a face without the mesh.
        second_margin: crop margin of the second mesh look (the manifest's margin is 0.25).
        second_presence: presence the second look needs.
        mirror_iou: IoU with a detection in the mirrored frame that confirms a face.
        still_pad: border added around a still photo, as a fraction of its longer side.
        still_min_side_px: a padded still smaller than this is enlarged to it.
        last_look_score: on the last framing of a still, detections down to this score are
            taken when the mesh confirms them (presence >= second_presence).
        scan_every: camera frames: detectors after the first run on every this many frames
            (and on every frame while a face only they find is in view).
    """

    face_presence: float = 0.1
    sure_score: float = 0.8
    second_margin: float = 0.6
    second_presence: float = 0.5
    mirror_iou: float = 0.65
    still_pad: float = 0.25
    still_min_side_px: int = 320
    last_look_score: float = 0.35
    scan_every: int = 3

    @classmethod
    def from_mesh_spec(cls, spec: ModelSpec) -> FinderRules:
        """Rules from the face mesh's manifest thresholds (defaults for those it lacks)."""
        t, default = spec.thresholds, cls()
        return cls(
            face_presence=t.get("face_presence", default.face_presence),
            sure_score=t.get("sure_score", default.sure_score),
            second_margin=t.get("second_margin", default.second_margin),
            second_presence=t.get("second_presence", default.second_presence),
            mirror_iou=t.get("mirror_iou", default.mirror_iou),
        )


def largest(faces: tuple[FoundFace, ...], *, trusted: bool = False) -> FoundFace | None:
    """The largest face (only among those with trusted landmarks when `trusted`)."""
    pool = [f for f in faces if f.trusted or not trusted]
    return max(pool, key=lambda f: f.area) if pool else None
