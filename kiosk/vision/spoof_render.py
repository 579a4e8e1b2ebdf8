"""Render a printed photo held in front of a pinhole camera: flat or bent, anywhere in 3-D.

The print is a rectangle of paper `width_mm` wide carrying a texture (the photo). Its pose is a
rotation (yaw about the vertical axis, pitch about the horizontal axis, roll in the image plane)
and a translation in millimetres from the camera (x right, y down, z away from the camera). A
bent print is a cylinder around the print's vertical axis, bulging towards the camera like a
face, with `curvature_per_mm = 1 / radius`. Each output pixel's ray is intersected with the
print and the texture sampled there (inverse mapping with `cv2.remap`), so flat prints move by an
exact homography and bent prints by the true cylinder projection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.vision.runtime import ImageBGR

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Camera:
    """A pinhole camera: frame size in pixels, focal length in pixels, centred principal point."""

    width: int = 640
    height: int = 480
    focal_px: float = 560.0


@dataclass(frozen=True, slots=True)
class PrintPose:
    """Where the print is in one frame.

    Attributes:
        yaw_deg, pitch_deg, roll_deg: rotation of the print (degrees).
        x_mm, y_mm, z_mm: the print centre relative to the camera (z > 0 is in front).
        curvature_per_mm: 0 for a flat print, 1 / radius for a print bent around its vertical
            axis (centre nearer the camera than the sides).
    """

    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    x_mm: float = 0.0
    y_mm: float = 0.0
    z_mm: float = 500.0
    curvature_per_mm: float = 0.0


def rotation(pose: PrintPose) -> F64:
    """The print-to-camera rotation matrix (roll @ pitch @ yaw)."""
    y, p, r = (math.radians(a) for a in (pose.yaw_deg, pose.pitch_deg, pose.roll_deg))
    yaw = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    pitch = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    roll = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return np.asarray(roll @ pitch @ yaw, np.float64)


def render(
    texture_bgr: ImageBGR,
    width_mm: float,
    pose: PrintPose,
    background_bgr: ImageBGR,
    camera: Camera = Camera(),
) -> ImageBGR:
    """The camera's view of the print in front of `background_bgr` (same size as the camera).

    Args:
        texture_bgr: the print's picture, uint8 (h, w, 3); its height in mm follows the aspect.
        width_mm: the print's width (the arc length for a bent print).
        pose: where the print is.
        background_bgr: what the camera sees behind the print, uint8 (height, width, 3).
        camera: the camera model.
    """
    th, tw = texture_bgr.shape[:2]
    height_mm = width_mm * th / tw
    u_mm, v_mm, hit = _surface_coordinates(pose, width_mm, height_mm, camera)
    map_x = ((u_mm / width_mm + 0.5) * tw - 0.5).astype(np.float32)
    map_y = ((v_mm / height_mm + 0.5) * th - 0.5).astype(np.float32)
    seen = cv2.remap(texture_bgr, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(np.where(hit[..., None], seen, background_bgr), np.uint8)


def _surface_coordinates(
    pose: PrintPose, width_mm: float, height_mm: float, camera: Camera
) -> tuple[F64, F64, npt.NDArray[np.bool_]]:
    """Per pixel: where its ray meets the print, in print millimetres (u right, v down)."""
    xs = (np.arange(camera.width) - camera.width / 2.0 + 0.5) / camera.focal_px
    ys = (np.arange(camera.height) - camera.height / 2.0 + 0.5) / camera.focal_px
    gx, gy = np.meshgrid(xs, ys)
    rays = np.stack([gx, gy, np.ones_like(gx)], axis=-1)  # (H, W, 3) in camera coordinates
    rot = rotation(pose)
    origin = rot.T @ -np.array([pose.x_mm, pose.y_mm, pose.z_mm])  # camera in print coordinates
    d = rays @ rot  # each ray direction in print coordinates (rot.T @ ray)
    k = pose.curvature_per_mm
    if abs(k) < 1e-9:
        t = -origin[2] / np.where(np.abs(d[..., 2]) < 1e-12, 1e-12, d[..., 2])
        u = origin[0] + t * d[..., 0]
        v = origin[1] + t * d[..., 1]
        ok = t > 0
    else:
        radius = 1.0 / k  # axis parallel to v through (0, *, radius): x^2 + (z - r)^2 = r^2
        oz = origin[2] - radius
        a = d[..., 0] ** 2 + d[..., 2] ** 2
        b = 2.0 * (origin[0] * d[..., 0] + oz * d[..., 2])
        c = origin[0] ** 2 + oz**2 - radius**2
        disc = b * b - 4.0 * a * c
        t = (-b - np.sqrt(np.maximum(disc, 0.0))) / np.maximum(2.0 * a, 1e-12)
        x = origin[0] + t * d[..., 0]
        z = origin[2] + t * d[..., 2]
        u = radius * np.arctan2(x, radius - z)
        v = origin[1] + t * d[..., 1]
        ok = (disc >= 0) & (t > 0) & (np.abs(x) <= abs(radius))
    hit = ok & (np.abs(u) <= width_mm / 2.0) & (np.abs(v) <= height_mm / 2.0)
    return u, v, hit
