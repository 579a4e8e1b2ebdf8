"""The one face-finding path, the mask answer and the blendshapes, on the public-domain photos."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from kiosk.core.mask import MaskFusion
from kiosk.core.types import WITH_MASK, ClassScores
from kiosk.vision.classify import OrtFaceClassifier
from kiosk.vision.finder_records import largest
from kiosk.vision.mask_cue import lower_face_cues, read_masks
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import crop_face
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


def test_a_drawn_mask_changes_the_lower_face_colour_and_hides_its_skin(
    vision_models: VisionModels, faces_dir: Path
) -> None:
    bare = read_image(faces_dir / "obama/obama_1.jpg")
    face = largest(vision_models.finder.find(bare))
    assert face is not None
    covered = bare.copy()
    lower = face.mesh.points_xyz[[205, 425, 152, 58, 288, 2], :2].astype(np.int32)
    cv2.fillPoly(covered, [cv2.convexHull(lower)], (230, 200, 90))
    before = lower_face_cues(bare, face.box, face.mesh)
    after = lower_face_cues(covered, face.box, face.mesh)
    assert before is not None and after is not None
    assert after.colour_contrast > 2 * before.colour_contrast
    assert before.skin_fraction > 0.5
    assert after.skin_fraction < 0.2


def test_a_grey_photo_has_no_colour_cues(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "obama/obama_1.jpg")
    grey = np.asarray(
        cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR), np.uint8
    )
    face = largest(vision_models.finder.find(grey))
    assert face is not None
    assert lower_face_cues(grey, face.box, face.mesh) is None


def test_blendshapes_see_a_smile(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / "biden/biden_2.jpg")  # a broad smile
    face = largest(vision_models.finder.find(image))
    assert face is not None and face.trusted
    shapes = vision_models.blendshapes.scores(face.mesh)
    assert len(shapes.labels) == 52
    smile = (shapes.prob("mouthSmileLeft") + shapes.prob("mouthSmileRight")) / 2
    assert smile > 0.5
    assert all(0.0 <= p <= 1.0 for p in shapes.probs)


def test_the_mirrored_mask_crop_is_read_only_for_an_unsure_answer(
    vision_models: VisionModels, faces_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mask = vision_models.mask
    always = OrtFaceClassifier(
        replace(mask.spec, thresholds={**mask.spec.thresholds, "mirror_within": math.inf}), 1
    )
    fusion = MaskFusion.from_thresholds(mask.spec.thresholds)
    batches: list[int] = []
    read = mask.read

    def counted(batch: npt.NDArray[np.float32]) -> tuple[ClassScores, ...]:
        batches.append(len(batch))
        return read(batch)

    monkeypatch.setattr(mask, "read", counted)
    mirrored = 0
    for name, _ in CASES:
        image = read_image(faces_dir / name)
        face = largest(vision_models.finder.find(image, still=True))
        assert face is not None
        batches.clear()
        answer = read_masks(mask, image, (face,))[0]
        single = read(mask.prepare([crop_face(image, face.box.xyxy, mask.spec.input)]))[0]
        cues = lower_face_cues(image, face.box, face.mesh)
        unsure = abs(fusion.with_mask_logit(single.prob(WITH_MASK), cues)) < 2.5
        assert batches == ([1, 1] if unsure else [1])
        both = read_masks(always, image, (face,))[0]  # the crop and its mirror, every time
        assert answer.top == both.top
        if unsure:  # then the reading is exactly the averaged one
            assert answer.probs == pytest.approx(both.probs, abs=1e-6)
        mirrored += unsure
    assert 0 < mirrored < len(CASES)  # the fixtures hold both kinds
