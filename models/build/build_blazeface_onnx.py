"""Convert MediaPipe's two BlazeFace face detectors (TFLite) to ONNX.

Sources: mediapipe==0.10.21 (Apache-2.0) wheel, the same files the kiosk ships as .tflite:
  mediapipe/modules/face_detection/face_detection_short_range.tflite        (128x128, 896 anchors)
  mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite  (192x192, 2304 anchors)
Outputs (tf2onnx, TFLite front end), next to the .tflite files in models/face_detection/:
  blazeface_short_range_mp0.10.21.onnx and blazeface_full_range_sparse_mp0.10.21.onnx.

The full-range model stores 46 of its float16 weight tensors sparse (TFLite's TACO format), each
expanded at load time by a DENSIFY op; tf2onnx cannot read sparse tensors. The script asks
TFLite itself for the dense values (the DENSIFY outputs, kept with
``experimental_preserve_all_tensors``), stores them as ordinary constants and drops the DENSIFY
ops, then converts. tf2onnx folds each float16 weight and its DEQUANTIZE op into one float32
constant, so the ONNX files hold float32 weights (full range: 508k values, 2.1 MB vs 677 kB).

Model contract (checked below): input float32 [1, S, S, 3] NHWC, RGB, (x - 127.5) / 127.5, the
frame letterboxed to S x S. Outputs: regressors [1, N, 16] (box centre offset x, y, size w, h,
then 6 keypoints x, y; all in input pixels, relative to the anchor) and classificators
[1, N, 1] (score logits).

Each model is converted twice; the two results must be byte-identical. Run from the repository
root in the build env (models/README.md):
    python -m models.build.build_blazeface_onnx
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.build import toolkit

VERSION = "0.10.21"
OPSET = 13
DENSIFY = 124  # tflite BuiltinOperator.DENSIFY
# Outputs far from any face reach 1e4 (regressors, in input pixels) and -3e4 (logits) on the black
# letterbox bars, where float32 rounding differs by ~1e-2 between TFLite (XNNPACK) and onnxruntime;
# so the difference is scaled by max(1, |reference|). Near a face it is ~1e-4 absolute.
TOLERANCE = 1e-3


@dataclass(frozen=True)
class Detector:
    """One BlazeFace model: where it comes from and where the ONNX file goes."""

    name: str
    member: str
    tflite: Path
    size: int

    @property
    def dest(self) -> Path:
        return self.tflite.with_suffix(".onnx")


DETECTORS = (
    Detector(
        "short_range",
        "mediapipe/modules/face_detection/face_detection_short_range.tflite",
        toolkit.MODELS_DIR / "face_detection" / f"blazeface_short_range_mp{VERSION}.tflite",
        128,
    ),
    Detector(
        "full_range_sparse",
        "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
        toolkit.MODELS_DIR / "face_detection" / f"blazeface_full_range_sparse_mp{VERSION}.tflite",
        192,
    ),
)


def _builtin(model: Any, op: Any) -> int:
    code = model.operatorCodes[op.opcodeIndex]
    return int(max(code.builtinCode, code.deprecatedBuiltinCode))


def _dense_values(path: Path, size: int) -> dict[int, np.ndarray]:
    """Every tensor's value after one run of TFLite's reference kernels (no delegates)."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(
        model_path=str(path),
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interpreter.allocate_tensors()
    interpreter.set_tensor(
        interpreter.get_input_details()[0]["index"], np.zeros((1, size, size, 3), np.float32)
    )
    interpreter.invoke()
    return {
        d["index"]: interpreter.get_tensor(d["index"]) for d in interpreter.get_tensor_details()
    }


def densify(src: Path, dest: Path, size: int) -> int:
    """Write ``src`` with every DENSIFY op replaced by its dense constant; returns how many.

    The DENSIFY output tensor gets a new buffer holding TFLite's own densified values; readers of
    the op's output keep reading the same tensor, which is now a constant. The sparse input
    (now unread) gets the same dense buffer, as tf2onnx parses every tensor in the file.
    """
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = flatbuffer_utils.read_model(str(src))
    graph = model.subgraphs[0]
    ops = [op for op in graph.operators if _builtin(model, op) == DENSIFY]
    if not ops:
        dest.write_bytes(src.read_bytes())
        return 0
    values = _dense_values(src, size)
    for op in ops:
        (sparse,), (out,) = op.inputs, op.outputs
        dense = values[out]
        if dense.dtype != values[sparse].dtype or list(dense.shape) != list(
            graph.tensors[out].shape
        ):
            raise RuntimeError(f"DENSIFY output {out}: unexpected {dense.dtype} {dense.shape}")
        buffer = schema.BufferT()
        buffer.data = np.frombuffer(np.ascontiguousarray(dense).tobytes(), dtype=np.uint8)
        model.buffers.append(buffer)
        for index in (sparse, out):  # tf2onnx reads every tensor, used or not
            graph.tensors[index].buffer = len(model.buffers) - 1
            graph.tensors[index].sparsity = None
    graph.operators = [op for op in graph.operators if _builtin(model, op) != DENSIFY]
    flatbuffer_utils.write_model(model, str(dest))
    return len(ops)


