"""Camera health rules (pure): stall -> lost, black frames -> dark and back, size changes."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.camera_health import (
    DARK,
    DARK_DETAIL,
    LIVE,
    LOST,
    CameraHealth,
    HealthSettings,
    mean_brightness,
)

VGA = (480, 640, 3)
HD = (720, 1280, 3)
SETTINGS = HealthSettings(stall_s=3.0, dark_level=12.0, dark_frames=4, light_frames=2)


def feed(health: CameraHealth, brightness: list[float], shape: tuple[int, ...] = VGA) -> list[str]:
    """Frames 1/30 s apart starting at t=0; the state after each."""
    return [health.on_frame(i / 30.0, level, shape).state for i, level in enumerate(brightness)]


def test_no_frame_for_stall_s_is_lost_once() -> None:
    health = CameraHealth(SETTINGS, started_s=100.0)
    assert health.check(102.9).state == LIVE
    verdict = health.check(103.0)
    assert (verdict.state, verdict.detail, verdict.changed) == (LOST, "no frames for 3 s", True)
    assert health.check(110.0) == type(verdict)(LOST, "", False)  # reported once


def test_each_frame_restarts_the_stall_clock() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    for t in (2.0, 4.0, 6.0):
        health.on_frame(t, 100.0, VGA)
        assert health.check(t + 2.9).state == LIVE
    assert health.check(9.0).state == LOST


def test_a_frame_after_lost_is_live_again() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    health.check(5.0)
    verdict = health.on_frame(5.1, 100.0, VGA)
    assert (verdict.state, verdict.changed) == (LIVE, True)


def test_black_frames_in_a_row_make_it_dark_and_normal_ones_live() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    states = feed(health, [100, 3, 3, 3, 3, 3, 50, 3, 50, 50, 3])
    assert states == [LIVE, LIVE, LIVE, LIVE, DARK, DARK, DARK, DARK, DARK, LIVE, LIVE]


def test_dark_is_reported_with_the_reason_once() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    verdicts = [health.on_frame(i / 30, 0.0, VGA) for i in range(8)]
    changed = [v for v in verdicts if v.changed]
    assert [(v.state, v.detail) for v in changed] == [(DARK, DARK_DETAIL)]


def test_a_few_black_frames_are_not_dark() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    assert set(feed(health, [100, 2, 2, 2, 100, 2, 2, 2, 100])) == {LIVE}


def test_a_size_change_is_reported_once_and_stays_live() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    health.on_frame(0.0, 100.0, VGA)
    verdict = health.on_frame(0.1, 100.0, HD)
    assert verdict.state == LIVE and verdict.changed
    assert verdict.detail == "picture size changed from 640x480 to 1280x720"
    assert not health.on_frame(0.2, 100.0, HD).changed


def test_a_size_change_while_dark_keeps_the_dark_reason() -> None:
    health = CameraHealth(SETTINGS, started_s=0.0)
    feed(health, [0, 0, 0, 0])
    verdict = health.on_frame(1.0, 0.0, HD)
    assert verdict.state == DARK and verdict.detail.startswith(DARK_DETAIL)


@pytest.mark.parametrize(
    ("level", "expected"), [(0, 0.0), (7, 7.0), (255, 255.0)], ids=["black", "dim", "white"]
)
def test_mean_brightness_of_flat_images(level: int, expected: float) -> None:
    image = np.full((480, 640, 3), level, np.uint8)
    assert mean_brightness(image) == pytest.approx(expected)


def test_mean_brightness_of_a_half_white_image() -> None:
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, 320:] = 255
    assert mean_brightness(image) == pytest.approx(127.5)


@pytest.mark.parametrize(
    "bad",
    [
        {"stall_s": 0.0},
        {"dark_frames": 0},
        {"light_frames": 0},
        {"dark_level": -1.0},
        {"dark_level": 300.0},
    ],
)
def test_settings_are_validated(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"HealthSettings|dark_level"):
        HealthSettings(**bad)  # type: ignore[arg-type]
