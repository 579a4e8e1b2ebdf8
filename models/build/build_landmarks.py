"""Convert MediaPipe's 468-point face mesh (TFLite) to ONNX.

Source: mediapipe==0.10.21 (Apache-2.0) wheel: mediapipe/modules/face_landmark/face_landmark.tflite
Output: models/face_landmark/face_mesh_468_mp0.10.21.onnx (tf2onnx, TFLite front end).

Model contract (checked below): input ``input_1`` float32 [1, 192, 192, 3] NHWC, RGB, values in
[0, 1] (x / 255); the crop is the face box enlarged 1.5x, square. Outputs ``conv2d_21``
[1, 1, 1, 1404] = 468 x (x, y, z) in input pixels (z relative, same scale as x), and ``conv2d_31``
[1, 1, 1, 1] = face presence logit (sigmoid -> probability).

Run from the repository root in the build env (models/README.md):
    python -m models.build.build_landmarks
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from models.build import toolkit

VERSION = "0.10.21"
MEMBER = "mediapipe/modules/face_landmark/face_landmark.tflite"
DEST = toolkit.MODELS_DIR / "face_landmark" / f"face_mesh_468_mp{VERSION}.onnx"
OPSET = 13
SIZE = 192
MARGIN = 0.25  # box enlarged 1.5x, as MediaPipe's detection-to-ROI step does
NON_FACE = ("biden/biden_1.jpg", (0, 1400, 600, 2000))  # suit and background, no face
TOLERANCE = 2e-3  # landmark outputs are in pixels (0..192)


def unfold_prelu(path: Path) -> int:
    """Rewrite each PRelu(x, a) as Relu(x) + a * Min(x, 0); returns how many were rewritten.

    Exact in float32 (one term is always zero). onnxruntime 1.32 (the kiosk's runtime) runs PRelu
    with a per-channel slope about 16x slower than 1.22 did (650 vs 40 us on a 64x48x48 tensor);
    the four-op form takes ~80 us on both, which halves this graph's time on 1.32.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    zero = "prelu_zero"
    graph.initializer.append(numpy_helper.from_array(np.zeros((), np.float32), zero))
    nodes, count = [], 0
    for node in graph.node:
        if node.op_type != "PRelu":
            nodes.append(node)
            continue
        x, slope = node.input
        base = node.name or node.output[0]
        nodes += [
            helper.make_node("Relu", [x], [f"{base}/pos"], name=f"{base}/relu"),
            helper.make_node("Min", [x, zero], [f"{base}/neg"], name=f"{base}/min"),
            helper.make_node("Mul", [f"{base}/neg", slope], [f"{base}/scaled"], name=f"{base}/mul"),
            helper.make_node(
                "Add", [f"{base}/pos", f"{base}/scaled"], [node.output[0]], name=f"{base}/add"
            ),
        ]
        count += 1
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.save(model, str(path))
    return count


def _sigmoid(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def main() -> int:
    toolkit.patch_numpy()
    import tensorflow as tf
    import tf2onnx

    wheel = toolkit.pip_download("mediapipe", VERSION)
    work = toolkit.scratch_dir()
    tflite = toolkit.extract_member(wheel, MEMBER, work / "face_landmark.tflite")

    DEST.parent.mkdir(parents=True, exist_ok=True)
    tf2onnx.convert.from_tflite(str(tflite), opset=OPSET, output_path=str(DEST))
    print(f"  rewrote {unfold_prelu(DEST)} PRelu nodes as Relu + slope * Min(x, 0)")
    toolkit.finalize_onnx(DEST, f"mediapipe=={VERSION}: {MEMBER}")

    interpreter = tf.lite.Interpreter(model_path=str(tflite), num_threads=1)
    interpreter.allocate_tensors()
    tin = interpreter.get_input_details()[0]
    touts = interpreter.get_output_details()
    session = toolkit.ort_session(DEST)
    print(f"{DEST.name}: opset {OPSET}")
    toolkit.describe(session)
    input_name = session.get_inputs()[0].name
    output_names = [o.name for o in session.get_outputs()]

    def run_tflite(x: np.ndarray) -> dict[str, np.ndarray]:
        interpreter.set_tensor(tin["index"], x)
        interpreter.invoke()
        return {d["name"]: interpreter.get_tensor(d["index"]) for d in touts}

    diffs: list[float] = []
    presence_ok = True
    feed: dict[str, np.ndarray] = {}
    for name, crop in toolkit.face_crops(SIZE, MARGIN):
        x = (crop.astype(np.float32) / 255.0)[None]
        ref = run_tflite(x)
        got = dict(zip(output_names, session.run(None, {input_name: x}), strict=True))
        diff = max(float(np.abs(ref[k] - got[k]).max()) for k in output_names)
        diffs.append(diff)
        # Normalisation check: presence with [0, 1] input vs the [-1, 1] alternative.
        alt = run_tflite(x * 2 - 1)
        pts = got["conv2d_21"].reshape(468, 3)
        p01 = _sigmoid(got["conv2d_31"].item())
        pm11 = _sigmoid(alt["conv2d_31"].item())
        presence_ok &= p01 > 0.5
        print(
            f"  {name}: diff {diff:.2e}  presence [0,1] {p01:.3f} vs [-1,1] {pm11:.3f}  "
            f"landmarks x {pts[:, 0].min():.0f}..{pts[:, 0].max():.0f} "
            f"y {pts[:, 1].min():.0f}..{pts[:, 1].max():.0f}"
        )
        feed = {input_name: x}

    ok = toolkit.parity(diffs, TOLERANCE)
    print(f"  presence > 0.5 on every face with [0, 1] input: {presence_ok}")
    ok &= presence_ok
    # A background patch (no face) must score low with the same normalisation.
    from PIL import Image

    patch = Image.open(toolkit.PUBLIC_DOMAIN / NON_FACE[0]).convert("RGB").crop(NON_FACE[1])
    x = (np.asarray(patch.resize((SIZE, SIZE)), dtype=np.float32) / 255.0)[None]
    non_face = _sigmoid(session.run(None, {input_name: x})[output_names.index("conv2d_31")].item())
    print(
        f"  presence on a background patch (no face): {non_face:.3f}  "
        f"{'PASS' if non_face < 0.5 else 'FAIL'}"
    )
    ok &= non_face < 0.5
    print(f"  onnxruntime 1 thread: median {toolkit.median_ms(session, feed):.2f} ms (batch 1)")
    toolkit.report(DEST)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
