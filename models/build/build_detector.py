"""Extract the BlazeFace face detectors from the pinned mediapipe wheel (no conversion).

Source: mediapipe==0.10.21 (Apache-2.0), cp311 manylinux x86_64 wheel:
  mediapipe/modules/face_detection/face_detection_short_range.tflite
  mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite

They are the sources of the kiosk's ONNX detectors (build_blazeface_onnx.py) and, used as-is by the
MediaPipe Tasks ``FaceDetector`` (mediapipe 1.2.x ships no model files), the reference of
tests/mediapipe. The check runs each one in that test's virtualenv (``.venv-mediapipe``, made by
``make test-mediapipe``) on a public-domain photo: mediapipe is in neither the build environment nor
the kiosk's.

Run from the repository root in the build env (models/README.md):
    python -m models.build.build_detector
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

from models.build import toolkit

VERSION = "0.10.21"
MEMBERS = {
    "mediapipe/modules/face_detection/face_detection_short_range.tflite": toolkit.MODELS_DIR
    / "face_detection"
    / f"blazeface_short_range_mp{VERSION}.tflite",
    "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite": toolkit.MODELS_DIR
    / "face_detection"
    / f"blazeface_full_range_sparse_mp{VERSION}.tflite",
}
REPO_ROOT = toolkit.MODELS_DIR.parent
TASKS_PYTHON = REPO_ROOT / ".venv-mediapipe" / "bin" / "python"
CHECK_IMAGE = REPO_ROOT / "tests" / "fixtures" / "faces" / "collins" / "collins_1.png"

_TASKS_CHECK = r"""
import sys
import mediapipe as mp
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions
model, image_path = sys.argv[1], sys.argv[2]
options = vision.FaceDetectorOptions(base_options=BaseOptions(model_asset_path=model),
                                     min_detection_confidence=0.5)
detector = vision.FaceDetector.create_from_options(options)
try:
    result = detector.detect(mp.Image.create_from_file(image_path))
finally:
    detector.close()
scores = sorted((d.categories[0].score for d in result.detections), reverse=True)
print(len(scores), " ".join(f"{s:.4f}" for s in scores))
"""


def main() -> int:
    wheel = toolkit.pip_download("mediapipe", VERSION)
    ok = True
    for member, dest in MEMBERS.items():
        toolkit.extract_member(wheel, member, dest)
        with zipfile.ZipFile(wheel) as zf:
            same = zf.read(member) == dest.read_bytes()
        print(f"{dest.name}: byte-equal to wheel member {member}: {same}")
        ok &= same
        if not TASKS_PYTHON.exists():
            print(f"SKIP Tasks check: no {TASKS_PYTHON} (run make test-mediapipe first)")
        else:
            run = subprocess.run(
                [str(TASKS_PYTHON), "-c", _TASKS_CHECK, str(dest), str(CHECK_IMAGE)],
                capture_output=True,
                text=True,
                check=False,
            )
            if run.returncode != 0:
                print(run.stderr[-2000:])
                ok = False
            else:
                count, *scores = run.stdout.split()
                found = int(count) >= 1
                print(
                    f"  Tasks FaceDetector on {CHECK_IMAGE.name}: {count} face(s), "
                    f"scores {' '.join(scores) or '-'}  {'PASS' if found else 'FAIL'}"
                )
                ok &= found
        toolkit.report(dest)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
