"""(i) Exact-chip parity: ``dlib_chip`` and the ONNX ResNet against dlib itself."""

from __future__ import annotations

import numpy as np

from models.build.alignment.photos import KioskModels, Photo


def parity(
    photos: list[Photo], dlib_out: list[dict[str, np.ndarray]], models: KioskModels
) -> dict[str, float]:
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
    return {
        "chips": len(diffs),
        "pixel_abs_diff_max": int(all_d.max()),
        "pixel_values_differing": int(sum(ndiff)),
        "pixel_values": int(all_d.size),
        "descriptor_abs_diff_max_our_chip": round(max(desc_ours), 7),
        "descriptor_abs_diff_max_dlib_chip": round(max(desc_model), 7),
    }


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
            m = np.asarray(cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale), np.float64)
            m[:, 2] += (scale - 1) * np.array([w / 2, h / 2])
            size = (int(w * scale), int(h * scale))
            image = cv2.warpAffine(photo.image_bgr, m, size, flags=cv2.INTER_LINEAR)
            pts = res["pts"] @ m[:, :2].T + m[:, 2]
            requests[len(made)] = np.round(pts)
            made.append(Photo(f"{photo.name}@x{scale}", photo.group, image))
    return made, requests
