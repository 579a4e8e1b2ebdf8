"""The ONNX -> torch builder and the build script's failure modes, on tiny graphs made here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

import build_coreml
from model_specs import load_plans
from onnx_to_torch import SUPPORTED_OPS, OnnxGraphModule, UnsupportedOperatorError

REAL_MODELS_OPS = {  # the union of the five graphs' operators (kiosk ONNX files, today)
    "Add", "AveragePool", "Cast", "Clip", "Conv", "GlobalAveragePool", "Identity", "MatMul",
    "MaxPool", "Min", "Mul", "Pad", "Relu", "Reshape", "Softmax", "Squeeze", "Sub", "Transpose",
    "Concat", "Div", "Neg", "Reciprocal", "ReduceMean", "ReduceSum", "Sigmoid", "Slice", "Sqrt",
}  # fmt: skip


def _classifier(
    size: int, channels: int, classes: int, extra_op: str | None = None
) -> onnx.ModelProto:
    """NHWC float image -> [Transpose] -> Conv(k=size) -> [extra_op] -> Reshape -> Softmax."""
    rng = np.random.default_rng(1)
    weight = numpy_helper.from_array(
        rng.normal(0, 0.01, (classes, channels, size, size)).astype(np.float32), "w"
    )
    shape = numpy_helper.from_array(np.array([-1, classes], dtype=np.int64), "shape")
    nodes = [
        helper.make_node("Transpose", ["x"], ["nchw"], perm=[0, 3, 1, 2]),
        helper.make_node("Conv", ["nchw", "w"], ["conv"], kernel_shape=[size, size]),
    ]
    last = "conv"
    if extra_op:
        nodes.append(helper.make_node(extra_op, ["conv"], ["odd"]))
        last = "odd"
    nodes += [
        helper.make_node("Reshape", [last, "shape"], ["flat"]),
        helper.make_node("Softmax", ["flat"], ["probs"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", size, size, channels])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", classes])],
        [weight, shape],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def test_the_builder_covers_exactly_the_real_graphs_operators() -> None:
    assert SUPPORTED_OPS == REAL_MODELS_OPS


def test_unsupported_operator_is_named() -> None:
    with pytest.raises(UnsupportedOperatorError) as info:
        OnnxGraphModule(_classifier(8, 3, 2, extra_op="Erf"))
    assert info.value.op_type == "Erf"
    assert "'Erf'" in str(info.value) and "onnx_to_torch.py" in str(info.value)


def test_unsupported_attribute_value_is_named() -> None:
    model = _classifier(8, 3, 2)
    model.graph.node[1].attribute.append(helper.make_attribute("auto_pad", "SAME_UPPER"))
    with pytest.raises(UnsupportedOperatorError, match="auto_pad=SAME_UPPER"):
        OnnxGraphModule(model)


def test_asymmetric_padding_matches_onnxruntime() -> None:
    """Conv/MaxPool with top-left != bottom-right pads (MobileNetV2's stride-2 convs)."""
    rng = np.random.default_rng(2)
    w = numpy_helper.from_array(rng.normal(size=(4, 3, 3, 3)).astype(np.float32), "w")
    pads = numpy_helper.from_array(np.array([0, 0, 0, 0, 0, 2, 0, 1], dtype=np.int64), "pads")
    nodes = [
        helper.make_node(
            "Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1]
        ),
        helper.make_node(
            "MaxPool", ["c"], ["m"], kernel_shape=[2, 2], strides=[1, 1], pads=[1, 0, 0, 1]
        ),
        helper.make_node("Pad", ["m", "pads"], ["y"], mode="constant"),
    ]
    graph = helper.make_graph(
        nodes,
        "pads",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 9, 9])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [w, pads],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    x = rng.normal(size=(1, 3, 9, 9)).astype(np.float32)
    want = ort.InferenceSession(model.SerializeToString()).run(None, {"x": x})[0]
    with torch.no_grad():
        got = OnnxGraphModule(model)(torch.from_numpy(x))[0].numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-5)


