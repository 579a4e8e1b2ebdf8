"""Fit the mask fusion's four numbers (kiosk.core.mask) on tuning data only, and say how it does.

    python models/validation/fit_mask_fusion.py --faces DIR [--features OUT.csv]

DIR holds the shared research-only sets (`dev-only/...`; never copied into the repository).
Examples, all from the tuning halves of the split manifests in `splits/`:

- masked: `mask_v2/with_mask`;
- bare photos: `mask_v2/without_mask` (CelebA crops), the colour photos of `emotion_v2`
  (KDEF, JAFFE; the grey ones have no cues) and of `identities`;
- bare camera frames: every 4th frame of the two dev clips (`video/one_person_pexels.mp4`,
  `video/hamilton_clip.mp4`: a talking head; a stage with profiles and small faces), every
  face found. These keep a cue that only works on tidy photos out of the fit.

Each face gets what the kiosk computes (`kiosk.vision.mask_cue`): the classifier on the crop
and its mirror (averaged), the colour contrast and the skin fraction. The fit is a
class-balanced logistic regression (Newton steps, L2 1e-2), also cross-validated (5 folds, 3
seeds) on the photos. Its decision point is then moved up to the lowest of 0, 0.5, ... 3
log-odds at which no bare camera face and at most 0.5 % of the bare photos are called masked,
and folded into the bias. The held-out halves are never read here: score them with
`kiosk eval labels --half heldout`.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from kiosk.camera.sources import read_image
from kiosk.core.mask import logit
from kiosk.core.splits import read_split
from kiosk.core.types import WITH_MASK
from kiosk.vision.finder_records import FoundFace, largest
from kiosk.vision.manifest import load_manifest
from kiosk.vision.mask_cue import lower_face_cues
from kiosk.vision.models import VisionModels, load_vision_models
from kiosk.vision.runtime import ImageBGR, crop_face

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PHOTO_SETS = ("mask_v2", "emotion_v2", "identities")
CLIPS = ("one_person_pexels.mp4", "hamilton_clip.mp4")
FRAME_STEP = 4
L2 = 1e-2
POINTS = tuple(x / 2 for x in range(7))  # candidate decision points, log-odds
MAX_BARE_PHOTO_RATE = 0.005
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Example:
    """One face and what the fusion sees of it."""

    kind: str  # "photo" or "camera"
    where: str
    masked: bool
    classifier: float  # with_mask probability, crop and mirror averaged
    colour_contrast: float
    skin_fraction: float


def _example(
    models: VisionModels, image: ImageBGR, face: FoundFace, *, kind: str, where: str, masked: bool
) -> Example | None:
    cues = lower_face_cues(image, face.box, face.mesh)
    if cues is None:
        return None
    batch = models.mask.prepare([crop_face(image, face.box.xyxy, models.mask.spec.input)])
    first = models.mask.read(batch)[0].prob(WITH_MASK)
    mirror = models.mask.read(models.mask.mirrored(batch))[0].prob(WITH_MASK)
    return Example(
        kind, where, masked, (first + mirror) / 2, cues.colour_contrast, cues.skin_fraction
    )


def photos(models: VisionModels, faces_dir: Path) -> Iterator[Example]:
    """The tuning halves' photos with a face and colour."""
    for name in PHOTO_SETS:
        root = faces_dir / "dev-only" / name
        for item in read_split(HERE / "splits" / f"{name}.csv"):
            if item.half != "tune" or item.source == "FER-2013":
                continue
            image = read_image(root / item.file)
            face = largest(models.finder.find(image, still=True))
            masked = name == "mask_v2" and item.label == WITH_MASK
            if face is not None:
                found = _example(
                    models, image, face, kind="photo", where=f"{name}/{item.file}", masked=masked
                )
                if found is not None:
                    yield found


