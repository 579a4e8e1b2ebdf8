"""Convert the kiosk's ONNX models to Core ML ML Programs for the iPad companion.

For each model the iPad runs (face_embedder, emotion, mask, face_mesh, and face_blendshapes, which
takes landmark points rather than an image) this reads the very ONNX
file the kiosk loads, as listed in models/manifest.toml, checks its sha256, and converts

    ONNX --onnx_to_torch--> torch.nn.Module --torch.jit.trace--> coremltools --> .mlpackage

with an image input carrying the manifest's normalisation (Core ML applies `scale * pixel + bias`),
a ClassifierConfig with the manifest's labels for classifiers, float32 compute (the descriptors must
match the PC kiosk's gallery), and metadata naming the source file and its hash. Before Core ML sees
it, each traced module is checked against onnxruntime on the same bytes.

Writes ios_companion/build/<key>.mlpackage and ios_companion/build/models.json. A model that fails
is reported with its stage, the operator that failed and the fixes tried; the others are still
converted and the script exits 1. Usage (from the repository root, which holds the `kiosk` package
whose manifest reader this uses): PYTHONPATH=. python ios_companion/build_coreml.py [--only KEY ...]
(`make coreml` does exactly that).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch

from model_specs import (
    IOS_MODEL_KEYS,
    IOS_POINTS_MODEL_KEYS,
    MODELS_DIR,
    TASK_DESCRIPTIONS,
    ModelPlan,
    SpecError,
    load_plans,
    read_verified,
)
from onnx_to_torch import OnnxGraphModule, UnsupportedOperatorError, operators_used

log = logging.getLogger("build_coreml")

BUILD_DIR = Path(__file__).resolve().parent / "build"
MODELS_JSON_FORMAT = 1
TRACE_TOLERANCE = 1e-3  # build-time sanity check on a random image; the tests check real faces
AUTHOR = "iFace Kiosk (converted by ios_companion/build_coreml.py)"


class ConversionError(Exception):
    """One model failed: which stage, which operator (when known), what was tried."""

    def __init__(self, stage: str, operator: str, message: str, fixes: tuple[str, ...]) -> None:
        self.stage = stage
        self.operator = operator
        self.fixes = fixes
        super().__init__(message)


@dataclass(slots=True)
class Outcome:
    """The result of one model's conversion, for the summary and models.json."""

    key: str
    ok: bool
    detail: str
    entry: dict[str, Any] = field(default_factory=dict)


class CoreMLAdapter(torch.nn.Module):
    """Takes Core ML's image tensor (1, C, H, W), already scaled and biased, and runs the graph.

    The ONNX graphs take NHWC; the permute here and the graph's own NHWC->NCHW transpose cancel
    out in coremltools' optimisation passes. Returns one tensor, or a tuple for several outputs.
    """

    def __init__(self, graph: OnnxGraphModule, layout: str) -> None:
        super().__init__()
        self.body = graph  # not `graph`: TorchScript modules have a `graph` property
        self.nhwc = layout == "NHWC"

    def forward(self, image: torch.Tensor) -> torch.Tensor | tuple[torch.Tensor, ...]:
        """image: float32 (1, C, H, W) after Core ML's scale and bias."""
        outputs = self.body(image.permute(0, 2, 3, 1) if self.nhwc else image)
        return outputs[0] if len(outputs) == 1 else outputs


def example_image(plan: ModelPlan, seed: int = 0) -> np.ndarray:
    """A seeded random uint8 image (1, C, H, W): what Core ML would get from a pixel buffer."""
    rng = np.random.default_rng(seed)
    shape = (1, plan.input.channels, plan.input.height, plan.input.width)
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


def onnx_tensor(plan: ModelPlan, image_nchw: np.ndarray) -> np.ndarray:
    """The tensor the kiosk feeds onnxruntime for the same pixels (manifest normalisation)."""
    pixels = image_nchw.transpose(0, 2, 3, 1) if plan.input.layout == "NHWC" else image_nchw
    if plan.input.dtype == "uint8":
        return np.ascontiguousarray(pixels.astype(np.uint8))
    mean = np.asarray(plan.input.mean, dtype=np.float32)
    std = np.asarray(plan.input.std, dtype=np.float32)
    return np.ascontiguousarray((pixels.astype(np.float32) - mean) / std)


def coreml_tensor(plan: ModelPlan, image_nchw: np.ndarray) -> torch.Tensor:
    """What Core ML's ImageType hands the traced module: scale * pixel + bias, float32 NCHW."""
    bias = np.asarray(plan.input.bias, dtype=np.float32).reshape(1, -1, 1, 1)
    scaled = image_nchw.astype(np.float32) * np.float32(plan.input.scale) + bias
    return torch.from_numpy(np.ascontiguousarray(scaled))


