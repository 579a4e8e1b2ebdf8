"""A small ONNX -> torch.nn.Module builder for exactly the operators the kiosk's models use.

Why not onnx2torch: onnx2torch 1.5.15 declares torchvision as a requirement and imports it at
package import (its NMS and RoiAlign converters), and PyPI's torchvision fails to import beside the
CPU torch 2.13.0 this project pins ("operator torchvision::nms does not exist"). Installing it
`--no-deps` with a stub torchvision would leave `pip check` failing and a fake package in the
environment. The five graphs need 27 plain operators (listed in `SUPPORTED_OPS`), so this module
interprets the graph directly: every initializer becomes a buffer, every node a call to a torch
function, and `torch.jit.trace` records the result for coremltools.

Anything outside that list, or an attribute value the builder does not implement (a `SAME_*`
auto_pad, a non-constant Pad mode, a shape computed at run time), raises `UnsupportedOperatorError`
naming the operator, the node and what to add.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper
from torch.nn import functional as nnf

Tensor = torch.Tensor
OpFn = Callable[..., Tensor]


class UnsupportedOperatorError(Exception):
    """An ONNX node this builder cannot express in torch.

    Attributes:
        op_type: the ONNX operator (e.g. "Resize").
        node_name: the node's name in the graph ("" when unnamed).
        detail: what exactly is unsupported (an attribute value, a dynamic input).
    """

    def __init__(self, op_type: str, node_name: str, detail: str) -> None:
        self.op_type = op_type
        self.node_name = node_name
        self.detail = detail
        super().__init__(
            f"ONNX operator {op_type!r} (node {node_name!r}) is not supported: {detail}. "
            f"Supported: {', '.join(sorted(SUPPORTED_OPS))}; add a builder for it in "
            "ios_companion/onnx_to_torch.py"
        )


@dataclass(frozen=True, slots=True)
class _Node:
    op_type: str
    name: str
    attrs: dict[str, Any]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Step:
    """One node ready to run: `fn(*tensors named by inputs)` gives the tensors named by outputs."""

    fn: OpFn
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


_ONNX_TO_TORCH_DTYPE = {
    onnx.TensorProto.FLOAT: torch.float32,
    onnx.TensorProto.UINT8: torch.uint8,
    onnx.TensorProto.INT32: torch.int32,
    onnx.TensorProto.INT64: torch.int64,
}


def _ints(node: _Node, name: str, default: Sequence[int]) -> list[int]:
    return [int(v) for v in node.attrs.get(name, default)]


def _spatial_padding(
    node: _Node, pads: list[int]
) -> tuple[tuple[int, int], tuple[int, int, int, int]]:
    """ONNX 2-D pads [top, left, bottom, right] as (symmetric padding, extra pad (l, r, t, b))."""
    auto_pad = node.attrs.get("auto_pad", b"NOTSET")
    auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else str(auto_pad)
    if auto_pad == "VALID":
        pads = [0, 0, 0, 0]
    elif auto_pad != "NOTSET":
        raise UnsupportedOperatorError(node.op_type, node.name, f"auto_pad={auto_pad}")
    if len(pads) != 4:
        raise UnsupportedOperatorError(node.op_type, node.name, f"{len(pads) // 2}-D pads")
    top, left, bottom, right = pads
    if top == bottom and left == right:
        return (top, left), (0, 0, 0, 0)
    return (0, 0), (left, right, top, bottom)


def _conv(node: _Node) -> OpFn:
    strides = tuple(_ints(node, "strides", [1, 1]))
    dilations = tuple(_ints(node, "dilations", [1, 1]))
    groups = int(node.attrs.get("group", 1))
    padding, extra = _spatial_padding(node, _ints(node, "pads", [0, 0, 0, 0]))

    def conv(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
        if any(extra):
            x = nnf.pad(x, extra)
        return nnf.conv2d(x, weight, bias, strides, padding, dilations, groups)

    return conv


def _max_pool(node: _Node) -> OpFn:
    kernel = tuple(_ints(node, "kernel_shape", []))
    strides = tuple(_ints(node, "strides", [1, 1]))
    ceil = bool(node.attrs.get("ceil_mode", 0))
    if _ints(node, "dilations", [1, 1]) != [1, 1] or node.attrs.get("storage_order", 0) != 0:
        raise UnsupportedOperatorError(node.op_type, node.name, "dilations or storage_order")
    padding, extra = _spatial_padding(node, _ints(node, "pads", [0, 0, 0, 0]))

    def max_pool(x: Tensor) -> Tensor:
        if any(extra):
            x = nnf.pad(x, extra, value=float("-inf"))
        return nnf.max_pool2d(x, kernel, strides, padding, ceil_mode=ceil)

    return max_pool


def _average_pool(node: _Node) -> OpFn:
    kernel = tuple(_ints(node, "kernel_shape", []))
    strides = tuple(_ints(node, "strides", [1, 1]))
    ceil = bool(node.attrs.get("ceil_mode", 0))
    include_pad = bool(node.attrs.get("count_include_pad", 0))
    padding, extra = _spatial_padding(node, _ints(node, "pads", [0, 0, 0, 0]))
    if any(extra) and not include_pad:
        raise UnsupportedOperatorError(
            node.op_type, node.name, "asymmetric pads with count_include_pad=0"
        )

    def average_pool(x: Tensor) -> Tensor:
        if any(extra):
            x = nnf.pad(x, extra)
        return nnf.avg_pool2d(x, kernel, strides, padding, ceil, count_include_pad=include_pad)

    return average_pool


def _pad(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    mode = node.attrs.get("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else str(mode)
    if mode != "constant":
        raise UnsupportedOperatorError(node.op_type, node.name, f"mode={mode}")
    if len(node.inputs) > 3 and node.inputs[3]:
        raise UnsupportedOperatorError(node.op_type, node.name, "the `axes` input")
    pads = _constant(node, constants, 1).astype(np.int64).tolist()
    if len(node.inputs) > 2 and node.inputs[2]:
        value = float(_constant(node, constants, 2).reshape(-1)[0])
    else:
        value = 0.0
    if min(pads) < 0:
        raise UnsupportedOperatorError(node.op_type, node.name, "negative pads (cropping)")
    rank = len(pads) // 2
    torch_pads: list[int] = []
    for axis in reversed(range(rank)):  # nnf.pad wants the last axis first: (begin, end) pairs
        torch_pads += [pads[axis], pads[axis + rank]]

    def pad(x: Tensor, *_unused: Tensor) -> Tensor:
        return nnf.pad(x, torch_pads, value=value)

    return pad


def _reshape(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    shape = _constant(node, constants, 1).astype(np.int64).tolist()
    allow_zero = bool(node.attrs.get("allowzero", 0))

    def reshape(x: Tensor, *_unused: Tensor) -> Tensor:
        target = [
            int(x.shape[i]) if (dim == 0 and not allow_zero) else int(dim)
            for i, dim in enumerate(shape)
        ]
        return x.reshape(target)

    return reshape


def _squeeze(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    if len(node.inputs) > 1 and node.inputs[1]:
        axes = _constant(node, constants, 1).astype(np.int64).tolist()
    else:
        axes = _ints(node, "axes", [])
    if not axes:
        raise UnsupportedOperatorError(node.op_type, node.name, "squeeze without explicit axes")

    def squeeze(x: Tensor, *_unused: Tensor) -> Tensor:
        for axis in sorted((a % x.dim() for a in axes), reverse=True):
            x = x.squeeze(axis)
        return x

    return squeeze


def _clip(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    bounds: list[float | None] = [node.attrs.get("min"), node.attrs.get("max")]
    for slot in (1, 2):  # opset 11+: min and max are (optional) inputs
        if len(node.inputs) > slot and node.inputs[slot]:
            bounds[slot - 1] = float(_constant(node, constants, slot).reshape(-1)[0])
    low, high = bounds

    def clip(x: Tensor, *_unused: Tensor) -> Tensor:
        return torch.clamp(x, low, high)

    return clip


def _constant(node: _Node, constants: dict[str, np.ndarray], slot: int) -> np.ndarray:
    name = node.inputs[slot]
    if name not in constants:
        raise UnsupportedOperatorError(
            node.op_type, node.name, f"input {slot} ({name!r}) is computed at run time"
        )
    return constants[name]


def _cast(node: _Node) -> OpFn:
    target = int(node.attrs["to"])
    if target not in _ONNX_TO_TORCH_DTYPE:
        raise UnsupportedOperatorError(node.op_type, node.name, f"cast to ONNX type {target}")
    dtype = _ONNX_TO_TORCH_DTYPE[target]
    return lambda x: x.to(dtype)


def _min(*xs: Tensor) -> Tensor:
    out = xs[0]
    for x in xs[1:]:
        out = torch.minimum(out, x)
    return out


def _transpose(node: _Node) -> OpFn:
    perm = _ints(node, "perm", [])
    return lambda x: x.permute(*perm)


def _softmax(node: _Node) -> OpFn:
    axis = int(node.attrs.get("axis", -1))
    return lambda x: torch.softmax(x, dim=axis)


def _reduce(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    """ReduceMean (axes attribute, opset 13) and ReduceSum (axes input, opset 13)."""
    if len(node.inputs) > 1 and node.inputs[1]:
        axes = _constant(node, constants, 1).astype(np.int64).tolist()
    else:
        axes = _ints(node, "axes", [])
    if not axes:
        raise UnsupportedOperatorError(node.op_type, node.name, "reduction without explicit axes")
    keep = bool(node.attrs.get("keepdims", 1))
    dims = tuple(int(a) for a in axes)
    if node.op_type == "ReduceMean":
        return lambda x, *_unused: x.mean(dim=dims, keepdim=keep)
    return lambda x, *_unused: x.sum(dim=dims, keepdim=keep)


def _slice(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    """Slice with constant starts, ends, axes and steps (opset 10+ inputs)."""
    starts, ends = (_constant(node, constants, k).astype(np.int64).tolist() for k in (1, 2))
    count = len(starts)
    axes = (
        _constant(node, constants, 3).astype(np.int64).tolist()
        if len(node.inputs) > 3 and node.inputs[3]
        else list(range(count))
    )
    steps = (
        _constant(node, constants, 4).astype(np.int64).tolist()
        if len(node.inputs) > 4 and node.inputs[4]
        else [1] * count
    )
    if any(step != 1 for step in steps):
        raise UnsupportedOperatorError(node.op_type, node.name, f"steps {steps} (only 1)")
    limit = np.iinfo(np.int64).max

    def slice_(x: Tensor, *_unused: Tensor) -> Tensor:
        index: list[slice] = [slice(None)] * x.dim()
        for start, end, axis in zip(starts, ends, axes, strict=True):
            size = int(x.shape[axis])
            index[axis] = slice(max(-size, min(start, size)), None if end >= limit else end)
        return x[tuple(index)]

    return slice_


def _concat(node: _Node) -> OpFn:
    axis = int(node.attrs["axis"])
    return lambda *xs: torch.cat(xs, dim=axis)


_Builder = Callable[[_Node, dict[str, np.ndarray]], OpFn]

# operator -> builder of its torch function, given the node and the graph's constant tensors
_BUILDERS: dict[str, _Builder] = {
    "Add": lambda node, c: torch.add,
    "Sub": lambda node, c: torch.sub,
    "Mul": lambda node, c: torch.mul,
    "MatMul": lambda node, c: torch.matmul,
    "Relu": lambda node, c: torch.relu,
    "Min": lambda node, c: _min,
    "Identity": lambda node, c: lambda x: x,
    "GlobalAveragePool": lambda node, c: lambda x: x.mean(dim=(2, 3), keepdim=True),
    "Conv": lambda node, c: _conv(node),
    "MaxPool": lambda node, c: _max_pool(node),
    "AveragePool": lambda node, c: _average_pool(node),
    "Pad": _pad,
    "Reshape": _reshape,
    "Squeeze": _squeeze,
    "Clip": _clip,
    "Cast": lambda node, c: _cast(node),
    "Transpose": lambda node, c: _transpose(node),
    "Softmax": lambda node, c: _softmax(node),
    # the blendshape model's layer norms, gating and output head
    "ReduceMean": _reduce,
    "ReduceSum": _reduce,
    "Slice": _slice,
    "Concat": lambda node, c: _concat(node),
    "Div": lambda node, c: torch.div,
    "Sqrt": lambda node, c: torch.sqrt,
    "Neg": lambda node, c: torch.neg,
    "Reciprocal": lambda node, c: torch.reciprocal,
    "Sigmoid": lambda node, c: torch.sigmoid,
}


def _step_fn(node: _Node, constants: dict[str, np.ndarray]) -> OpFn:
    """The torch function for one node; UnsupportedOperatorError for anything else."""
    builder = _BUILDERS.get(node.op_type)
    if builder is None:
        raise UnsupportedOperatorError(node.op_type, node.name, "no builder for this operator")
    return builder(node, constants)


SUPPORTED_OPS = frozenset(_BUILDERS)


def operators_used(model: onnx.ModelProto) -> dict[str, int]:
    """Operator type -> node count in the model's main graph, sorted by name."""
    counts: dict[str, int] = {}
    for node in model.graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return dict(sorted(counts.items()))


