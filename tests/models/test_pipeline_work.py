"""The pipeline's per-frame work on real models: what runs for whom, and batched runs agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PipelineConfig
from kiosk.core.gallery import Gallery
from kiosk.core.types import Frame
from kiosk.vision.models import VisionModels
from kiosk.vision.pipeline import Pipeline
from tests.models.conftest import read_image

pytestmark = pytest.mark.models

TOGETHER = "together/obama_and_biden_1.jpg"


def _pipeline(models: VisionModels, *, still: bool = False) -> Pipeline:
    gallery = Gallery.empty(models.embedder.model_key, models.embedder.dim)
    return Pipeline(models, gallery, PipelineConfig(), still=still)


def test_camera_frames_read_blendshapes_of_the_main_face_only(
    vision_models: VisionModels, faces_dir: Path
) -> None:
    image = read_image(faces_dir / TOGETHER)
    image.setflags(write=False)
    pipeline = _pipeline(vision_models)
    results = [pipeline.process(Frame(image, 1000.0 + 70.0 * i, i)) for i in range(8)]
    faces = results[-1].faces
    assert len(faces) == 2
    main = max(faces, key=lambda f: f.box.width * f.box.height)
    assert main.blendshapes is not None
    assert all(f.blendshapes is None for f in faces if f is not main)
    assert all(f.emotion is not None for f in faces)  # emotion is still read for everyone


def test_stills_read_every_face_at_once(vision_models: VisionModels, faces_dir: Path) -> None:
    image = read_image(faces_dir / TOGETHER)
    image.setflags(write=False)
    faces = _pipeline(vision_models, still=True).process(Frame(image, 0.0, 0)).faces
    assert len(faces) == 2
    for face in faces:
        assert face.blendshapes is not None and face.emotion is not None
        assert face.mask is not None


def test_one_embedder_run_over_several_faces_matches_one_run_each(
    vision_models: VisionModels, faces_dir: Path
) -> None:
    image = read_image(faces_dir / TOGETHER)
    faces = [f for f in vision_models.finder.find(image, still=True) if f.trusted]
    assert len(faces) == 2
    embedder = vision_models.embedder
    together = embedder.embed_many(image, [f.mesh for f in faces])
    for face, descriptor in zip(faces, together, strict=True):
        np.testing.assert_allclose(descriptor, embedder.embed(image, face.mesh), atol=1e-5)
    assert embedder.embed_many(image, []) == ()