def trace_model(plan: ModelPlan, data: bytes) -> tuple[torch.jit.ScriptModule, float]:
    """Build and trace the torch module; returns it and its max abs diff from onnxruntime."""
    try:
        graph = OnnxGraphModule(onnx.load_from_string(data)).eval()
    except UnsupportedOperatorError as exc:
        raise ConversionError(
            "onnx->torch", exc.op_type, str(exc), ("none: the builder has no such operator",)
        ) from exc
    adapter = CoreMLAdapter(graph, plan.input.layout).eval()
    image = example_image(plan)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(adapter, coreml_tensor(plan, image))
        ours = traced(coreml_tensor(plan, image))
    ours = (ours,) if isinstance(ours, torch.Tensor) else ours
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    theirs = session.run(None, {plan.input.name: onnx_tensor(plan, image)})
    diff = max(float(np.abs(a - b.numpy()).max()) for a, b in zip(theirs, ours, strict=True))
    if not diff < TRACE_TOLERANCE:
        raise ConversionError(
            "trace parity", "unknown", f"traced module differs from onnxruntime by {diff:.3g}", ()
        )
    return traced, diff


def example_points(plan: ModelPlan, seed: int = 0) -> np.ndarray:
    """Seeded random float32 points (1, N, 2) in a 40..280 px face-sized range."""
    rng = np.random.default_rng(seed)
    return rng.uniform(40.0, 280.0, (1, plan.input.height, plan.input.width)).astype(np.float32)


def trace_points_model(plan: ModelPlan, data: bytes) -> tuple[torch.jit.ScriptModule, float]:
    """Trace a model fed points (no image adapter); its max abs diff from onnxruntime."""
    try:
        graph = OnnxGraphModule(onnx.load_from_string(data)).eval()
    except UnsupportedOperatorError as exc:
        raise ConversionError(
            "onnx->torch", exc.op_type, str(exc), ("none: the builder has no such operator",)
        ) from exc
    adapter = PointsAdapter(graph).eval()
    points = example_points(plan)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(adapter, torch.from_numpy(points))
        ours = traced(torch.from_numpy(points)).numpy()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    theirs = session.run(None, {plan.input.name: points})[0]
    diff = float(np.abs(theirs.reshape(-1) - ours.reshape(-1)).max())
    if not diff < TRACE_TOLERANCE:
        raise ConversionError(
            "trace parity", "unknown", f"traced module differs from onnxruntime by {diff:.3g}", ()
        )
    return traced, diff


class PointsAdapter(torch.nn.Module):
    """Runs a points graph and returns its first output as (1, K) scores."""

    def __init__(self, graph: OnnxGraphModule) -> None:
        super().__init__()
        self.body = graph

    def forward(self, points: torch.Tensor) -> torch.Tensor:
        """points: float32 (1, N, 2) image pixels."""
        return self.body(points)[0].reshape(1, -1)


def _convert_points(plan: ModelPlan, traced: torch.jit.ScriptModule) -> tuple[Any, str]:
    """torch.jit -> Core ML ML Program with a tensor input and a `scores` output."""
    import coremltools as ct

    try:
        mlmodel = ct.convert(
            traced,
            inputs=[ct.TensorType(name=INPUT_POINTS, shape=(1, plan.input.height, 2))],
            outputs=[ct.TensorType(name="scores")],
            convert_to="mlprogram",
            compute_precision=ct.precision.FLOAT32,
            minimum_deployment_target=ct.target.iOS16,
        )
    except Exception as exc:  # coremltools raises many types
        raise ConversionError("coremltools", _failed_operator(str(exc)), str(exc), ()) from exc
    return mlmodel, "default MIL passes"


# Core ML feature names must be identifiers: the ONNX input `serving_default_input_points:0`
# is exposed as `points` (models.json names both).
INPUT_POINTS = "points"


def _failed_operator(message: str) -> str:
    """Best guess at the operator a coremltools error names ("unknown" when it names none)."""
    import re

    for pattern in (r"op '([\w:.]+)'", r"(aten::\w+)", r"operator '?([\w:.]+)'?", r"'(\w+)' op"):
        match = re.search(pattern, message)
        if match:
            return match.group(1)
    return "unknown"


