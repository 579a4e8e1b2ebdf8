"""The spoof generator's geometry and the liveness bench's bookkeeping (no models loaded)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.commands.bench.liveness import _first_live, _summary, collect_photos
from kiosk.vision.eyelids import close_eyes
from kiosk.vision.liveness_eval import TrackLiveness
from kiosk.vision.liveness_spoofs import PrintMaterial, SpoofKind, spoof_frames
from kiosk.vision.spoof_render import Camera, PrintPose, render

CAMERA = Camera()
BACKGROUND = np.zeros((CAMERA.height, CAMERA.width, 3), np.uint8)
WHITE = np.full((400, 300, 3), 255, np.uint8)


def print_width_px(image: np.ndarray) -> int:
    row = image[CAMERA.height // 2, :, 0]
    return int((row > 128).sum())


def test_a_flat_print_facing_the_camera_has_its_pinhole_size() -> None:
    image = render(WHITE, 200.0, PrintPose(z_mm=500.0), BACKGROUND, CAMERA)
    assert print_width_px(image) == pytest.approx(CAMERA.focal_px * 200.0 / 500.0, abs=2)


def test_a_bent_print_looks_narrower_and_a_turned_one_narrower_still() -> None:
    flat = print_width_px(render(WHITE, 200.0, PrintPose(), BACKGROUND, CAMERA))
    bent = print_width_px(render(WHITE, 200.0, PrintPose(curvature_per_mm=1 / 120), BACKGROUND))
    turned = print_width_px(render(WHITE, 200.0, PrintPose(yaw_deg=40.0), BACKGROUND))
    assert turned < bent < flat


def test_closing_the_eyes_changes_only_the_eye_regions() -> None:
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 255, (200, 200, 3), dtype=np.uint8)
    points = np.full((468, 2), 100.0)
    for upper, lower, cx in (
        (
            (33, 246, 161, 160, 159, 158, 157, 173, 133),
            (33, 7, 163, 144, 145, 153, 154, 155, 133),
            60,
        ),
        (
            (362, 398, 384, 385, 386, 387, 388, 466, 263),
            (362, 382, 381, 380, 374, 373, 390, 249, 263),
            140,
        ),
    ):
        xs = np.linspace(cx - 20, cx + 20, len(upper))
        points[list(upper)] = np.column_stack([xs, 80 - 8 * np.sin(np.linspace(0, np.pi, len(xs)))])
        points[list(lower)] = np.column_stack([xs, 80 + 6 * np.sin(np.linspace(0, np.pi, len(xs)))])
    closed = close_eyes(photo, points)
    changed = np.any(closed != photo, axis=2)
    assert changed[70:90, 45:75].any() and changed[70:90, 125:155].any()
    assert not changed[100:].any() and not changed[:, :35].any() and not changed[:, 165:].any()


def test_spoof_frames_are_seeded_and_timed() -> None:
    face = np.full((200, 150, 3), 90, np.uint8)
    material = PrintMaterial(face, face)
    a = list(spoof_frames(material, SpoofKind.BENT, seed=3, fps=10.0, seconds=1.0))
    b = list(spoof_frames(material, SpoofKind.BENT, seed=3, fps=10.0, seconds=1.0))
    assert len(a) == 10 and [f.timestamp_ms for f in a] == pytest.approx(np.arange(10) * 100.0)
    assert all(np.array_equal(x.image_bgr, y.image_bgr) for x, y in zip(a, b, strict=True))


def track(first: float, last: float, live: float | None) -> TrackLiveness:
    return TrackLiveness(1, first, last, live, "parallax" if live is not None else "")


def test_time_to_live_counts_the_fastest_face_and_skips_faces_seen_too_briefly() -> None:
    assert _first_live([track(0, 3000, 900), track(500, 900, 700)], 1.5) == pytest.approx(0.2)
    assert _first_live([track(0, 3000, None)], 1.5) is None  # followed 3 s, never live
    assert _first_live([track(0, 1000, None)], 1.5) is False  # too brief to judge


def test_the_summary_counts_never_live_as_slowest() -> None:
    summary = _summary("v.mp4", [0.0, 1.0, 2.0, 3.0], [0.5, 1.0, 2.0, None], 1.5)
    assert summary.median_s == pytest.approx(2.0)  # the higher of the two middle values
    assert summary.max_s is None and summary.within_target == pytest.approx(0.5)


def test_photos_are_collected_from_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/x.jpg", "b.png", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in collect_photos([tmp_path])] == ["x.jpg", "b.png"]


@pytest.mark.parametrize("args", [["--kinds", "mask"], ["--seeds", "0"], ["--max-wait", "-1"]])
def test_the_bench_refuses_bad_options_before_loading_models(
    args: list[str], tmp_path: Path
) -> None:
    assert main(["bench", "liveness", *args, "--photos", str(tmp_path)]) == 4
