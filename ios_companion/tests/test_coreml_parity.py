"""Parity of the converted models with the kiosk's ONNX files, and the saved Core ML specs.

- traced torch module (what coremltools converts) vs onnxruntime on the kiosk's ONNX bytes, on real
  face crops: max abs diff < 1e-4 for the descriptor and the mesh, same top class for classifiers.
  The torch side gets Core ML's `scale * pixel + bias`, the onnxruntime side the manifest's
  `(pixel - mean) / std`, so the image preprocessing written into the .mlpackage is checked too.
- the .mlpackage specs read back with skip_model_load=True: names, shapes, labels, metadata.
- on macOS only: Core ML prediction against onnxruntime (coremltools cannot predict on Linux).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
import torch

from build_coreml import coreml_tensor, onnx_tensor
from conftest import PARITY
from face_crops import PHOTOS, FacePhoto, ids, model_image, photos_for
from model_specs import IOS_MODEL_KEYS, IOS_POINTS_MODEL_KEYS, ModelPlan

TOLERANCE = 1e-4  # max abs diff, descriptor; the mesh is compared in units of its input size
MESH_INPUT_PX = 192.0  # mesh landmarks are pixels in 0..192: divide before comparing
EXPECTED_OUTPUTS = {
    "face_embedder": ("descriptor",),
    "face_mesh": ("conv2d_21", "conv2d_31"),
    "emotion": ("label", "label_probs"),
    "mask": ("label", "label_probs"),
}


def _run_both(
    plan: ModelPlan,
    photo: FacePhoto,
    session: ort.InferenceSession,
    module: torch.jit.ScriptModule,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    image = model_image(plan, photo)
    theirs = session.run(None, {plan.input.name: onnx_tensor(plan, image)})
    with torch.no_grad():
        ours = module(coreml_tensor(plan, image))
    ours_list = [ours] if isinstance(ours, torch.Tensor) else list(ours)
    return theirs, [t.numpy() for t in ours_list]


def _cases(keys: tuple[str, ...]) -> list[Any]:
    from model_specs import load_plans

    cases = []
    for plan in load_plans(keys=keys):
        photos = photos_for(plan)
        cases += [
            pytest.param(plan.key, p, id=f"{plan.key}-{i}")
            for p, i in zip(photos, ids(photos), strict=True)
        ]
    return cases


@pytest.mark.parametrize(("key", "photo"), _cases(("face_embedder", "face_mesh")))
def test_regression_outputs_match_onnxruntime(
    key: str,
    photo: FacePhoto,
    plans: dict[str, ModelPlan],
    onnx_sessions: dict[str, ort.InferenceSession],
    traced: dict[str, torch.jit.ScriptModule],
) -> None:
    theirs, ours = _run_both(plans[key], photo, onnx_sessions[key], traced[key])
    assert [a.shape for a in theirs] == [b.shape for b in ours]
    scale = MESH_INPUT_PX if key == "face_mesh" else 1.0
    diff = max(float(np.abs(a - b).max()) / scale for a, b in zip(theirs, ours, strict=True))
    PARITY[key].append((photo.path, diff, None))
    assert diff < TOLERANCE, f"{key} on {photo.path}: max abs diff {diff:.3g}"


@pytest.mark.parametrize(("key", "photo"), _cases(("emotion", "mask")))
def test_classifiers_agree_with_onnxruntime(
    key: str,
    photo: FacePhoto,
    plans: dict[str, ModelPlan],
    onnx_sessions: dict[str, ort.InferenceSession],
    traced: dict[str, torch.jit.ScriptModule],
) -> None:
    theirs, ours = _run_both(plans[key], photo, onnx_sessions[key], traced[key])
    probs_onnx, probs_torch = theirs[0].reshape(-1), ours[0].reshape(-1)
    agree = int(probs_onnx.argmax()) == int(probs_torch.argmax())
    diff = float(np.abs(probs_onnx - probs_torch).max())
    PARITY[key].append((photo.path, diff, agree))
    assert agree, f"{key} on {photo.path}: {probs_onnx} vs {probs_torch}"
    assert diff < 1e-4


def test_mask_photos_exercise_both_classes(
    plans: dict[str, ModelPlan], onnx_sessions: dict[str, ort.InferenceSession]
) -> None:
    plan = plans["mask"]
    tops = set()
    for photo in PHOTOS:
        image = onnx_tensor(plan, model_image(plan, photo))
        tops.add(int(onnx_sessions["mask"].run(None, {plan.input.name: image})[0].argmax()))
    assert tops == {0, 1}


def test_embedder_separates_people_on_real_faces(
    plans: dict[str, ModelPlan], traced: dict[str, torch.jit.ScriptModule]
) -> None:
    """The chips are real aligned faces: same person under, different people over the threshold."""
    plan = plans["face_embedder"]
    photos = photos_for(plan)
    with torch.no_grad():
        vectors = {
            p.path: traced["face_embedder"](coreml_tensor(plan, model_image(plan, p))).numpy()[0]
            for p in photos
        }
    threshold = plan.thresholds["max_distance"]
    dist = float(np.linalg.norm(vectors["obama/obama_1.jpg"] - vectors["obama/obama_2.jpg"]))
    assert dist < threshold
    dist = float(np.linalg.norm(vectors["obama/obama_1.jpg"] - vectors["biden/biden_1.jpg"]))
    assert dist > threshold


# ---- the saved Core ML specs ------------------------------------------------------------------


def _spec(built: Path, key: str) -> Any:
    import coremltools as ct

    return ct.models.MLModel(str(built / f"{key}.mlpackage"), skip_model_load=True).get_spec()


def _class_labels(spec: Any) -> list[str]:
    """The labels of the ML Program's `classify` op."""
    main = spec.mlProgram.functions["main"]
    ops = main.block_specializations[main.opset].operations
    classify = next(op for op in ops if op.type == "classify")
    values = classify.inputs["classes"].arguments[0].value.immediateValue.list.values
    return [v.immediateValue.tensor.strings.values[0] for v in values]