class OnnxGraphModule(torch.nn.Module):
    """Runs one ONNX graph with torch operations, node by node in the graph's (topological) order.

    Inputs and outputs keep the ONNX names and layouts (`input_names`, `output_names`);
    `forward` returns a tuple in the graph's output order. Only the default ONNX domain and the
    operators in `SUPPORTED_OPS` are accepted: the constructor raises `UnsupportedOperatorError`
    for the first node it cannot build, so a graph either converts whole or not at all.
    """

    def __init__(self, model: onnx.ModelProto) -> None:
        super().__init__()
        graph = model.graph
        constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
        self._buffer_names: dict[str, str] = {}
        for index, (name, array) in enumerate(constants.items()):
            attr = f"c{index}"
            tensor = torch.from_numpy(np.array(array, copy=True))
            self.register_buffer(attr, tensor, persistent=False)
            self._buffer_names[name] = attr
        self.input_names = tuple(i.name for i in graph.input if i.name not in constants)
        self.output_names = tuple(o.name for o in graph.output)
        self._steps: list[_Step] = []
        for proto in graph.node:
            node = _Node(
                op_type=proto.op_type,
                name=proto.name,
                attrs={a.name: helper.get_attribute_value(a) for a in proto.attribute},
                inputs=tuple(proto.input),
                outputs=tuple(proto.output),
            )
            if proto.domain not in ("", "ai.onnx"):
                raise UnsupportedOperatorError(node.op_type, node.name, f"domain {proto.domain!r}")
            self._steps.append(_Step(_step_fn(node, constants), node.inputs, node.outputs))

    def forward(self, *inputs: Tensor) -> tuple[Tensor, ...]:
        """Run the graph; inputs in `input_names` order, outputs in `output_names` order."""
        if len(inputs) != len(self.input_names):
            raise ValueError(f"expected {len(self.input_names)} inputs, got {len(inputs)}")
        env: dict[str, Tensor] = dict(zip(self.input_names, inputs, strict=True))
        for name, attr in self._buffer_names.items():
            env[name] = getattr(self, attr)
        for step in self._steps:
            args = [env[name] if name else None for name in step.inputs]
            while args and args[-1] is None:  # optional trailing inputs left out
                args.pop()
            result = step.fn(*args)
            env[step.outputs[0]] = result
        return tuple(env[name] for name in self.output_names)


def load_graph_module(path_or_bytes: str | bytes) -> OnnxGraphModule:
    """Build the torch module for an ONNX file path or serialised model bytes (eval mode)."""
    model = (
        onnx.load_from_string(path_or_bytes)
        if isinstance(path_or_bytes, bytes)
        else (onnx.load(path_or_bytes))
    )
    return OnnxGraphModule(model).eval()