def camera_faces(models: VisionModels, faces_dir: Path) -> Iterator[Example]:
    """Every face on every FRAME_STEP-th frame of the bare-face dev clips."""
    for clip in CLIPS:
        capture = cv2.VideoCapture(str(faces_dir / "dev-only" / "video" / clip))
        index = 0
        while True:
            ok, read = capture.read()
            if not ok:
                break
            frame = np.asarray(read, np.uint8)
            index += 1
            if index % FRAME_STEP == 0:
                for face in models.finder.find(frame, still=True):
                    found = _example(
                        models, frame, face, kind="camera", where=f"{clip}:{index}", masked=False
                    )
                    if found is not None:
                        yield found
        capture.release()


def design(examples: list[Example]) -> tuple[Floats, Floats]:
    """Columns: classifier logit, colour contrast / 10, skin fraction, 1; and the labels."""
    x = np.array(
        [[logit(e.classifier), e.colour_contrast / 10, e.skin_fraction, 1.0] for e in examples]
    )
    return x, np.array([float(e.masked) for e in examples])


def fit(x: Floats, y: Floats) -> Floats:
    """Class-balanced L2 logistic regression by Newton's method (the bias is not shrunk)."""
    w = np.zeros(x.shape[1])
    balance = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    shrink = np.diag([L2] * (x.shape[1] - 1) + [0.0])
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (balance * (p - y)) + shrink @ w
        hessian = (x * (balance * p * (1 - p))[:, None]).T @ x + shrink
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def cross_validated(x: Floats, y: Floats, camera: Floats) -> tuple[Floats, Floats]:
    """Out-of-fold log-odds of the photos (mean of 3 seeds x 5 folds), and the camera faces'
    log-odds averaged over the same 15 fits (each fit saw every camera face: in-sample)."""
    z, z_camera = np.zeros(len(y)), np.zeros(len(camera))
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(y))
        for fold in np.array_split(order, 5):
            rest = np.setdiff1d(order, fold)
            w = fit(np.vstack([x[rest], camera]), np.r_[y[rest], np.zeros(len(camera))])
            z[fold] += x[fold] @ w / 3
            z_camera += camera @ w / 15
    return z, z_camera


def decision_point(z_photos: Floats, y: Floats, z_camera: Floats) -> float:
    """The lowest candidate point that calls no camera face and <= 0.5 % bare photos masked."""
    bare = z_photos[y == 0]
    for point in POINTS:
        if (z_camera >= point).sum() == 0 and (bare >= point).mean() <= MAX_BARE_PHOTO_RATE:
            return point
    return POINTS[-1]


def report(name: str, z: Floats, y: Floats, z_camera: Floats) -> None:
    for point in POINTS:
        missed = int((z[y == 1] < point).sum())
        false = int((z[y == 0] >= point).sum())
        print(
            f"{name} at {point:.1f}: masks missed {missed}/{int(y.sum())}, bare photos called "
            f"masked {false}/{int((y == 0).sum())}, camera faces {int((z_camera >= point).sum())}"
            f"/{len(z_camera)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=Path, required=True, help="the shared faces folder")
    parser.add_argument("--features", type=Path, help="also write every example as CSV")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    with load_vision_models(load_manifest(REPO / "models"), args.threads) as models:
        examples = list(photos(models, args.faces)) + list(camera_faces(models, args.faces))
    if args.features:
        with args.features.open("w", newline="") as out:
            writer = csv.DictWriter(out, list(asdict(examples[0])))
            writer.writeheader()
            writer.writerows(asdict(e) for e in examples)
    x, y = design([e for e in examples if e.kind == "photo"])
    camera, _ = design([e for e in examples if e.kind == "camera"])
    w = fit(np.vstack([x, camera]), np.r_[y, np.zeros(len(camera))])
    z_cv, z_camera_cv = cross_validated(x, y, camera)
    report("cross-validated", z_cv, y, z_camera_cv)
    report("fitted", x @ w, y, camera @ w)
    point = decision_point(x @ w, y, camera @ w)
    print(f"photos {len(y)} ({int(y.sum())} masked), camera faces {len(camera)}")
    print(f"decision point {point} log-odds; manifest [models.mask.thresholds]:")
    for key, value in zip(("classifier", "colour", "skin"), w[:3], strict=True):
        print(f"fusion_{key} = {value:.3f}")
    print(f"fusion_bias = {w[3] - point:.3f}")


if __name__ == "__main__":
    main()
