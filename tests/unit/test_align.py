"""kiosk.vision.align without dlib: similarity fit, chip geometry, pyramid path, point rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.errors import InputError
from kiosk.vision.align import (
    CHIP_SIZE,
    Similarity,
    dlib_chip,
    fit_similarity,
    five_points_from_keypoints,
    five_points_from_mesh,
    template_points,
)

TEMPLATE = template_points()


def chip_position(points_xy: np.ndarray, scale: float) -> np.ndarray:
    """Where image points land in dlib's chip: pixel c maps to centre + (c - 74.5) * step."""
    tform = fit_similarity(TEMPLATE, points_xy)
    inverse = fit_similarity(points_xy, TEMPLATE)
    centre = tform.apply([[75.0, 75.0]])[0]
    step = (CHIP_SIZE * scale - 1.0) / (CHIP_SIZE - 1.0)
    rel = inverse.apply(points_xy) - inverse.apply([centre])[0]
    return np.asarray(74.5 + rel * scale / step)


def dots_image(points_xy: np.ndarray, height: int, width: int, radius: float) -> np.ndarray:
    """Black BGR image with a white disc at each point."""
    yy, xx = np.mgrid[0:height, 0:width]
    image = np.zeros((height, width, 3), dtype=np.uint8)
    for x, y in points_xy:
        image[(xx - x) ** 2 + (yy - y) ** 2 <= radius**2] = 255
    return image


def blob_centres(chip_rgb: np.ndarray, expected_xy: np.ndarray, window: int) -> np.ndarray:
    """Intensity-weighted centre of the chip near each expected point."""
    grey = chip_rgb.astype(np.float64).mean(axis=2)
    out = []
    for x, y in expected_xy:
        x0, y0 = round(x) - window, round(y) - window
        patch = grey[y0 : y0 + 2 * window + 1, x0 : x0 + 2 * window + 1]
        yy, xx = np.mgrid[y0 : y0 + patch.shape[0], x0 : x0 + patch.shape[1]]
        out.append(((xx * patch).sum() / patch.sum(), (yy * patch).sum() / patch.sum()))
    return np.array(out)


def placed(scale: float, angle_deg: float, centre: tuple[float, float]) -> np.ndarray:
    """The template points scaled and rotated about the chip centre, then moved to `centre`."""
    a = math.radians(angle_deg)
    tform = Similarity(scale * math.cos(a), scale * math.sin(a), 0.0, 0.0)
    pts = tform.apply(TEMPLATE - 75.0)
    return np.asarray(pts + np.asarray(centre))


def test_template_is_dlib_rule() -> None:
    assert TEMPLATE.shape == (5, 2)
    np.testing.assert_allclose(TEMPLATE[0], (110.95674595992, 46.34981538014))
    np.testing.assert_allclose(TEMPLATE[4], (74.01123135679, 87.77975316475))


@pytest.mark.parametrize(("scale", "angle"), [(1.0, 0.0), (0.37, 12.0), (3.2, -140.0)])
def test_similarity_fit_recovers_a_known_transform(scale: float, angle: float) -> None:
    a = math.radians(angle)
    truth = Similarity(scale * math.cos(a), scale * math.sin(a), 13.5, -7.25)
    src = np.random.default_rng(0).uniform(-50, 50, size=(7, 2))
    fitted = fit_similarity(src, truth.apply(src))
    for got, want in zip(
        (fitted.a, fitted.b, fitted.tx, fitted.ty),
        (truth.a, truth.b, truth.tx, truth.ty),
        strict=True,
    ):
        assert got == pytest.approx(want, abs=1e-9)
    assert fitted.scale == pytest.approx(scale)
    assert math.degrees(fitted.angle_rad) == pytest.approx(angle)


def test_similarity_fit_rejects_bad_input() -> None:
    with pytest.raises(InputError, match=r"\(N, 2\)"):
        fit_similarity(np.zeros((1, 2)), np.zeros((1, 2)))
    with pytest.raises(InputError, match="coincide"):
        fit_similarity(np.ones((3, 2)), np.zeros((3, 2)))


def test_chip_shape_dtype_and_colour_order() -> None:
    image = np.zeros((300, 300, 3), dtype=np.uint8)
    image[:, :] = (10, 20, 30)  # BGR
    chip = dlib_chip(image, placed(1.3, 5.0, (150.0, 150.0)))
    assert chip.shape == (150, 150, 3)
    assert chip.dtype == np.uint8
    assert tuple(chip[75, 75]) == (30, 20, 10)  # RGB