def _convert(plan: ModelPlan, traced: torch.jit.ScriptModule) -> Any:
    """torch.jit -> Core ML ML Program; retries once without the optional MIL passes."""
    import coremltools as ct

    colour = ct.colorlayout.GRAYSCALE if plan.input.colour == "GRAY" else ct.colorlayout.RGB
    if plan.input.colour == "BGR":
        colour = ct.colorlayout.BGR
    bias = list(plan.input.bias) if plan.input.channels == 3 else plan.input.bias[0]
    image = ct.ImageType(
        name=plan.input.name,
        shape=(1, plan.input.channels, plan.input.height, plan.input.width),
        color_layout=colour,
        scale=plan.input.scale,
        bias=bias,
    )
    kwargs: dict[str, Any] = {
        "inputs": [image],
        "convert_to": "mlprogram",
        "compute_precision": ct.precision.FLOAT32,
        "minimum_deployment_target": ct.target.iOS16,
    }
    if plan.is_classifier:
        kwargs["outputs"] = [ct.TensorType(name="probabilities")]
        kwargs["classifier_config"] = ct.ClassifierConfig(
            list(plan.labels),
            predicted_feature_name="label",
            predicted_probabilities_output="probabilities",
        )
    else:
        names = plan.outputs or ("output",)
        kwargs["outputs"] = [ct.TensorType(name=name) for name in names]
    attempts = (("default MIL passes", None), ("no optional MIL passes", ct.PassPipeline.EMPTY))
    errors = []
    for label, pipeline in attempts:
        try:
            extra = {} if pipeline is None else {"pass_pipeline": pipeline}
            return ct.convert(traced, **kwargs, **extra), label
        except Exception as exc:  # coremltools raises many types; report and try the next fix
            log.warning("%s: Core ML conversion with %s failed: %s", plan.key, label, exc)
            errors.append((label, exc))
    first = str(errors[0][1])
    raise ConversionError(
        "coremltools",
        _failed_operator(first),
        f"{first} (also failed: {errors[-1][1]})",
        tuple(label for label, _ in attempts),
    )


def _describe(plan: ModelPlan, mlmodel: Any, sha256: str) -> None:
    """Author, licence, description, version and the provenance the app checks."""
    mlmodel.author = AUTHOR
    mlmodel.license = plan.licence
    mlmodel.short_description = (
        f"{TASK_DESCRIPTIONS.get(plan.task, plan.task)}. Source: {plan.source}"
    )
    mlmodel.version = plan.version
    meta = mlmodel.user_defined_metadata
    meta["iface.manifest_key"] = plan.key
    meta["iface.task"] = plan.task
    meta["iface.source_onnx_file"] = plan.manifest_file
    meta["iface.source_onnx_sha256"] = sha256
    meta["iface.input_normalisation"] = (
        f"{plan.input.colour} pixels 0..255, scale {plan.input.scale:.10g}, "
        f"bias {list(plan.input.bias)}"
    )
    for name, value in plan.thresholds.items():
        meta[f"iface.threshold.{name}"] = f"{value:g}"
    if plan.takes_points:
        meta["iface.input_normalisation"] = "none: (x, y) image pixels, scale-invariant"
        meta["iface.output_labels"] = ",".join(plan.labels)
        mlmodel.input_description[INPUT_POINTS] = (
            f"{plan.input.height} face-mesh points (x, y) in image pixels, MediaPipe's "
            "blendshape subset (kiosk/core/blendshape_input.py)"
        )
        return
    mlmodel.input_description[plan.input.name] = (
        f"{plan.input.width}x{plan.input.height} {plan.input.colour} face image "
        f"(crop margin {plan.input.crop_margin:g}, square {plan.input.crop_square})"
    )