@pytest.mark.parametrize("key", IOS_MODEL_KEYS)
def test_spec_inputs_outputs_and_metadata(
    key: str, built: Path, plans: dict[str, ModelPlan]
) -> None:
    plan = plans[key]
    spec = _spec(built, key)
    assert spec.WhichOneof("Type") == "mlProgram"
    (inp,) = spec.description.input
    assert inp.name == plan.input.name
    assert inp.type.WhichOneof("Type") == "imageType"
    assert (inp.type.imageType.width, inp.type.imageType.height) == (
        plan.input.width,
        plan.input.height,
    )
    expected_space = "GRAYSCALE" if plan.input.colour == "GRAY" else "RGB"
    assert inp.type.imageType.ColorSpace.Name(inp.type.imageType.colorSpace) == expected_space
    assert tuple(o.name for o in spec.description.output) == EXPECTED_OUTPUTS[key]
    meta = spec.description.metadata
    assert meta.author and meta.license == plan.licence and meta.shortDescription
    assert meta.versionString == plan.version
    assert meta.userDefined["iface.manifest_key"] == key
    assert meta.userDefined["iface.source_onnx_sha256"] == plan.sha256
    assert meta.userDefined["iface.source_onnx_file"] == plan.manifest_file


@pytest.mark.parametrize("key", ["face_embedder", "face_mesh"])
def test_spec_output_shapes(key: str, built: Path) -> None:
    shapes = {
        o.name: list(o.type.multiArrayType.shape) for o in _spec(built, key).description.output
    }
    expected = {
        "face_embedder": {"descriptor": [1, 128]},
        "face_mesh": {"conv2d_21": [1, 1, 1, 1404], "conv2d_31": [1, 1, 1, 1]},
    }
    assert shapes == expected[key]


@pytest.mark.parametrize("key", ["emotion", "mask"])
def test_spec_classifier_labels(key: str, built: Path, plans: dict[str, ModelPlan]) -> None:
    spec = _spec(built, key)
    assert spec.description.predictedFeatureName == "label"
    assert spec.description.predictedProbabilitiesName == "label_probs"
    assert _class_labels(spec) == list(plans[key].labels)


def test_models_json_describes_every_model(built: Path, plans: dict[str, ModelPlan]) -> None:
    document = json.loads((built / "models.json").read_text(encoding="utf-8"))
    assert document["failed"] == []
    entries = {m["key"]: m for m in document["models"]}
    assert set(entries) == set(IOS_MODEL_KEYS + IOS_POINTS_MODEL_KEYS)
    for key, plan in plans.items():
        entry = entries[key]
        assert (built / entry["file"]).is_dir()
        assert entry["source_onnx"]["sha256"] == plan.sha256
        assert entry["input"]["name"] == plan.input.name
        assert entry["labels"] == list(plan.labels)
        assert [o["name"] for o in entry["outputs"]] == list(EXPECTED_OUTPUTS[key])
        assert entry["input"]["flip_average"] == plan.input.flip_average
    embedder = entries["face_embedder"]
    assert embedder["input"]["scale"] == 1.0 and embedder["input"]["bias"] == [0.0, 0.0, 0.0]
    assert (
        embedder["thresholds"]["max_distance"] == plans["face_embedder"].thresholds["max_distance"]
    )
    assert entries["emotion"]["input"]["scale"] == pytest.approx(1 / 127.5)
    assert entries["emotion"]["input"]["bias"] == [-1.0]


# ---- Core ML itself (macOS only) ------------------------------------------------------------


@pytest.mark.skipif(
    sys.platform != "darwin",
    reason="Core ML prediction needs macOS: coremltools on Linux converts and reads specs only",
)
@pytest.mark.parametrize("key", IOS_MODEL_KEYS)
def test_coreml_prediction_matches_onnxruntime(
    key: str,
    built: Path,
    plans: dict[str, ModelPlan],
    onnx_sessions: dict[str, ort.InferenceSession],
) -> None:  # pragma: no cover - runs on a Mac
    import coremltools as ct
    from PIL import Image

    plan = plans[key]
    model = ct.models.MLModel(
        str(built / f"{key}.mlpackage"), compute_units=ct.ComputeUnit.CPU_ONLY
    )
    for photo in photos_for(plan):
        image = model_image(plan, photo)
        pixels = image[0].transpose(1, 2, 0)
        pil = Image.fromarray(pixels[:, :, 0] if plan.input.channels == 1 else pixels)
        got = model.predict({plan.input.name: pil})
        want = onnx_sessions[key].run(None, {plan.input.name: onnx_tensor(plan, image)})
        if plan.is_classifier:
            assert got["label"] == plan.labels[int(want[0].argmax())], photo.path
        else:
            for name, expected in zip(EXPECTED_OUTPUTS[key], want, strict=True):
                np.testing.assert_allclose(got[name], expected, atol=1e-3, err_msg=photo.path)
