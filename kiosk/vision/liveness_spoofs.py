"""Presentation attacks made from one photo, as camera frames: what the liveness check must stop.

Each kind is a few seconds of 640x480 frames of a print (or a screen) in front of a camera:

- `still`: a print held perfectly still (sensor noise only).
- `moved`: a print in a hand, drifting in 3-D: shift, distance, tilt and turn (homographies).
- `tilted`: a print swung deliberately about both axes, up to 30 degrees, imitating a head turn.
- `bent`: a print bent around its vertical axis like a face (radius 120-250 mm), flexing and
  swung about, so its image moves by no homography.
- `rotated`: a print rolled in the image plane back and forth (up to 35 degrees).
- `blink`: a two-still phone animation: the photo and a copy with the eyelids warped shut
  (from the mesh's eye landmarks), closed 3 frames in 15, on a hand-held screen.
- `screen`: the photo replayed on a screen: moire, a rolling refresh band, a blue cast and
  per-frame hand jitter.
- `noisy`: a print moving a little, with strong sensor noise and JPEG compression per frame.

Everything is seeded: the same photo, kind and seed give the same frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.core.types import Frame
from kiosk.vision.eyelids import close_eyes
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.spoof_render import Camera, PrintPose, render
from kiosk.vision.still import largest_face

F64 = npt.NDArray[np.float64]


class SpoofKind(StrEnum):
    """The presentation attacks `spoof_frames` makes."""

    STILL = "still"
    MOVED = "moved"
    TILTED = "tilted"
    BENT = "bent"
    ROTATED = "rotated"
    BLINK = "blink"
    SCREEN = "screen"
    NOISY = "noisy"


@dataclass(frozen=True, slots=True)
class PrintMaterial:
    """A photo cut to a portrait print around its face, with and without its eyes shut.

    Attributes:
        open_bgr: the print's picture, uint8 (h, w, 3), the face about half its width.
        closed_bgr: the same with the eyelids warped shut.
    """

    open_bgr: ImageBGR
    closed_bgr: ImageBGR


_PRINT_WIDTH_PX = 480
_FACE_SHARE = 0.5  # face width / print width
_PRINT_MM, _PRINT_Z_MM = 240.0, 420.0  # a life-size print about 42 cm from the camera
_SCREEN_MM, _SCREEN_Z_MM = 140.0, 250.0  # a small tablet nearer the camera


def print_material(models: VisionModels, photo_bgr: ImageBGR) -> PrintMaterial | None:
    """Cut the largest face of `photo_bgr` to a print and shut its eyes; None if no face."""
    face = largest_face(models, photo_bgr)
    if face is None:
        return None
    points = np.asarray(face.mesh.points_xyz[:, :2], np.float64)
    closed = close_eyes(photo_bgr, points)
    (x1, y1), (x2, y2) = points.min(axis=0), points.max(axis=0)
    width = (x2 - x1) / _FACE_SHARE
    centre = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 0.05 * width)
    scale = _PRINT_WIDTH_PX / width
    size = (_PRINT_WIDTH_PX, round(_PRINT_WIDTH_PX * 4 / 3))
    warp = np.array(
        [
            [scale, 0.0, size[0] / 2.0 - scale * centre[0]],
            [0.0, scale, size[1] / 2.0 - scale * centre[1]],
        ]
    )

    def cut(image: ImageBGR) -> ImageBGR:
        out = cv2.warpAffine(image, warp, size, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)
        return np.asarray(out, np.uint8)

    return PrintMaterial(cut(photo_bgr), cut(closed))


def spoof_frames(
    material: PrintMaterial,
    kind: SpoofKind,
    *,
    seed: int = 0,
    fps: float = 15.0,
    seconds: float = 6.0,
    camera: Camera | None = None,
) -> Iterator[Frame]:
    """The frames of one attack, `fps` frames per second for `seconds` (timestamps from 0)."""
    camera = camera or Camera()
    rng = np.random.default_rng(seed)
    n = max(1, round(fps * seconds))
    t = np.arange(n) / fps
    background = _background(rng, camera)
    poses = _poses(kind, rng, t)
    on_screen = kind in (SpoofKind.SCREEN, SpoofKind.BLINK)
    width_mm = _SCREEN_MM if on_screen else _PRINT_MM
    for i, pose in enumerate(poses):
        closed = kind is SpoofKind.BLINK and round(t[i] * 15.0) % 15 >= 12  # 3 frames in 15
        texture = material.closed_bgr if closed else material.open_bgr
        image = render(texture, width_mm, pose, background, camera)
        image = _degrade(image, kind, rng, t[i])
        yield Frame(image, float(t[i] * 1000.0), i)


def _waves(rng: np.random.Generator, t: F64, channels: int, lo_hz: float, hi_hz: float) -> F64:
    """(n, channels) smooth random motion in [-1, 1]: two sinusoids per channel."""
    freq = rng.uniform(lo_hz, hi_hz, (2, channels))
    phase = rng.uniform(0.0, 2.0 * np.pi, (2, channels))
    wave = np.sin(2 * np.pi * freq[0] * t[:, None] + phase[0])
    wave += 0.5 * np.sin(2 * np.pi * freq[1] * t[:, None] + phase[1])
    return np.asarray(wave / 1.5, np.float64)


def _poses(kind: SpoofKind, rng: np.random.Generator, t: F64) -> list[PrintPose]:
    """Per frame: where the print is. Amplitudes: (x, y, z mm, yaw, pitch, roll deg, bend)."""
    amplitudes = {
        SpoofKind.STILL: (0, 0, 0, 0, 0, 0, 0),
        SpoofKind.MOVED: (30, 20, 60, 12, 10, 4, 0),
        SpoofKind.TILTED: (10, 10, 20, 30, 20, 3, 0),
        SpoofKind.BENT: (15, 10, 30, 25, 10, 3, 0.3),
        SpoofKind.ROTATED: (10, 10, 10, 3, 3, 35, 0),
        SpoofKind.BLINK: (8, 6, 15, 6, 5, 2, 0),
        SpoofKind.SCREEN: (4, 3, 8, 3, 3, 1, 0),
        SpoofKind.NOISY: (8, 6, 15, 5, 5, 2, 0),
    }[kind]
    wave = _waves(rng, t, 7, 0.25, 1.0) * np.asarray(amplitudes, np.float64)
    on_screen = kind in (SpoofKind.SCREEN, SpoofKind.BLINK)
    base = PrintPose(
        yaw_deg=float(rng.uniform(-6, 6)),
        pitch_deg=float(rng.uniform(-6, 6)),
        roll_deg=float(rng.uniform(-3, 3)),
        x_mm=float(rng.uniform(-20, 20)),
        z_mm=_SCREEN_Z_MM if on_screen else _PRINT_Z_MM,
        curvature_per_mm=1.0 / float(rng.uniform(120, 250)) if kind is SpoofKind.BENT else 0.0,
    )
    poses = []
    for w in wave:
        pose = replace(
            base,
            x_mm=base.x_mm + w[0],
            y_mm=base.y_mm + w[1],
            z_mm=base.z_mm + w[2],
            yaw_deg=base.yaw_deg + w[3],
            pitch_deg=base.pitch_deg + w[4],
            roll_deg=base.roll_deg + w[5],
            curvature_per_mm=base.curvature_per_mm * (1.0 + w[6]),
        )
        if kind is SpoofKind.SCREEN:  # a hand's tremor: independent every frame
            jitter = rng.normal(0.0, 1.0, 3)
            pose = replace(pose, x_mm=pose.x_mm + 1.5 * jitter[0], y_mm=pose.y_mm + 1.5 * jitter[1])
            pose = replace(pose, roll_deg=pose.roll_deg + 0.5 * jitter[2])
        poses.append(pose)
    return poses


def _background(rng: np.random.Generator, camera: Camera) -> ImageBGR:
    """A smooth, blotchy room-like background."""
    grey = rng.uniform(60.0, 190.0, (6, 8, 1))
    small = grey + rng.uniform(-15.0, 15.0, (6, 8, 3))
    size = (camera.width, camera.height)
    image = np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_CUBIC), np.float64)
    image += rng.normal(0.0, 4.0, image.shape)
    return np.asarray(np.clip(image, 0, 255), np.uint8)


def _degrade(image: ImageBGR, kind: SpoofKind, rng: np.random.Generator, t_s: float) -> ImageBGR:
    """Sensor noise for every kind; a screen's look or heavy compression for some."""
    pixels = image.astype(np.float64)
    if kind in (SpoofKind.SCREEN, SpoofKind.BLINK):
        h, w = image.shape[:2]
        yy, xx = np.mgrid[0:h, 0:w]
        moire = 1.0 + 0.06 * np.sin(2 * np.pi * (0.31 * xx + 0.17 * yy) + 7.0 * t_s)
        band = 1.0 + 0.12 * np.exp(-(((yy - (t_s * 400.0) % h) / 25.0) ** 2))
        pixels = pixels * (moire * band)[..., None] * np.array([1.08, 1.0, 0.93])
    sigma = 9.0 if kind is SpoofKind.NOISY else 2.0
    pixels += rng.normal(0.0, sigma, pixels.shape)
    out = np.asarray(np.clip(pixels, 0, 255), np.uint8)
    if kind is SpoofKind.NOISY:
        quality = int(rng.integers(15, 35))
        ok, data = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if ok:
            out = np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR), np.uint8)
    return out
