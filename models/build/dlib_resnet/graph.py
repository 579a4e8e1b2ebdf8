"""The ONNX graph of the parsed network, written with ``onnx.helper`` (opset 17)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.build.dlib_resnet.network import CHIP_SIZE, DlibNetwork, Layer

SOURCE_PACKAGE = ("face-recognition-models", "0.3.0")
OPSET = 17
INPUT_NAME = "chip_rgb"
OUTPUT_NAME = "descriptor"

Shape = tuple[int, int, int]  # (channels, rows, columns) of one sample


def _pooled(size: int, window: int, stride: int) -> int:
    """Output size of an unpadded window in floor mode (dlib and ONNX agree)."""
    return (size - window) // stride + 1


class GraphBuilder:
    """Accumulates ONNX nodes and initialisers, tracking each value's static shape."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.shapes: dict[str, Shape] = {}
        self._counter = 0

    def _name(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}_{self._counter:03d}"

    def const(self, prefix: str, array: np.ndarray) -> str:
        name = self._name(prefix)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], shape: Shape | None, **attrs: Any) -> str:
        """Append one node with a single output and return the output's name."""
        output = self._name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [output], name=f"{output}_node", **attrs))
        if shape is not None:
            self.shapes[output] = shape
        return output

    def layer(self, x: str, layer: Layer) -> str:
        """Emit one dlib layer that has a record (everything but tag, skip and add_prev)."""
        emitters: dict[str, Callable[[str, Layer], str]] = {
            "con": self.conv,
            "affine": self.affine,
            "relu": self.relu,
            "max_pool": self.pool,
            "avg_pool": self.pool,
            "avg_pool_everything": self.global_pool,
            "fc_no_bias": self.fc,
        }
        if layer.spec.kind not in emitters:
            raise ValueError(f"no ONNX translation for {layer.spec.kind}")
        return emitters[layer.spec.kind](x, layer)

    def conv(self, x: str, layer: Layer) -> str:
        """dlib con_: cross-correlation, OIHW filters, padding window//2 at stride 1 else 0."""
        spec, params = layer.spec, layer.params
        weight = params["weight"]
        channels, rows, cols = self.shapes[x]
        if weight.shape[1] != channels:
            raise ValueError(f"conv expects {weight.shape[1]} input channels, got {channels}")
        pad = 0 if spec.stride != 1 else spec.window // 2
        out_rows = _pooled(rows + 2 * pad, spec.window, spec.stride)
        out_cols = _pooled(cols + 2 * pad, spec.window, spec.stride)
        inputs = [x, self.const("conv_w", weight)]
        if "bias" in params:
            inputs.append(self.const("conv_b", params["bias"]))
        return self.node(
            "Conv",
            inputs,
            (weight.shape[0], out_rows, out_cols),
            kernel_shape=[spec.window] * 2,
            strides=[spec.stride] * 2,
            pads=[pad] * 4,
        )

    def affine(self, x: str, layer: Layer) -> str:
        """Per-channel gamma * x + beta, as dlib's affine_ in CONV_MODE computes it."""
        shape, params = self.shapes[x], layer.params
        gamma = self.const("affine_gamma", params["gamma"].reshape(1, -1, 1, 1))
        beta = self.const("affine_beta", params["beta"].reshape(1, -1, 1, 1))
        return self.node("Add", [self.node("Mul", [x, gamma], shape), beta], shape)

    def relu(self, x: str, layer: Layer) -> str:
        return self.node("Relu", [x], self.shapes[x])

    def pool(self, x: str, layer: Layer) -> str:
        """max_pool / avg_pool with padding 0 (all pools of this network have stride 2)."""
        spec = layer.spec
        op = "MaxPool" if spec.kind == "max_pool" else "AveragePool"
        channels, rows, cols = self.shapes[x]
        shape = (
            channels,
            _pooled(rows, spec.window, spec.stride),
            _pooled(cols, spec.window, spec.stride),
        )
        return self.node(
            op, [x], shape, kernel_shape=[spec.window] * 2, strides=[spec.stride] * 2, pads=[0] * 4
        )

    def global_pool(self, x: str, layer: Layer) -> str:
        """avg_pool_everything, flattened to [N, channels]."""
        pooled = self.node("GlobalAveragePool", [x], None)
        shape = self.const("flat_shape", np.array([-1, self.shapes[x][0]], np.int64))
        return self.node("Reshape", [pooled, shape], None)

    def fc(self, x: str, layer: Layer) -> str:
        """fc_no_bias: x @ W with W stored [inputs, outputs]."""
        return self.node("MatMul", [x, self.const("fc_w", layer.params["weight"])], None)

    def pad_to(self, x: str, target: Shape) -> str:
        """Zero-fill at the end of channels, rows and columns, as dlib's tt::add does."""
        extra = [t - s for t, s in zip(target, self.shapes[x], strict=True)]
        if not any(extra):
            return x
        pads = self.const("pads", np.array([0, 0, 0, 0, 0, *extra], dtype=np.int64))
        return self.node("Pad", [x, pads], target, mode="constant")

    def add_prev(self, x: str, tagged: str) -> str:
        """dlib's add_prev: the output takes the larger size of the two on every axis."""
        (c1, r1, w1), (c2, r2, w2) = self.shapes[x], self.shapes[tagged]
        target = (max(c1, c2), max(r1, r2), max(w1, w2))
        return self.node("Add", [self.pad_to(x, target), self.pad_to(tagged, target)], target)


