"""Parity with dlib itself on real faces (build time only: dlib is imported here alone)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from models.build import toolkit
from models.build.dlib_resnet.graph import INPUT_NAME, OUTPUT_NAME
from models.build.dlib_resnet.network import CHIP_SIZE

FACES_DIR = toolkit.REPO_ROOT / "tests" / "fixtures" / "faces"
PARITY_TOLERANCE = 1e-4

PARITY_FOLDERS = ("obama", "biden", "collins", "together")
SINGLE_PERSON_FOLDERS = ("obama", "biden", "collins")


@dataclass
class FaceSample:
    """One detected face: its dlib chip and dlib's descriptors from the chip and from the image.

    ``person`` is the folder name for the largest face of a single-person photo, else None
    (group photos, and other detections such as a face printed on a badge).
    """

    label: str
    person: str | None
    chip: np.ndarray
    dlib_chip: np.ndarray
    dlib_image: np.ndarray


def collect_faces(dlib: ModuleType, resnet_path: Path, shape5_path: Path) -> list[FaceSample]:
    """Detect every face in the parity folders and compute dlib's chip and descriptors."""
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(shape5_path))
    facerec = dlib.face_recognition_model_v1(str(resnet_path))
    samples = []
    for folder in PARITY_FOLDERS:
        for path in sorted((FACES_DIR / folder).iterdir()):
            image = dlib.load_rgb_image(str(path))
            boxes = sorted(detector(image, 1), key=lambda box: box.left())
            if not boxes:
                print(f"  no face found by dlib in {folder}/{path.name}")
                continue
            largest = max(boxes, key=lambda box: box.area())
            for index, box in enumerate(boxes):
                known = folder in SINGLE_PERSON_FOLDERS and box == largest
                shape = predictor(image, box)
                chip = np.asarray(dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=0.25))
                samples.append(
                    FaceSample(
                        f"{folder}/{path.stem}#{index}",
                        folder if known else None,
                        chip,
                        np.asarray(facerec.compute_face_descriptor(chip), np.float32),
                        np.asarray(facerec.compute_face_descriptor(image, shape), np.float32),
                    )
                )
    return samples


def check_parity(session: Any, samples: list[FaceSample]) -> dict[str, np.ndarray]:
    """Print per-face max abs differences; return the ONNX descriptors by label."""
    ok = True
    descriptors = {}
    print(
        f"parity (tolerance {PARITY_TOLERANCE:g}): max |onnx - dlib(chip)|, "
        "|dlib(chip) - dlib(image, shape)|, norm"
    )
    for sample in samples:
        onnx_desc = session.run([OUTPUT_NAME], {INPUT_NAME: sample.chip[None]})[0][0]
        diff = float(np.max(np.abs(onnx_desc - sample.dlib_chip)))
        chip_vs_image = float(np.max(np.abs(sample.dlib_chip - sample.dlib_image)))
        verdict = "ok" if diff < PARITY_TOLERANCE else "FAIL"
        ok &= diff < PARITY_TOLERANCE
        print(
            f"  {sample.label:32s} {diff:.2e}  {chip_vs_image:.2e}  "
            f"{np.linalg.norm(onnx_desc):.3f}  {verdict}"
        )
        descriptors[sample.label] = onnx_desc
    batch = np.stack([s.chip for s in samples])
    batched = session.run([OUTPUT_NAME], {INPUT_NAME: batch})[0]
    batch_diff = float(np.max(np.abs(batched - np.stack([s.dlib_chip for s in samples]))))
    print(f"  batch of {len(samples)} in one run: max diff {batch_diff:.2e}")
    ok &= batch_diff < PARITY_TOLERANCE
    if not ok:
        raise SystemExit("parity with dlib FAILED")
    return descriptors


def print_distances(samples: list[FaceSample], descriptors: dict[str, np.ndarray]) -> None:
    """Euclidean distances between known faces (same/different person), then the unknown ones."""
    known = [s for s in samples if s.person is not None]
    print("distances (ONNX descriptors; dlib threshold 0.6):")
    worst_same, best_diff = 0.0, float("inf")
    for i, first in enumerate(known):
        for second in known[i + 1 :]:
            same = first.person == second.person
            dist = float(np.linalg.norm(descriptors[first.label] - descriptors[second.label]))
            if same:
                worst_same = max(worst_same, dist)
            else:
                best_diff = min(best_diff, dist)
            flag = "" if (dist < 0.6) == same else "  <- wrong side of 0.6"
            print(
                f"  {'same' if same else 'diff'}  {first.label:24s} {second.label:24s} "
                f"{dist:.3f}{flag}"
            )
    print(
        f"  largest same-person distance {worst_same:.3f}; "
        f"smallest different-person distance {best_diff:.3f}"
    )
    for sample in samples:
        if sample.person is None:
            nearest = min(
                known,
                key=lambda k: np.linalg.norm(descriptors[sample.label] - descriptors[k.label]),
            )
            dist = float(np.linalg.norm(descriptors[sample.label] - descriptors[nearest.label]))
            print(f"  {sample.label:30s} nearest known: {nearest.label} ({dist:.3f})")


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def print_speed(model_path: Path, chip: np.ndarray, facerec: Any, repeats: int = 50) -> None:
    """Median ms per face at batch 1: onnxruntime on 1 and 2 threads, and dlib itself."""
    import onnxruntime as ort

    for threads in (1, 2):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        ms = _median_ms(partial(session.run, [OUTPUT_NAME], {INPUT_NAME: chip[None]}), repeats)
        print(
            f"speed: onnxruntime intra_op_num_threads={threads}: {ms:.2f} ms/face (median of "
            f"{repeats})"
        )
    ms = _median_ms(lambda: facerec.compute_face_descriptor(chip), repeats)
    print(f"speed: dlib compute_face_descriptor(chip): {ms:.2f} ms/face (median of {repeats})")


def run_parity(model_path: Path, resnet_path: Path, shape5_path: Path) -> None:
    """The acceptance check: same chip in dlib and in onnxruntime, then distances and speed."""
    import dlib
    import onnxruntime as ort

    samples = collect_faces(dlib, resnet_path, shape5_path)
    if not samples:
        raise SystemExit("no faces found for the parity check")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    descriptors = check_parity(session, samples)
    print_distances(samples, descriptors)
    print_speed(model_path, samples[0].chip, dlib.face_recognition_model_v1(str(resnet_path)))