def convert(detector: Detector, work: Path) -> Path:
    """tf2onnx (densified if needed) + canonical form, into ``work``; returns the ONNX path."""
    import tf2onnx

    work.mkdir(parents=True, exist_ok=True)
    dense = work / f"{detector.name}_dense.tflite"
    count = densify(detector.tflite, dense, detector.size)
    print(f"  {detector.name}: replaced {count} DENSIFY ops by dense float16 constants")
    out = work / detector.dest.name
    tf2onnx.convert.from_tflite(str(dense), opset=OPSET, output_path=str(out))
    toolkit.finalize_onnx(out, f"mediapipe=={VERSION}: {detector.member}")
    return out


def parity_inputs(size: int) -> Iterator[tuple[str, np.ndarray]]:
    """(name, float32 [1, S, S, 3] in [-1, 1]) for face crops and whole letterboxed photos."""
    from PIL import Image

    for name, crop in toolkit.face_crops(size, margin=0.5):
        yield f"crop {name}", (crop.astype(np.float32) / 127.5 - 1.0)[None]
    for path in sorted(toolkit.PUBLIC_DOMAIN.glob("*/*.*")):
        if path.suffix.lower() not in {".jpg", ".png"}:
            continue
        image = Image.open(path).convert("RGB")
        scale = size / max(image.width, image.height)
        width, height = round(image.width * scale), round(image.height * scale)
        canvas = Image.new("RGB", (size, size))
        canvas.paste(image.resize((width, height)), ((size - width) // 2, (size - height) // 2))
        rel = path.relative_to(toolkit.PUBLIC_DOMAIN)
        yield f"photo {rel}", (np.asarray(canvas, np.float32) / 127.5 - 1.0)[None]


def _scaled_diff(reference: np.ndarray, got: np.ndarray) -> float:
    return float((np.abs(reference - got) / np.maximum(1.0, np.abs(reference))).max())


def check_parity(detector: Detector) -> bool:
    """Raw outputs of the ONNX file vs tf.lite.Interpreter on the original .tflite file."""
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(detector.tflite), num_threads=1)
    interpreter.allocate_tensors()
    tin = interpreter.get_input_details()[0]
    touts = {d["name"]: d["index"] for d in interpreter.get_output_details()}
    session = toolkit.ort_session(detector.dest)
    print(f"{detector.dest.name}: opset {OPSET}")
    toolkit.describe(session)
    names = [o.name for o in session.get_outputs()]
    if sorted(names) != sorted(touts):
        print(f"  outputs differ: onnx {names}, tflite {sorted(touts)}  FAIL")
        return False
    diffs, best_scores, feed = [], [], {}
    for label, x in parity_inputs(detector.size):
        interpreter.set_tensor(tin["index"], x)
        interpreter.invoke()
        feed = {session.get_inputs()[0].name: x}
        got = dict(zip(names, session.run(None, feed), strict=True))
        diff = max(_scaled_diff(interpreter.get_tensor(touts[k]), got[k]) for k in names)
        diffs.append(diff)
        logits = next(v for v in got.values() if v.shape[-1] == 1)
        best_scores.append(float(1 / (1 + np.exp(-logits.max()))))
        print(f"  {label}: max scaled diff {diff:.2e}  best score {best_scores[-1]:.3f}")
    ok = max(diffs) <= TOLERANCE
    print(
        f"  parity: max |onnx - tflite| / max(1, |tflite|) {max(diffs):.3g} over {len(diffs)} "
        f"inputs (tolerance {TOLERANCE:g})  {'PASS' if ok else 'FAIL'}"
    )
    print(f"  onnxruntime 1 thread: median {toolkit.median_ms(session, feed):.2f} ms (batch 1)")
    return ok


def main() -> int:
    toolkit.patch_numpy()
    ok = True
    for detector in DETECTORS:
        wheel_sha = toolkit.sha256_of(detector.tflite)
        print(f"{detector.tflite.name}: sha256 {wheel_sha}")
        first = convert(detector, toolkit.scratch_dir())
        second = convert(detector, toolkit.scratch_dir())
        same = first.read_bytes() == second.read_bytes()
        print(f"  two conversions byte-identical: {same}  {'PASS' if same else 'FAIL'}")
        ok &= same
        detector.dest.write_bytes(first.read_bytes())
        ok &= check_parity(detector)
        toolkit.report(detector.dest)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
