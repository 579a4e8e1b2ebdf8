"""Frozen result types that cross thread and layer boundaries.

Conventions: boxes are `xyxy` in pixels of the frame they came from (floats, x right, y down);
scores are in [0, 1]; arrays are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import Valence

FloatArray = npt.NDArray[np.float32]


def readonly(array: npt.ArrayLike, dtype: type[np.float32] = np.float32) -> FloatArray:
    """A read-only float32 copy of `array`."""
    out = np.array(array, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, slots=True)
class FaceBox:
    """One detected face.

    Attributes:
        xyxy: (x1, y1, x2, y2) in frame pixels.
        score: detector confidence in [0, 1].
        keypoints_xy: BlazeFace's 6 keypoints in frame pixels, in its order: right eye, left eye
            (the subject's), nose tip, mouth centre, right ear tragion, left ear tragion.
    """

    xyxy: tuple[float, float, float, float]
    score: float
    keypoints_xy: tuple[tuple[float, float], ...] = ()

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.xyxy
        if not (x2 > x1 and y2 > y1):
            raise ValueError(f"FaceBox.xyxy must have x2 > x1 and y2 > y1, got {self.xyxy}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"FaceBox.score must be in [0, 1], got {self.score}")

    @property
    def width(self) -> float:
        """Box width in pixels."""
        return self.xyxy[2] - self.xyxy[0]

    @property
    def height(self) -> float:
        """Box height in pixels."""
        return self.xyxy[3] - self.xyxy[1]


@dataclass(frozen=True, slots=True)
class ClassScores:
    """A classifier's probabilities over its labels (they sum to 1)."""

    labels: tuple[str, ...]
    probs: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.probs):
            raise ValueError(
                f"ClassScores needs one prob per label: {len(self.labels)} labels, "
                f"{len(self.probs)} probs"
            )

    @property
    def top(self) -> str:
        """The most probable label."""
        return self.labels[int(np.argmax(self.probs))]

    @property
    def top_prob(self) -> float:
        """Probability of the most probable label."""
        return float(max(self.probs))

    def prob(self, label: str) -> float:
        """Probability of one label; KeyError naming the labels if it is not one of them."""
        try:
            return self.probs[self.labels.index(label)]
        except ValueError:
            raise KeyError(f"{label!r} is not one of {self.labels}") from None


@dataclass(frozen=True, slots=True)
class FaceMesh:
    """468 face-mesh landmarks for one face.

    Attributes:
        points_xyz: float32 (468, 3), read-only; x, y in frame pixels, z in the same scale
            (relative depth, smaller is nearer the camera).
        presence: the landmark model's face-presence score in [0, 1].
    """

    points_xyz: FloatArray
    presence: float

    def __post_init__(self) -> None:
        if self.points_xyz.shape != (468, 3):
            raise ValueError(f"FaceMesh.points_xyz must be (468, 3), got {self.points_xyz.shape}")


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera frame.

    Attributes:
        image_bgr: uint8 (H, W, 3) BGR pixels, read-only.
        timestamp_ms: capture time in milliseconds on a monotonic clock (video: position).
        index: frame number from the source, counting from 0.
    """

    image_bgr: npt.NDArray[np.uint8]
    timestamp_ms: float
    index: int

    def __post_init__(self) -> None:
        shape = self.image_bgr.shape
        if self.image_bgr.dtype != np.uint8 or len(shape) != 3 or shape[2] != 3:
            raise ValueError(
                f"Frame.image_bgr must be uint8 (H, W, 3), got {self.image_bgr.dtype} {shape}"
            )


@dataclass(frozen=True, slots=True)
class Quality:
    """How usable a face is for recognition and enrolment.

    Attributes:
        size_px: face box width in pixels.
        sharpness: variance of the Laplacian of the grey face crop (higher is sharper).
        yaw_deg, pitch_deg, roll_deg: head pose estimated from landmarks (0 = facing the camera;
            yaw positive when the face turns to the image's right, roll positive clockwise).
    """

    size_px: float
    sharpness: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a track is. `person_id` None means unknown.

    Attributes:
        person_id: gallery id of the person, or None for unknown.
        name: display name, or "" for unknown.
        distance: the best embedding distance supporting the decision (lower is closer),
            or None when the track has not been embedded yet.
        votes: how many embeddings of this track were counted.
    """

    person_id: int | None
    name: str
    distance: float | None
    votes: int

    @property
    def known(self) -> bool:
        """True when the track was matched to an enrolled person."""
        return self.person_id is not None


UNKNOWN = Identity(person_id=None, name="", distance=None, votes=0)


WITH_MASK = "with_mask"  # the mask model's label for a masked face


@dataclass(frozen=True, slots=True)
class FaceResult:
    """Everything the pipeline knows about one tracked face in one frame.

    Attributes:
        track_id: stable id of the person's track across frames.
        box: the detection in this frame.
        identity: the track's current identity decision (vote over frames).
        emotion: smoothed emotion probabilities of the track, or None before the first reading.
        valence: "positive", "neutral" or "negative" from the smoothed emotion, or None.
        mask: mask probabilities of the latest reading, or None before the first one.
        quality: quality of the face in this frame, or None when landmarks were not computed.
        mesh: landmarks in this frame, or None when not computed.
        live: the track passed the liveness check (natural motion or blinks that a photo
            cannot make); personalised content waits for it.
        expression: the shopper-facing reading, one of happy, angry, sad, neutral, surprised,
            confused (`kiosk.core.expression`), or None before the first emotion reading.
        blendshapes: the track's smoothed blendshape scores (each in [0, 1], not a
            distribution), or None when the landmarks were never trusted.
    """

    track_id: int
    box: FaceBox
    identity: Identity
    emotion: ClassScores | None
    valence: Valence | None
    mask: ClassScores | None
    quality: Quality | None
    mesh: FaceMesh | None
    live: bool = False
    expression: str | None = None
    blendshapes: ClassScores | None = None

    @property
    def personal(self) -> Identity:
        """The identity the kiosk may act on: the recognised person only once the track is
        live, else UNKNOWN. A photo held to the camera must not learn whether, or as whom,
        someone is enrolled, so nothing shown, recorded or suggested uses `identity` directly."""
        return self.identity if self.live and self.identity.known else UNKNOWN

    @property
    def masked(self) -> bool:
        """Whether the latest mask reading says the face wears a mask."""
        return self.mask is not None and self.mask.top == WITH_MASK


@dataclass(frozen=True, slots=True)
class StageTimes:
    """Milliseconds spent per stage on one frame (0 for a stage that did not run)."""

    detect_ms: float = 0.0
    landmarks_ms: float = 0.0
    embed_ms: float = 0.0
    emotion_ms: float = 0.0
    mask_ms: float = 0.0
    total_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class FrameResult:
    """The pipeline's answer for one frame: faces sorted by track id."""

    frame_index: int
    timestamp_ms: float
    width: int
    height: int
    faces: tuple[FaceResult, ...]
    times: StageTimes
