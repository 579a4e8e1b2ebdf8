"""Load the kiosk's models from the manifest, and check each one for `kiosk doctor`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kiosk.core.types import FaceBox
from kiosk.errors import KioskError, ModelError
from kiosk.vision.blazeface import OrtBlazeFaceDetector
from kiosk.vision.blendshapes import OrtBlendshapes
from kiosk.vision.classify import OrtFaceClassifier
from kiosk.vision.detector import FaceDetector, MultiFaceDetector
from kiosk.vision.embedder import OrtEmbedder
from kiosk.vision.finder import FaceFinder
from kiosk.vision.finder_records import FinderRules
from kiosk.vision.manifest import Manifest, ModelSpec
from kiosk.vision.mask_cue import warm_up as warm_up_mask_cue
from kiosk.vision.mesh import OrtFaceMesh
from kiosk.vision.runtime import OrtModel

DETECTOR_KEYS = "face_detector_short,face_detector"
EMBEDDER_KEY = "face_embedder"
MESH_KEY = "face_mesh"
EMOTION_KEY = "emotion"
MASK_KEY = "mask"
BLENDSHAPES_KEY = "face_blendshapes"


@dataclass(frozen=True, slots=True)
class VisionModels:
    """The loaded per-frame models: use as a context manager, or close when done."""

    detector: MultiFaceDetector
    mesh: OrtFaceMesh
    embedder: OrtEmbedder
    emotion: OrtFaceClassifier
    mask: OrtFaceClassifier
    blendshapes: OrtBlendshapes

    @property
    def finder(self) -> FaceFinder:
        """The one face-finding path (detector, mesh, confirmation rules from the manifest)."""
        return FaceFinder(self.detector, self.mesh, FinderRules.from_mesh_spec(self.mesh.spec))

    def close(self) -> None:
        """Release native resources."""
        self.detector.close()

    def __enter__(self) -> VisionModels:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_vision_models(
    manifest: Manifest, threads: int, detector_keys: str = DETECTOR_KEYS, flip: bool = False
) -> VisionModels:
    """Load every per-frame model; ModelError names the first failure.

    Args:
        manifest: the model manifest.
        threads: onnxruntime intra-op threads per session.
        detector_keys: comma-separated detector entries, run together and merged.
        flip: embed mirrored faces too (test-time augmentation).
    """
    detectors: list[FaceDetector] = []
    try:
        for key in (k.strip() for k in detector_keys.split(",") if k.strip()):
            # BlazeFace is too small to split: 2 threads were 2-3x slower than 1 on 2 cores.
            detectors.append(load_detector(manifest.get(key), threads=1))
        detector = MultiFaceDetector(detectors)
        warm_up_mask_cue()
        # Small models (1-3 ms) gain nothing from a second thread and lose to waking it up:
        # on the busy 2-core machine their p90 doubled. Only the embedder and the mask
        # classifier (6-10 ms of convolutions) use `threads`.
        return VisionModels(
            detector=detector,
            mesh=OrtFaceMesh(manifest.get(MESH_KEY), threads=1),
            embedder=OrtEmbedder(manifest.get(EMBEDDER_KEY), threads, flip=flip),
            emotion=OrtFaceClassifier(manifest.get(EMOTION_KEY), threads=1),
            mask=OrtFaceClassifier(manifest.get(MASK_KEY), threads),
            blendshapes=OrtBlendshapes(manifest.get(BLENDSHAPES_KEY), threads=1),
        )
    except BaseException:
        for opened in detectors:
            opened.close()
        raise


def load_detector(spec: ModelSpec, threads: int) -> FaceDetector:
    """BlazeFace in onnxruntime for a detection entry of the manifest.

    Args:
        spec: a manifest entry with task "detection".
        threads: onnxruntime intra-op threads.

    Raises:
        ModelError: the entry is not a detector, or the model does not load.
    """
    if spec.task != "detection":
        raise ModelError(f"{spec.key}: task is {spec.task!r}, expected 'detection'")
    return OrtBlazeFaceDetector(spec, threads)


@dataclass(frozen=True, slots=True)
class ModelCheck:
    """Outcome of loading and timing one manifest entry.

    Attributes:
        key: manifest key.
        file: path of the model file.
        ok: the file exists, has the manifest's sha256, loads and runs.
        load_ms: time to verify and load (warm-up included).
        median_ms: median time of one inference on a blank input, or None when not ok.
        error: what went wrong, or None.
    """

    key: str
    file: str
    ok: bool
    load_ms: float
    median_ms: float | None
    error: str | None


class _Runnable(Protocol):
    def __call__(self) -> object: ...


def check_model(spec: ModelSpec, threads: int, runs: int = 20) -> ModelCheck:
    """Verify, load and time one model. Never raises for a broken model: reports it."""
    start = time.perf_counter()
    try:
        infer, close = _loader_for(spec, threads)
    except KioskError as exc:
        elapsed = (time.perf_counter() - start) * 1000
        return ModelCheck(spec.key, str(spec.path), False, elapsed, None, str(exc))
    load_ms = (time.perf_counter() - start) * 1000
    try:
        timings = []
        for _ in range(runs):
            t0 = time.perf_counter()
            infer()
            timings.append((time.perf_counter() - t0) * 1000)
    finally:
        close()
    return ModelCheck(spec.key, str(spec.path), True, load_ms, float(np.median(timings)), None)


def _loader_for(spec: ModelSpec, threads: int) -> tuple[_Runnable, Callable[[], None]]:
    """Load a model by its task and return (one blank inference, close)."""
    blank = np.zeros((spec.input.height, spec.input.width, 3), dtype=np.uint8)
    face = FaceBox(xyxy=(0.0, 0.0, float(spec.input.width), float(spec.input.height)), score=1.0)
    if spec.task == "detection":
        detector = load_detector(spec, threads)
        return (lambda: detector.detect(blank)), detector.close
    if spec.task == "landmarks":
        mesh = OrtFaceMesh(spec, threads)
        return (lambda: mesh.landmarks(blank, face)), _noop
    if spec.labels and spec.task != "blendshapes":
        classifier = OrtFaceClassifier(spec, threads)
        return (lambda: classifier.classify_crop(blank)), _noop
    model = OrtModel(spec, threads)
    tensor = np.zeros(model.input_shape, dtype=spec.input.dtype)
    return (lambda: model.run(tensor)), _noop


def _noop() -> None:
    return None
