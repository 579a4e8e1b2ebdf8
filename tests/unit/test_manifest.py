"""Manifest parsing and model verification, on a tiny ONNX classifier built here."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from kiosk.core.types import FaceBox
from kiosk.errors import ModelError
from kiosk.vision.classify import OrtFaceClassifier
from kiosk.vision.manifest import load_manifest, read_verified
from kiosk.vision.models import check_model


def _tiny_classifier(path: Path) -> None:
    """NHWC [1,8,8,3] -> mean over H, W -> 3 logits (the channel means)."""
    node = helper.make_node("ReduceMean", ["image"], ["pooled"], axes=[1, 2], keepdims=0)
    graph = helper.make_graph(
        [node],
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 8, 8, 3])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, [1, 3])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))


ENTRY = """schema = 1
[models.tiny]
task = "mask"
file = "tiny.onnx"
sha256 = "{sha}"
runtime = "onnxruntime"
labels = ["red", "green", "blue"]
output_activation = "softmax"
source = "built in the test"
licence = "CC0-1.0"
[models.tiny.input]
name = "image"
height = 8
width = 8
layout = "NHWC"
colour = "RGB"
mean = [0.0]
std = [255.0]
"""


@pytest.fixture
def tiny_models(tmp_path: Path) -> Path:
    _tiny_classifier(tmp_path / "tiny.onnx")
    sha = hashlib.sha256((tmp_path / "tiny.onnx").read_bytes()).hexdigest()
    (tmp_path / "manifest.toml").write_text(ENTRY.format(sha=sha))
    return tmp_path


def test_manifest_loads_and_classifier_follows_it(tiny_models: Path) -> None:
    spec = load_manifest(tiny_models).get("tiny")
    assert spec.labels == ("red", "green", "blue")
    classifier = OrtFaceClassifier(spec, threads=1)
    image = np.zeros((20, 20, 3), np.uint8)
    image[:, :, 2] = 255  # BGR: pure red
    scores = classifier.classify(image, FaceBox(xyxy=(0, 0, 20, 20), score=1.0))
    assert scores.top == "red"
    assert sum(scores.probs) == pytest.approx(1.0)


def test_tampered_model_is_refused_naming_file_and_hash(tiny_models: Path) -> None:
    path = tiny_models / "tiny.onnx"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    spec = load_manifest(tiny_models).get("tiny")
    with pytest.raises(ModelError) as info:
        read_verified(spec)
    assert str(path) in str(info.value)
    assert spec.sha256 in str(info.value)
    check = check_model(spec, threads=1)
    assert not check.ok
    assert check.error is not None and "sha256" in check.error


def test_missing_model_file_is_named(tiny_models: Path) -> None:
    (tiny_models / "tiny.onnx").unlink()
    spec = load_manifest(tiny_models).get("tiny")
    with pytest.raises(ModelError, match=r"tiny\.onnx \(tiny\) does not exist"):
        OrtFaceClassifier(spec, threads=1)


def test_garbage_model_with_matching_hash_does_not_load(tiny_models: Path) -> None:
    garbage = b"this is not an onnx file"
    (tiny_models / "tiny.onnx").write_bytes(garbage)
    text = (tiny_models / "manifest.toml").read_text()
    sha = load_manifest(tiny_models).get("tiny").sha256
    (tiny_models / "manifest.toml").write_text(
        text.replace(sha, hashlib.sha256(garbage).hexdigest())
    )
    with pytest.raises(ModelError, match="does not load"):
        OrtFaceClassifier(load_manifest(tiny_models).get("tiny"), threads=1)


def test_label_count_must_match_model_output(tiny_models: Path) -> None:
    text = (tiny_models / "manifest.toml").read_text()
    (tiny_models / "manifest.toml").write_text(text.replace('"blue"]', '"blue", "alpha"]'))
    with pytest.raises(ModelError, match="outputs 3 scores, the manifest lists 4 labels"):
        OrtFaceClassifier(load_manifest(tiny_models).get("tiny"), threads=1)


def test_manifest_input_name_must_match_model(tiny_models: Path) -> None:
    text = (tiny_models / "manifest.toml").read_text()
    (tiny_models / "manifest.toml").write_text(text.replace('name = "image"', 'name = "input"'))
    with pytest.raises(ModelError, match="expected one input 'input', the model has"):
        OrtFaceClassifier(load_manifest(tiny_models).get("tiny"), threads=1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('layout = "NHWC"', 'layout = "HWC"', "input.layout must be one of"),
        ('colour = "RGB"', 'colour = "CMYK"', "input.colour must be one of"),
        ("std = [255.0]", "std = [0.0]", "input.std must not contain 0"),
        ('runtime = "onnxruntime"', 'runtime = "tflite"', "runtime must be one of"),
        ('licence = "CC0-1.0"\n', "", "missing field 'licence'"),
        ("schema = 1", "schema = 9", "expected schema = 1, got 9"),
        ('licence = "CC0-1.0"', 'licence = "CC0-1.0"\nthresholds = 5', "bad value"),
        ('licence = "CC0-1.0"', 'licence = "CC0-1.0"\nvalence = [1, 2]', "bad value"),
        ('licence = "CC0-1.0"', 'licence = "CC0-1.0"\nthresholds = {x = nan}', "finite"),
        ("height = 8", "height = 0", "height and width must be 1 to"),
        ("width = 8", "width = 100000000000", "height and width must be 1 to"),
        ("std = [255.0]", "std = [inf]", "finite"),
        ('file = "tiny.onnx"', 'file = "../../etc/passwd"', "file must be inside"),
        ('file = "tiny.onnx"', 'file = "/etc/passwd"', "file must be inside"),
        ("[models.tiny.input]", "input = 7\n[models.other]", "bad value"),
    ],
)
def test_bad_manifest_entries_name_the_problem(
    tiny_models: Path, old: str, new: str, message: str
) -> None:
    text = (tiny_models / "manifest.toml").read_text()
    (tiny_models / "manifest.toml").write_text(text.replace(old, new))
    with pytest.raises(ModelError) as info:
        load_manifest(tiny_models)
    assert message in str(info.value)


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"manifest\.toml does not exist"):
        load_manifest(tmp_path)
