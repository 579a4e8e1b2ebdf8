"""``python -m models.build.alignment``: write models/face_recognition/alignment_check.json."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.build import alignment, toolkit
from models.build.alignment.chip_parity import parity, pyramid_requests
from models.build.alignment.fit import calibration_report, shipped_rules_json
from models.build.alignment.photos import KioskModels, load_photos, run_dlib

OUTPUT = toolkit.MODELS_DIR / "face_recognition" / "alignment_check.json"
DEFAULT_FACES = toolkit.REPO_ROOT / "tests" / "fixtures" / "faces"
DEFAULT_DLIB_PYTHON = toolkit.REPO_ROOT / ".venv-build-dlib" / "bin" / "python"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure, then write the JSON data file (or print it with --print-only)."""
    parser = argparse.ArgumentParser(description=(alignment.__doc__ or "").splitlines()[0])
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES, help="folder of photos")
    parser.add_argument("--dlib-python", type=Path, default=DEFAULT_DLIB_PYTHON)
    parser.add_argument("--print-only", action="store_true", help="do not write the data file")
    args = parser.parse_args(argv)
    photos = load_photos(args.faces, ("",), flips=True)
    models = KioskModels(toolkit.MODELS_DIR)
    rgb = [np.ascontiguousarray(p.image_bgr[:, :, ::-1]) for p in photos]
    dlib_out = run_dlib(rgb, str(args.dlib_python))
    scaled, requests = pyramid_requests(photos, dlib_out, 24)
    scaled_rgb = [np.ascontiguousarray(p.image_bgr[:, :, ::-1]) for p in scaled]
    scaled_out = run_dlib(scaled_rgb, str(args.dlib_python), requests)
    faces_root = args.faces.resolve()
    where = (
        faces_root.relative_to(toolkit.REPO_ROOT).as_posix()
        if faces_root.is_relative_to(toolkit.REPO_ROOT)
        else "(outside the repository)"
    )
    result = {
        "tool": "python -m models.build.alignment",
        "faces": where,
        "photos_with_mirrors": len(photos),
        "parity_photos": parity(photos, dlib_out, models),
        "parity_pyramid": parity(scaled, scaled_out, models),
        "shipped_rules": shipped_rules_json(),
        "calibration": calibration_report(photos, dlib_out, models),
    }
    models.detector.close()
    text = json.dumps(result, indent=1) + "\n"
    if args.print_only:
        print(text)
    else:
        OUTPUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUTPUT.relative_to(toolkit.REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
