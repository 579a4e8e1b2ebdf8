"""BlazeFace in onnxruntime (`OrtBlazeFaceDetector`): loading, closing and merging both models.

Its agreement with MediaPipe Tasks on the original .tflite files is tested in tests/mediapipe.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from kiosk.errors import ModelError
from kiosk.vision.blazeface import OrtBlazeFaceDetector
from kiosk.vision.detector import MultiFaceDetector
from kiosk.vision.manifest import Manifest
from kiosk.vision.models import check_model, load_detector, load_vision_models
from tests.models.conftest import read_image


@pytest.mark.parametrize("key", ["face_detector", "face_detector_short"])
def test_runtime_picks_the_detector_class(manifest: Manifest, key: str) -> None:
    detector = load_detector(manifest.get(key), threads=1)
    assert isinstance(detector, OrtBlazeFaceDetector)
    detector.close()
    detector.close()
    with pytest.raises(ModelError, match="was closed"):
        detector.detect(np.zeros((48, 64, 3), dtype=np.uint8))
    check = check_model(manifest.get(key), threads=1, runs=2)
    assert check.ok, check.error


def test_vision_models_run_on_onnx_detectors_alone(manifest: Manifest, faces_dir: Path) -> None:
    models = load_vision_models(
        manifest, threads=1, detector_keys="face_detector_short,face_detector"
    )
    try:
        assert isinstance(models.detector, MultiFaceDetector)
        assert all(isinstance(d, OrtBlazeFaceDetector) for d in models.detector.detectors)
        faces = models.detector.detect(read_image(faces_dir / "together/obama_and_biden_1.jpg"))
        assert len([f for f in faces if f.score > 0.6]) == 2
    finally:
        models.close()


def test_a_wrong_input_size_is_refused(manifest: Manifest) -> None:
    spec = manifest.get("face_detector")
    wrong = dataclasses.replace(spec, input=dataclasses.replace(spec.input, height=160, width=160))
    with pytest.raises(ModelError, match=r"128x128 or 192x192"):
        OrtBlazeFaceDetector(wrong, threads=1)
