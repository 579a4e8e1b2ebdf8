"""The one face-finding path, the mask answer and the blendshapes, on the public-domain photos."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.core.types import WITH_MASK
from kiosk.vision.finder import largest
from kiosk.vision.mask_cue import lower_face_contrast, read_masks
from kiosk.vision.models import VisionModels
from tests.models.conftest import SINGLE_FACE_PHOTOS, read_image

pytestmark = pytest.mark.models

MASKED = (
    "masked/obama_synthetic_mask.jpg",
    "masked/biden_synthetic_mask.jpg",
    "masked/eileen_collins_synthetic_mask.jpg",
)


@pytest.mark.parametrize("name", SINGLE_FACE_PHOTOS + MASKED)
def test_every_single_face_photo_gives_one_face_on_both_paths(
    vision_models: VisionModels, faces_dir: Path, name: str
) -> None:
    image = read_image(faces_dir / name)
    finder = vision_models.finder
    assert len(finder.find(image)) == 1
    assert len(finder.find(image, still=True)) == 1


def test_a_tight_crop_is_found_after_padding(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "obama/obama_1.jpg")
    whole = largest(vision_models.finder.find(image))
    assert whole is not None
    x1, y1, x2, y2 = (round(v) for v in whole.box.xyxy)
    tight = np.ascontiguousarray(image[y1 + 10 : y2 - 5, x1 + 8 : x2 - 8])
    face = largest(vision_models.finder.find(tight, still=True))
    assert face is not None
    fx1, fy1, fx2, fy2 = face.box.xyxy  # mapped back into the crop's own pixels
    assert 0 <= fx1 < fx2 <= tight.shape[1] and 0 <= fy1 < fy2 <= tight.shape[0]
    assert np.all(np.isfinite(face.mesh.points_xyz))


def test_blank_and_noise_frames_give_no_face(vision_models: VisionModels) -> None:
    rng = np.random.default_rng(1)
    for image in (np.zeros((480, 640, 3), np.uint8), rng.integers(0, 255, (480, 640, 3), np.uint8)):
        assert vision_models.finder.find(image.astype(np.uint8), still=True) == ()


CASES = [*((n, True) for n in MASKED), *((n, False) for n in SINGLE_FACE_PHOTOS)]


@pytest.mark.parametrize(("name", "masked"), CASES)
def test_mask_answer_on_public_domain_photos(
    vision_models: VisionModels, faces_dir: Path, name: str, masked: bool
) -> None:
    image = read_image(faces_dir / name)
    face = largest(vision_models.finder.find(image, still=True))
    assert face is not None
    scores = read_masks(vision_models.mask, image, (face,))[0]
    assert (scores.top == WITH_MASK) is masked


def test_a_drawn_mask_changes_the_lower_face_colour(
    vision_models: VisionModels, faces_dir: Path
) -> None:
    bare = read_image(faces_dir / "obama/obama_1.jpg")
    face = largest(vision_models.finder.find(bare))
    assert face is not None
    covered = bare.copy()
    mouth = face.mesh.points_xyz[[61, 291, 152, 164], :2].astype(np.int32)
    cv2.fillPoly(covered, [cv2.convexHull(mouth)], (230, 200, 90))
    assert lower_face_contrast(covered, face.box, face.mesh) > 2 * lower_face_contrast(
        bare, face.box, face.mesh
    )


def test_blendshapes_see_a_smile(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "biden/biden_2.jpg")  # a broad smile
    face = largest(vision_models.finder.find(image))
    assert face is not None and face.trusted
    shapes = vision_models.blendshapes.scores(face.mesh)
    assert len(shapes.labels) == 52
    smile = (shapes.prob("mouthSmileLeft") + shapes.prob("mouthSmileRight")) / 2
    assert smile > 0.5
    assert all(0.0 <= p <= 1.0 for p in shapes.probs)