def _add_input_stage(builder: GraphBuilder, means_rgb: np.ndarray) -> str:
    """uint8 NHWC RGB chip -> float32 NCHW -> (x - mean) / 256, as dlib's input layer does."""
    shape = (3, CHIP_SIZE, CHIP_SIZE)
    x = builder.node("Transpose", [INPUT_NAME], None, perm=[0, 3, 1, 2])
    x = builder.node("Cast", [x], shape, to=TensorProto.FLOAT)
    means = builder.const("mean_rgb", means_rgb.astype(np.float32).reshape(1, 3, 1, 1))
    x = builder.node("Sub", [x, means], shape)
    return builder.node("Mul", [x, builder.const("inv_256", np.array(1 / 256, np.float32))], shape)


def _add_layer(builder: GraphBuilder, x: str, layer: Layer, tags: dict[int, str]) -> str:
    """Emit one dlib wrapper; tag and skip only move names around."""
    spec = layer.spec
    if spec.kind == "tag":
        tags[spec.arg] = x
        return x
    if spec.kind == "skip":
        return tags[spec.arg]
    if spec.kind == "add_prev":
        return builder.add_prev(x, tags[spec.arg])
    return builder.layer(x, layer)


def build_model(network: DlibNetwork, source_sha256: str) -> onnx.ModelProto:
    """The whole network as an opset-17 ONNX model with a dynamic batch dimension."""
    builder = GraphBuilder()
    x = _add_input_stage(builder, network.means_rgb)
    tags: dict[int, str] = {}
    for layer in network.layers:
        x = _add_layer(builder, x, layer, tags)
    builder.nodes.append(helper.make_node("Identity", [x], [OUTPUT_NAME], name="descriptor_node"))
    graph = helper.make_graph(
        builder.nodes,
        "dlib_face_recognition_resnet_model_v1",
        [
            helper.make_tensor_value_info(
                INPUT_NAME, TensorProto.UINT8, ["N", CHIP_SIZE, CHIP_SIZE, 3]
            )
        ],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", 128])],
        builder.initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="iface-kiosk models/build/build_dlib_resnet.py",
        ir_version=8,
    )
    model.doc_string = (
        f"dlib_face_recognition_resnet_model_v1.dat (sha256 {source_sha256}) from "
        f"{SOURCE_PACKAGE[0]}=={SOURCE_PACKAGE[1]}. Input {INPUT_NAME}: uint8 [N,150,150,3] "
        "NHWC RGB dlib face chip (5 landmarks, size 150, padding 0.25); the graph subtracts the "
        "stored RGB means and divides by 256. Output descriptor: float32 [N,128], not "
        f"normalised; same person below Euclidean distance {network.distance_threshold:.2f}."
    )
    onnx.checker.check_model(model, full_check=True)
    return model
