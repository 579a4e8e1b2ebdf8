"""How a face moved between two moments, split into what a photo can and cannot do.

Pure numpy on MediaPipe's 468-point face mesh (x, y in pixels, z relative depth in the same
scale) and on texture points (optical flow seeded at the mesh landmarks). Coordinates are
centred on the earlier mesh and divided by its inter-ocular distance, so every measure is in
inter-ocular distances (IOD), blind to where the face is and how big.

- **Nose shift** (`nose_shift`): how far the nose tip slid away from where a smooth (cubic) 2-D
  warp of the rest of the face puts it. Any sheet of paper or screen, flat or bent, moves its
  picture by a smooth warp (a homography, or a cylinder's projection), so the nose printed on
  it follows its surroundings. A real head turning or nodding moves the nose tip, ~0.6 IOD in
  front of the cheeks, across them. Measured twice: on the skin texture (what really moved)
  and on the mesh (what the landmark model believes; it draws a bent print's nose as if the
  head had turned, up to ~0.1 IOD).
- **Deformation** (`deformation`): what is left of the mesh's motion outside the eyes after the
  best smooth 2-D warp plus the parallax its own depth predicts (a rigid 3-D turn): the mouth,
  cheeks and brows changing shape. The eyes are left out on purpose, so eyelids (a blink, or a
  photo whose eyelids were warped shut) add nothing here.
- **Roll and size** (`MeshPose`, `texture_pose`): the mesh model crops faces upright, so it
  redraws a print that is rolled or moved nearer; comparisons keep to like roll and size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

# Eye contours, corner to corner (subject's right eye, then left eye).
RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
LEFT_EYE = (362, 382, 381, 380, 374, 373, 390, 249, 263, 466, 388, 387, 386, 385, 384, 398)
NOSE_TIP = (1, 2, 4, 5, 19, 94, 195)  # the tip and the lowest part of the ridge
EYE_CORNERS = (33, 133, 362, 263)  # outer and inner corners (right eye, then left eye)
LIPS = (
    0, 13, 14, 17, 37, 39, 40, 61, 78, 80, 81, 82, 84, 87, 88, 91, 95, 146, 178, 181, 185, 191,
    267, 269, 270, 291, 308, 310, 311, 312, 314, 317, 318, 321, 324, 375, 402, 405, 409, 415,
)  # fmt: skip
# Region radii around their centres, in IOD: eyes (lids, lashes and the skin that a warped
# eyelid drags along), the nose (left out of the warp that predicts it) and the mouth.
EYE_RADIUS, NOSE_RADIUS, MOUTH_RADIUS = 0.375, 0.45, 0.6
_MIN_FRAME_POINTS, _MIN_TIP_POINTS = 30, 4  # followed points needed to measure parallax
_OUTLIER_FACTOR = 3.0  # frame points this many median errors off the warp are left out


@dataclass(frozen=True, slots=True)
class MeshPose:
    """A (smoothed) mesh prepared for comparisons.

    Attributes:
        xy: (468, 2) float64 landmarks in pixels.
        z: (468,) relative depth, same scale as xy.
        iod_px: distance between the eye centres in pixels.
        roll_deg: angle of the line from the right to the left eye centre in the image.
    """

    xy: F64
    z: F64
    iod_px: float
    roll_deg: float


@dataclass(frozen=True, slots=True)
class TexturePoints:
    """Skin texture followed from frame to frame by optical flow, seeded at the mesh landmarks.

    Unlike the mesh, which the landmark model redraws from what it expects a face to look like,
    these points stay on the image texture they started on: on a print they follow the paper.

    Attributes:
        seed: a new number each time the points were placed afresh on the mesh; points are
            comparable only within one seed.
        xy: (468, 2) float64 pixel positions, row i seeded at mesh landmark i; read-only.
        ok: (468,) bool, followed reliably in every frame since the seed; read-only.
    """

    seed: int
    xy: F64
    ok: Mask


def mesh_pose(points_xyz: F64) -> MeshPose:
    """Prepare a (468, 3) mesh: split xy and z, measure IOD and roll."""
    xy = np.asarray(points_xyz[:, :2], np.float64)
    right = xy[list(RIGHT_EYE)].mean(axis=0)
    left = xy[list(LEFT_EYE)].mean(axis=0)
    dx, dy = left - right
    return MeshPose(
        xy=xy,
        z=np.asarray(points_xyz[:, 2], np.float64),
        iod_px=float(np.hypot(dx, dy)),
        roll_deg=float(np.degrees(np.arctan2(dy, dx))),
    )


def mean_pose(poses: list[MeshPose]) -> MeshPose:
    """The landmark-wise mean of several meshes of one face."""
    xyz = np.mean([np.column_stack([p.xy, p.z]) for p in poses], axis=0)
    return mesh_pose(xyz)


def eye_aspect_ratios(points_xy: F64) -> tuple[float, float]:
    """(right, left) eye aspect ratio of a (468, 2+) mesh: lid gaps over eye width."""

    def ratio(idx: tuple[int, int, int, int, int, int]) -> float:
        p1, p2, p3, p4, p5, p6 = (points_xy[i, :2] for i in idx)
        width = float(np.linalg.norm(p1 - p4))
        gaps = float(np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5))
        return gaps / (2.0 * width) if width > 0 else 0.0

    return ratio((33, 160, 158, 133, 153, 144)), ratio((362, 385, 387, 263, 373, 380))


@dataclass(frozen=True, slots=True)
class Baseline:
    """An earlier moment prepared for comparisons (built once, compared with many later ones).

    Attributes:
        centre: (2,) pixel centre of the mesh; coordinates are taken relative to it.
        scale: inter-ocular distance in pixels; coordinates are divided by it.
        frame: (468,) the points outside eyes, nose and mouth (what the smooth warp is fitted on).
        outside_eyes: (468,) the points outside the eyes.
        mesh_cubic: (468, 10) cubic monomials of the normalised mesh.
        rigid: (468, 7) quadratic monomials and depth of the normalised mesh.
        texture: the texture points of that moment, or None.
        texture_cubic: (468, 10) cubic monomials of the normalised texture points, or None.
    """

    centre: F64
    scale: float
    frame: Mask
    outside_eyes: Mask
    mesh_cubic: F64
    rigid: F64
    texture: TexturePoints | None
    texture_cubic: F64 | None


def baseline(pose: MeshPose, texture: TexturePoints | None) -> Baseline:
    """Prepare a moment (its mesh and texture points) to be compared with later ones."""
    scale = max(pose.iod_px, 1e-9)
    centre = pose.xy.mean(axis=0)
    src = (pose.xy - centre) / scale
    eyes, nose, mouth = _regions(src)
    depth = (pose.z - pose.z.mean()) / scale
    texture_cubic = None
    if texture is not None:
        texture_cubic = _polynomial((texture.xy - centre) / scale, 3)
    return Baseline(
        centre=centre,
        scale=scale,
        frame=~(eyes | nose | mouth),
        outside_eyes=~eyes,
        mesh_cubic=_polynomial(src, 3),
        rigid=np.column_stack([_polynomial(src, 2), depth]),
        texture=texture,
        texture_cubic=texture_cubic,
    )


def deformation(before: Baseline, after: MeshPose) -> float:
    """RMS distance (IOD) of the mesh points outside the eyes, from where a smooth 2-D warp of
    `before` plus the parallax of its own depth (a rigid 3-D turn) put them in `after`: how
    much the face changed shape."""
    dst = ((after.xy - before.centre) / before.scale)[before.outside_eyes]
    rigid = before.rigid[before.outside_eyes]
    residual = dst - rigid @ _solve(rigid, dst)
    return float(np.sqrt(np.mean(np.sum(residual**2, axis=1))))


@dataclass(frozen=True, slots=True)
class NoseShift:
    """How far the nose tip slid across the face between two moments (IOD of the earlier mesh).

    Attributes:
        texture: (2,) the shift of the skin texture at the nose tip, from optical flow.
        mesh: (2,) the shift of the mesh's nose-tip landmarks.
    """

    texture: F64
    mesh: F64

    def agreement(self) -> float:
        """Cosine of the angle between the two shifts (0 when either is zero)."""
        norms = float(np.linalg.norm(self.texture) * np.linalg.norm(self.mesh))
        return float(self.texture @ self.mesh) / norms if norms > 0 else 0.0


_ALL = np.ones(468, np.bool_)


def nose_shift(before: Baseline, after: MeshPose, texture: TexturePoints) -> NoseShift | None:
    """The nose tip's shift against a smooth (cubic) warp of the rest of the face, measured on
    the texture and on the mesh; None without texture points of the same seed in `before`, or
    when too few were followed to tell.

    A flat or bent sheet moves its picture by a smooth warp, so its nose texture shows no
    shift; the mesh model may still draw one (it expects a head). A real head shows both.
    """
    old = before.texture
    if old is None or before.texture_cubic is None or old.seed != texture.seed:
        return None
    moved = _shift(
        before.texture_cubic,
        (texture.xy - before.centre) / before.scale,
        before.frame,
        old.ok & texture.ok,
    )
    drawn = _shift(before.mesh_cubic, (after.xy - before.centre) / before.scale, before.frame, _ALL)
    if moved is None or drawn is None:
        return None
    return NoseShift(moved, drawn)


def texture_pose(points: TexturePoints) -> tuple[float, float]:
    """(roll in degrees, inter-ocular distance in pixels) of the texture points' eye corners.

    A corner the flow lost keeps the position it was lost at. Requiring all four followed was
    tried: on a real face a corner is often lost early, and on one of the two real-person
    videos the median time to live went from 0.96 s to 2.92 s (`kiosk bench liveness`); the
    roll and size gates absorb a stale corner instead.
    """
    right = points.xy[list(EYE_CORNERS[:2])].mean(axis=0)
    left = points.xy[list(EYE_CORNERS[2:])].mean(axis=0)
    dx, dy = left - right
    return float(np.degrees(np.arctan2(dy, dx))), float(np.hypot(dx, dy))


def roll_difference(a_deg: float, b_deg: float) -> float:
    """`a_deg - b_deg` wrapped to [-180, 180): rolls of 179 and -179 degrees are 2 apart."""
    return (a_deg - b_deg + 180.0) % 360.0 - 180.0


def _shift(cubic: F64, dst: F64, frame: Mask, ok: Mask) -> F64 | None:
    """Median residual (2,) of the nose-tip points from a cubic warp fitted to the frame points;
    frame points far off the first fit (lost flow, a hand in the way) are left out of a refit."""
    fit = frame & ok
    tips = [i for i in NOSE_TIP if ok[i]]
    if int(fit.sum()) < _MIN_FRAME_POINTS or len(tips) < _MIN_TIP_POINTS:
        return None
    coef = _solve(cubic[fit], dst[fit])
    error = np.linalg.norm(dst - cubic @ coef, axis=1)
    inliers = fit & (error <= max(_OUTLIER_FACTOR * float(np.median(error[fit])), 1e-9))
    if int(inliers.sum()) >= _MIN_FRAME_POINTS:
        coef = _solve(cubic[inliers], dst[inliers])
    return np.asarray(np.median(dst[tips] - cubic[tips] @ coef, axis=0), np.float64)


def _regions(src: F64) -> tuple[Mask, Mask, Mask]:
    """Eye, nose and mouth masks of a normalised mesh (IOD 1)."""

    def near(centre: F64, radius: float) -> Mask:
        return np.asarray(np.hypot(*(src - centre).T) < radius, np.bool_)

    eyes = near(src[list(RIGHT_EYE)].mean(axis=0), EYE_RADIUS)
    eyes |= near(src[list(LEFT_EYE)].mean(axis=0), EYE_RADIUS)
    nose = near(src[1], NOSE_RADIUS)
    mouth = near(src[list(LIPS)].mean(axis=0), MOUTH_RADIUS)
    return eyes, nose, mouth


def _polynomial(src: F64, degree: int) -> F64:
    """(n, terms) monomials x^i y^j with i + j <= degree."""
    x, y = src[:, 0], src[:, 1]
    terms = [x**i * y ** (d - i) for d in range(degree + 1) for i in range(d + 1)]
    return np.column_stack(terms)


def _solve(design: F64, target: F64) -> F64:
    """Least-squares coefficients of `design @ coef ~ target`."""
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return np.asarray(coef, np.float64)