def _write_model(models_dir: Path, name: str, model: onnx.ModelProto) -> tuple[str, str]:
    data = model.SerializeToString()
    (models_dir / name).write_bytes(data)
    return name, hashlib.sha256(data).hexdigest()


def _tiny_manifest(models_dir: Path) -> None:
    """Four tiny stand-ins: emotion converts, mask has an unsupported op, face_mesh has a stale
    sha256, face_embedder converts."""
    emotion, emotion_sha = _write_model(models_dir, "emotion.onnx", _classifier(8, 1, 3))
    mask, mask_sha = _write_model(models_dir, "mask.onnx", _classifier(8, 3, 2, extra_op="Erf"))
    mesh, _ = _write_model(models_dir, "mesh.onnx", _classifier(8, 3, 2))
    embed, embed_sha = _write_model(models_dir, "embed.onnx", _classifier(8, 3, 4))
    entry = """
[models.{key}]
task = "{task}"
file = "{file}"
sha256 = "{sha}"
runtime = "onnxruntime"
source = "made by test_builder.py"
licence = "MIT"
{extra}
[models.{key}.input]
name = "x"
height = 8
width = 8
layout = "NHWC"
colour = "{colour}"
mean = [127.5]
std = [127.5]
"""
    text = "schema = 1\n"
    text += entry.format(
        key="face_embedder",
        task="recognition",
        file=embed,
        sha=embed_sha,
        colour="RGB",
        extra='outputs = ["probs"]',
    )
    text += entry.format(
        key="emotion",
        task="emotion",
        file=emotion,
        sha=emotion_sha,
        colour="GRAY",
        extra='labels = ["a", "b", "c"]',
    )
    text += entry.format(
        key="mask",
        task="mask",
        file=mask,
        sha=mask_sha,
        colour="RGB",
        extra='labels = ["with_mask", "without_mask"]',
    )
    text += entry.format(key="face_mesh", task="landmarks", file=mesh, sha="0" * 64, colour="RGB",
                         extra='outputs = ["probs"]')  # fmt: skip
    (models_dir / "manifest.toml").write_text(text, encoding="utf-8")


def test_failed_models_are_named_and_the_others_still_convert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models_dir, out = tmp_path / "models", tmp_path / "out"
    models_dir.mkdir()
    _tiny_manifest(models_dir)
    only = ["--only", "face_embedder", "emotion", "mask", "face_mesh"]  # the tiny manifest's
    code = build_coreml.main(["--models-dir", str(models_dir), "--out", str(out), *only])
    captured = capsys.readouterr()
    assert code == 1
    assert "not converted: mask, face_mesh" in captured.err
    assert "FAILED mask: stage=onnx->torch, operator=Erf" in captured.out
    assert "FAILED face_mesh: stage=read" in captured.out and "sha256" in captured.out
    assert (out / "emotion.mlpackage").is_dir() and (out / "face_embedder.mlpackage").is_dir()
    assert not (out / "mask.mlpackage").exists()
    document = json.loads((out / "models.json").read_text(encoding="utf-8"))
    assert [m["key"] for m in document["models"]] == ["face_embedder", "emotion"]
    assert [f["key"] for f in document["failed"]] == ["mask", "face_mesh"]


def test_bad_manifest_exits_2(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text("schema = 1\n", encoding="utf-8")
    assert build_coreml.main(["--models-dir", str(tmp_path), "--out", str(tmp_path / "o")]) == 2


def test_image_preprocessing_matches_the_manifest() -> None:
    """Core ML's scale/bias equal the kiosk's (pixel - mean) / std for every model."""
    pixels = np.arange(256, dtype=np.float64)
    for plan in load_plans():
        inp = plan.input
        coreml = pixels * inp.scale + inp.bias[0]
        kiosk = pixels if inp.dtype == "uint8" else (pixels - inp.mean[0]) / inp.std[0]
        np.testing.assert_allclose(coreml, kiosk, atol=1e-12, err_msg=plan.key)
