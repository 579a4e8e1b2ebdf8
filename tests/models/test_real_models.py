"""The shipped models on public-domain photos: each loads, and each says what it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.vision.manifest import Manifest
from kiosk.vision.models import VisionModels, check_model
from tests.models.conftest import SINGLE_FACE_PHOTOS, read_image

SINGLE = SINGLE_FACE_PHOTOS
MASKED_AND_ORIGINAL = [
    ("masked/obama_synthetic_mask.jpg", "obama/obama_1.jpg"),
    ("masked/biden_synthetic_mask.jpg", "biden/biden_2.jpg"),
    ("masked/eileen_collins_synthetic_mask.jpg", "collins/collins_1.png"),
]


def test_every_manifest_model_verifies_loads_and_runs(manifest: Manifest) -> None:
    for spec in manifest.models.values():
        check = check_model(spec, threads=1, runs=2)
        assert check.ok, check.error
        assert check.median_ms is not None and check.median_ms > 0


@pytest.mark.parametrize("name", SINGLE)
def test_detector_finds_the_one_face(
    vision_models: VisionModels, faces_dir: Path, name: str
) -> None:
    image = read_image(faces_dir / name)
    faces = vision_models.detector.detect(image)
    assert len(faces) >= 1
    best = faces[0]
    assert best.score > 0.6
    assert len(best.keypoints_xy) == 6
    # the eyes lie inside the box
    for x, y in best.keypoints_xy[:2]:
        assert best.xyxy[0] <= x <= best.xyxy[2] and best.xyxy[1] <= y <= best.xyxy[3]


@pytest.mark.parametrize(
    "name", ["together/obama_and_biden_1.jpg", "together/obama_and_biden_2.jpg"]
)
def test_detector_finds_both_faces_together(
    vision_models: VisionModels, faces_dir: Path, name: str
) -> None:
    faces = vision_models.detector.detect(read_image(faces_dir / name))
    confident = [f for f in faces if f.score > 0.6]
    assert len(confident) >= 2
    # two distinct people: the two best boxes do not overlap
    a, b = confident[0].xyxy, confident[1].xyxy
    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_smiling_astronaut_is_happy(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "collins/collins_1.png")
    face = vision_models.detector.detect(image)[0]
    scores = vision_models.emotion.classify(image, face)
    assert scores.top == "happy", scores


@pytest.mark.parametrize(("masked", "original"), MASKED_AND_ORIGINAL)
def test_mask_model_sees_the_drawn_masks(
    vision_models: VisionModels, faces_dir: Path, masked: str, original: str
) -> None:
    for name, expected in ((masked, "with_mask"), (original, "without_mask")):
        image = read_image(faces_dir / name)
        face = vision_models.detector.detect(image)[0]
        scores = vision_models.mask.classify(image, face)
        assert scores.top == expected, (name, scores)


def test_face_mesh_lands_on_the_face(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "collins/collins_1.png")
    face = vision_models.detector.detect(image)[0]
    mesh = vision_models.mesh.landmarks(image, face)
    assert mesh.presence > 0.9
    x1, y1, x2, y2 = face.xyxy
    pad = 0.25 * face.width
    xs, ys = mesh.points_xyz[:, 0], mesh.points_xyz[:, 1]
    assert xs.min() > x1 - pad and xs.max() < x2 + pad
    assert ys.min() > y1 - pad and ys.max() < y2 + pad
    # mesh eye centres are near the detector's eye keypoints (within 15 % of the box width)
    for kp, idx in ((face.keypoints_xy[0], (33, 133)), (face.keypoints_xy[1], (362, 263))):
        cx = mesh.points_xyz[list(idx), 0].mean()
        cy = mesh.points_xyz[list(idx), 1].mean()
        assert abs(cx - kp[0]) < 0.15 * face.width and abs(cy - kp[1]) < 0.15 * face.width
