"""(ii) Rules mapping landmarks to dlib's 5 points: fit, cross-validate, measure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.build.alignment.photos import KioskModels, Photo, iod, match

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


def point_errors(pred: np.ndarray, targets: np.ndarray) -> dict[str, float]:
    """Point error in px and in % of dlib's inter-ocular distance (IOD)."""
    err = np.linalg.norm(pred - targets, axis=2)
    rel = err / iod(targets)[:, None] * 100
    return {
        "px_mean": round(float(err.mean()), 3),
        "px_max": round(float(err.max()), 3),
        "iod_pct_mean": round(float(rel.mean()), 3),
        "iod_pct_p95": round(float(np.percentile(rel, 95)), 3),
    }


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
    lm: np.ndarray,
    targets: np.ndarray,
    groups: np.ndarray,
    *,
    frame: tuple[tuple[int, ...], tuple[int, ...]],
    candidates: Mapping[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]],
    mirror: dict[int, int],
) -> dict[str, Any]:
    """Cross-validated error of each candidate mapping, and its fit on every face."""
    out: dict[str, Any] = {}
    for cand, (outer, inner, nose) in candidates.items():

        def fit(
            a: np.ndarray, b: np.ndarray, o: Any = outer, i: Any = inner, n: Any = nose
        ) -> Calibration:
            return fit_calibration(a, b, frame=frame, outer=o, inner=i, nose=n, mirror=mirror)

        pred = cross_validate(lm, targets, groups, fit)
        out[cand] = {"cv_error": point_errors(pred, targets), "rules": rules_json(fit(lm, targets))}
    return out


def chip_distances(
    pairs: list[tuple[Photo, np.ndarray, np.ndarray]], models: KioskModels
) -> dict[str, float]:
    """Descriptor distance between chips cut at predicted and at dlib's points."""
    from kiosk.vision.align import dlib_chip

    dist = []
    for photo, pred, pts in pairs:
        emb = models.embed(
            np.stack([dlib_chip(photo.image_bgr, pred), dlib_chip(photo.image_bgr, pts)])
        )
        dist.append(float(np.linalg.norm(emb[0] - emb[1])))
    d = np.array(dist)
    return {
        "mean": round(float(d.mean()), 4),
        "median": round(float(np.median(d)), 4),
        "max": round(float(d.max()), 4),
    }


def rules_json(cal: Calibration) -> list[list[Any]]:
    """Rules as JSON lists [indices, weights, offset_u, offset_v], 4 decimals (align.py's form)."""
    return [
        [list(idx), [round(float(x), 4) for x in w], round(ou, 4), round(ov, 4)]
        for idx, w, ou, ov in cal.rules
    ]


def shipped_rules_json() -> dict[str, Any]:
    """The rules align.py ships, in the form of `rules_json`."""
    from kiosk.vision import align

    def form(rules: tuple[align.PointRule, ...]) -> list[list[Any]]:
        return [[list(r.indices), list(r.weights), r.offset_u, r.offset_v] for r in rules]

    return {"mesh": form(align.MESH_RULES), "keypoints": form(align.KEYPOINT_RULES)}


def calibration_report(
    photos: list[Photo], dlib_out: list[dict[str, np.ndarray]], models: KioskModels
) -> dict[str, Any]:
    """Errors of the shipped mesh and keypoint rules, and of the same shapes refitted."""
    from kiosk.vision import align

    rows = []
    for photo, res in zip(photos, dlib_out, strict=True):
        if "/masked/" in photo.name or photo.name.startswith("masked/"):
            continue  # dlib's nose point is unreliable under a mask
        for face, pts in match(models.faces(photo.image_bgr), res["pts"]):
            rows.append((photo, face, pts))
    mesh = np.stack([f.mesh_xy for _, f, _ in rows])
    kps = np.stack([f.keypoints_xy for _, f, _ in rows])
    targets = np.stack([p for _, _, p in rows])
    groups = np.array([ph.group for ph, _, _ in rows])
    shipped = np.stack([align.five_points_from_mesh(np.c_[m, np.zeros(468)]) for m in mesh])
    shipped_kp = np.stack([align.five_points_from_keypoints(k) for k in kps])
    raw = mesh[:, [263, 362, 33, 133, 2]]
    return {
        "faces": len(rows),
        "photos": len(np.unique(groups)),
        "raw_mesh_corners_error": point_errors(raw, targets),
        "shipped_mesh_error": point_errors(shipped, targets),
        "shipped_mesh_chip_distance": chip_distances(
            [(ph, s, t) for (ph, _, t), s in zip(rows, shipped, strict=True)], models
        ),
        "shipped_keypoints_error": point_errors(shipped_kp, targets),
        "refit_mesh": calibrate(
            mesh, targets, groups, frame=MESH_FRAME, candidates=MESH_CANDIDATES, mirror=MESH_MIRROR
        ),
        "refit_keypoints": calibrate(
            kps,
            targets,
            groups,
            frame=KEYPOINT_FRAME,
            candidates=KEYPOINT_CANDIDATES,
            mirror=KEYPOINT_MIRROR,
        ),
    }