@pytest.mark.parametrize(("scale", "angle"), [(0.8, 0.0), (1.6, 25.0), (1.9, -60.0)])
def test_points_at_template_positions_land_on_the_template(scale: float, angle: float) -> None:
    pts = placed(scale, angle, (210.0, 190.0))
    image = dots_image(pts, 400, 420, radius=2.5 * scale)
    chip = dlib_chip(image, pts)
    expected = chip_position(pts, scale)
    # dlib's grid puts template point t at chip pixel ~t - 0.5 (its centre pixel is 74.5, not 75)
    np.testing.assert_allclose(expected, TEMPLATE - 0.5, atol=0.15)
    np.testing.assert_allclose(blob_centres(chip, expected, 4), expected, atol=0.25)


def test_unit_scale_upright_samples_between_pixels() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(200, 220, 3), dtype=np.uint8)
    pts = TEMPLATE + np.array([30.0, 20.0])  # scale 1: chip pixel (c, r) samples (30.5+c, 20.5+r)
    chip = dlib_chip(image, pts)
    quad = image.astype(np.float64)
    mean4 = (
        quad[20:170, 30:180] + quad[20:170, 31:181] + quad[21:171, 30:180] + quad[21:171, 31:181]
    )
    expected = np.floor(mean4 / 4 + 1e-9).astype(np.uint8)[:, :, ::-1]
    # the fit leaves the offset a hair off 0.5, so exact quarters may truncate one level lower
    assert np.abs(chip.astype(int) - expected.astype(int)).max() <= 1


def test_outside_the_image_is_black() -> None:
    image = np.full((120, 120, 3), 200, dtype=np.uint8)
    chip = dlib_chip(image, placed(1.1, 10.0, (20.0, 60.0)))  # face half off the left edge
    assert chip[75, 5].max() == 0
    assert chip[75, 140].min() > 0


def test_large_face_goes_through_the_pyramid_and_keeps_the_geometry() -> None:
    scale = 4.3  # chip region ~645 px wide: two pyramid halvings
    pts = placed(scale, 8.0, (520.0, 500.0))
    image = dots_image(pts, 1000, 1050, radius=2.5 * scale)
    chip = dlib_chip(image, pts)
    found = blob_centres(chip, TEMPLATE, 5)
    # dlib's pyramid shifts by (1.25, 0.75) pixels per level, so allow one chip pixel
    np.testing.assert_allclose(found, TEMPLATE, atol=1.0)
    assert chip.shape == (150, 150, 3)


def test_chip_rejects_bad_input() -> None:
    image = np.zeros((50, 50, 3), dtype=np.uint8)
    with pytest.raises(InputError, match=r"\(5, 2\)"):
        dlib_chip(image, np.zeros((4, 2)))
    with pytest.raises(InputError, match="uint8"):
        dlib_chip(image.astype(np.float32), placed(1.0, 0.0, (25.0, 25.0)))


def test_point_rules_follow_a_similarity_transform() -> None:
    rng = np.random.default_rng(2)
    mesh = np.c_[rng.uniform(80, 120, size=(468, 2)), np.zeros(468)]
    mesh[[33, 133], :2] = [[60.0, 100.0], [90.0, 100.0]]  # image-left eye corners
    mesh[[263, 362], :2] = [[140.0, 100.0], [110.0, 100.0]]  # image-right eye corners
    mesh[[2, 94], :2] = [[100.0, 140.0], [100.0, 138.0]]
    move = Similarity(1.7 * math.cos(0.4), 1.7 * math.sin(0.4), 31.0, -12.0)
    moved = np.c_[move.apply(mesh[:, :2]), mesh[:, 2]]
    np.testing.assert_allclose(
        five_points_from_mesh(moved), move.apply(five_points_from_mesh(mesh)), atol=1e-9
    )
    keypoints = np.array(
        [
            [80.0, 100.0],
            [120.0, 100.0],
            [100.0, 125.0],
            [100.0, 150.0],
            [60.0, 110.0],
            [140.0, 110.0],
        ]
    )
    np.testing.assert_allclose(
        five_points_from_keypoints(move.apply(keypoints)),
        move.apply(five_points_from_keypoints(keypoints)),
        atol=1e-9,
    )


def test_five_points_keep_dlib_order() -> None:
    keypoints = np.array(
        [
            [80.0, 100.0],
            [120.0, 100.0],
            [100.0, 125.0],
            [100.0, 150.0],
            [60.0, 110.0],
            [140.0, 110.0],
        ]
    )
    pts = five_points_from_keypoints(keypoints)
    assert pts[0, 0] > pts[1, 0] > pts[4, 0] > pts[3, 0] > pts[2, 0]
    assert pts[4, 1] > pts[:4, 1].max()
    with pytest.raises(InputError, match=r"\(468, 3\)"):
        five_points_from_mesh(np.zeros((10, 3)))
