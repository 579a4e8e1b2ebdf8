"""The blendshape model (points in, 52 scores out): parity with onnxruntime and its Core ML spec.

Inputs are made as the kiosk makes them: the kiosk's face mesh (onnxruntime, on the same
public-domain face crops as the other parity tests) gives 468 points, and
`kiosk.core.blendshape_input` picks MediaPipe's 146 (irises approximated).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

import build_coreml
from build_coreml import onnx_tensor
from conftest import PARITY
from face_crops import ids, model_image, photos_for
from model_specs import IOS_POINTS_MODEL_KEYS, load_plans, read_verified

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the kiosk's pure-numpy helper
from kiosk.core.blendshape_input import blendshape_input

KEY = IOS_POINTS_MODEL_KEYS[0]
TOLERANCE = 1e-4  # scores in [0, 1]
PLAN = load_plans(keys=(KEY,))[0]
MESH = load_plans(keys=("face_mesh",))[0]
MESH_PHOTOS = photos_for(MESH)


def _session(data: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def traced() -> torch.jit.ScriptModule:
    return build_coreml.trace_points_model(PLAN, read_verified(PLAN)[0])[0]


@pytest.mark.parametrize("photo", MESH_PHOTOS, ids=ids(MESH_PHOTOS))
def test_scores_match_onnxruntime_on_mesh_points(
    photo: object, traced: torch.jit.ScriptModule
) -> None:
    mesh = _session(read_verified(MESH)[0])
    outputs = mesh.run(None, {MESH.input.name: onnx_tensor(MESH, model_image(MESH, photo))})
    points = next(o for o in outputs if o.size == 1404).reshape(468, 3)
    x = blendshape_input(points)
    theirs = _session(read_verified(PLAN)[0]).run(None, {PLAN.input.name: x})[0].reshape(-1)
    with torch.no_grad():
        ours = traced(torch.from_numpy(x)).numpy().reshape(-1)
    diff = float(np.abs(theirs - ours).max())
    PARITY[KEY].append((Path(photo.path).stem, diff, None))  # type: ignore[attr-defined]
    assert ours.shape == (len(PLAN.labels),)
    assert diff < TOLERANCE


def test_spec_takes_points_and_gives_scores(built: Path) -> None:
    import coremltools as ct

    spec = ct.models.MLModel(str(built / f"{KEY}.mlpackage"), skip_model_load=True).get_spec()
    assert spec.WhichOneof("Type") == "mlProgram"
    (inp,) = spec.description.input
    assert inp.name == build_coreml.INPUT_POINTS
    assert list(inp.type.multiArrayType.shape) == [1, PLAN.input.height, 2]
    (out,) = spec.description.output
    assert (out.name, list(out.type.multiArrayType.shape)) == ("scores", [1, len(PLAN.labels)])
    meta = spec.description.metadata.userDefined
    assert meta["iface.source_onnx_sha256"] == PLAN.sha256
    assert meta["iface.output_labels"].split(",") == list(PLAN.labels)


def test_models_json_names_the_points_model(built: Path) -> None:
    document = json.loads((built / "models.json").read_text(encoding="utf-8"))
    entry = {m["key"]: m for m in document["models"]}[KEY]
    assert entry["input"] == {
        "name": "points",
        "onnx_name": PLAN.input.name,
        "shape": [1, PLAN.input.height, 2],
        "kind": "points (x, y) in image pixels",
    }
    assert entry["labels"] == list(PLAN.labels)
    assert entry["thresholds"]["confused_brow_down"] == PLAN.thresholds["confused_brow_down"]