def _spec_entry(plan: ModelPlan, path: Path, sha256: str, fix: str, diff: float) -> dict[str, Any]:
    """The models.json entry, read back from the saved spec (names as Core ML will expose them)."""
    import coremltools as ct

    spec = ct.models.MLModel(str(path), skip_model_load=True).get_spec()
    outputs = []
    for out in spec.description.output:
        kind = out.type.WhichOneof("Type")
        shape = list(out.type.multiArrayType.shape) if kind == "multiArrayType" else []
        outputs.append({"name": out.name, "type": kind, "shape": shape})
    inp = plan.input
    if plan.takes_points:
        return {
            "key": plan.key,
            "task": plan.task,
            "file": path.name,
            "version": plan.version,
            "input": {
                "name": spec.description.input[0].name,
                "onnx_name": inp.name,
                "shape": [1, inp.height, inp.width],
                "kind": "points (x, y) in image pixels",
            },
            "outputs": outputs,
            "labels": list(plan.labels),
            "thresholds": plan.thresholds,
            "source_onnx": {"file": plan.manifest_file, "sha256": sha256},
            "licence": plan.licence,
            "source": plan.source,
            "conversion": {"fix": fix, "trace_max_abs_diff_random_points": diff},
        }
    return {
        "key": plan.key,
        "task": plan.task,
        "file": path.name,
        "version": plan.version,
        "input": {
            "name": spec.description.input[0].name,
            "shape": [1, inp.channels, inp.height, inp.width],
            "colour": inp.colour,
            "scale": inp.scale,
            "bias": list(inp.bias),
            "normalisation": f"(pixel - {list(inp.mean)}) / {list(inp.std)}"
            if inp.dtype != "uint8"
            else "raw 0..255 pixels (the graph subtracts dlib's means and divides by 256)",
            "crop_margin": inp.crop_margin,
            "crop_square": inp.crop_square,
            "flip_average": inp.flip_average,
        },
        "outputs": outputs,
        "labels": list(plan.labels),
        "thresholds": plan.thresholds,
        **plan.extras,
        "source_onnx": {"file": plan.manifest_file, "sha256": sha256},
        "licence": plan.licence,
        "source": plan.source,
        "conversion": {"fix": fix, "trace_max_abs_diff_random_image": diff},
    }


def convert_one(plan: ModelPlan, out_dir: Path) -> Outcome:
    """Convert one model into `out_dir/<key>.mlpackage`; never raises for a model problem."""
    import shutil

    try:
        data, sha256 = read_verified(plan)
    except SpecError as exc:
        return Outcome(plan.key, False, f"stage=read, operator=-, {exc}")
    ops = operators_used(onnx.load_from_string(data))
    log.info("%s: %s (%s), operators %s", plan.key, plan.manifest_file, sha256[:12], ops)
    try:
        if plan.takes_points:
            traced, diff = trace_points_model(plan, data)
            mlmodel, fix = _convert_points(plan, traced)
        else:
            traced, diff = trace_model(plan, data)
            mlmodel, fix = _convert(plan, traced)
    except ConversionError as exc:
        fixes = ", ".join(exc.fixes) or "-"
        detail = f"stage={exc.stage}, operator={exc.operator}, fixes tried: {fixes}; {exc}"
        return Outcome(plan.key, False, detail)
    _describe(plan, mlmodel, sha256)
    target = out_dir / f"{plan.key}.mlpackage"
    staging = out_dir / f".staging-{plan.key}.mlpackage"  # save() wants the suffix
    shutil.rmtree(staging, ignore_errors=True)
    mlmodel.save(str(staging))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    entry = _spec_entry(plan, target, sha256, fix, diff)
    return Outcome(plan.key, True, f"ok ({fix}; traced vs onnxruntime {diff:.2g})", entry)


def write_models_json(outcomes: list[Outcome], out_dir: Path) -> Path:
    """models.json: the converted models' contracts, plus the failures (if any)."""
    import coremltools as ct

    document = {
        "format": MODELS_JSON_FORMAT,
        "generated_by": "ios_companion/build_coreml.py",
        "converter": {"coremltools": ct.__version__, "torch": torch.__version__},
        "minimum_deployment_target": "iOS16",
        "compute_precision": "float32",
        "embedding_model": "face_embedder",
        "models": [o.entry for o in outcomes if o.ok],
        "failed": [{"key": o.key, "detail": o.detail} for o in outcomes if not o.ok],
    }
    path = out_dir / "models.json"
    path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Convert every iPad model; 0 when all converted, 1 when any failed, 2 on a bad manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR)
    every = IOS_MODEL_KEYS + IOS_POINTS_MODEL_KEYS
    parser.add_argument("--only", nargs="+", choices=every, metavar="KEY")
    args = parser.parse_args(argv)
    os.environ.setdefault("TQDM_DISABLE", "1")  # coremltools' per-pass progress bars
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("coremltools", "torch"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    torch.set_num_threads(2)
    try:
        plans = load_plans(args.models_dir, tuple(args.only or every))
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    outcomes = [convert_one(plan, args.out) for plan in plans]
    path = write_models_json(outcomes, args.out)
    for outcome in outcomes:
        print(f"{'OK    ' if outcome.ok else 'FAILED'} {outcome.key}: {outcome.detail}")
    failed = [o.key for o in outcomes if not o.ok]
    print(f"wrote {path}; {len(outcomes) - len(failed)} converted, {len(failed)} failed")
    if failed:
        print(f"error: not converted: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
