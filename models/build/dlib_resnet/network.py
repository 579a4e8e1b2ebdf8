"""dlib's face recognition ResNet: the network template of ``dnn_face_recognition_ex.cpp`` and a
parser that walks the .dat file against it, layer record by layer record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models.build.dlib_resnet.reader import DlibReader

CHIP_SIZE = 150


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
