"""The four models the iPad runs, as the kiosk's own manifest reader describes them.

models/manifest.toml is read by `kiosk.vision.manifest` (the same parser, checks and error
messages the kiosk uses at start-up; it needs only the standard library, so the Core ML build
environment imports it from the source tree). This module only adds what Core ML needs on top:
Core ML feeds a model `scale * pixel + bias` on 0..255 pixels, so `(pixel - mean) / std` becomes
scale = 1 / std and bias = -mean / std (one value per channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import ModelError
from kiosk.vision import manifest as kiosk_manifest
from kiosk.vision.manifest import InputSpec, ModelSpec

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"

# The models the iPad runs (detection there is Apple's VNDetectFaceRectanglesRequest).
IOS_MODEL_KEYS: tuple[str, ...] = ("face_embedder", "emotion", "mask", "face_mesh")
# Models fed landmark points, not pixels: MediaPipe's blendshapes (the kiosk reads "confused"
# from them; on an iPad with a TrueDepth camera ARKit gives the same 52 blendshapes).
IOS_POINTS_MODEL_KEYS: tuple[str, ...] = ("face_blendshapes",)

TASK_DESCRIPTIONS = {
    "recognition": "128-d face descriptor (dlib ResNet) of an aligned 150x150 RGB chip; "
    "compare by Euclidean distance",
    "emotion": "7-class facial expression (mini-Xception) of a 64x64 grey face crop",
    "mask": "face mask classifier (MobileNetV2) of a 224x224 RGB face crop",
    "landmarks": "468-point face mesh (MediaPipe) of a 192x192 RGB square face crop",
    "blendshapes": "52 MediaPipe blendshape scores in [0, 1] from 146 face-mesh points "
    "(x, y image pixels)",
}


class SpecError(Exception):
    """The manifest or a model file is not what the build expects (message says what differs)."""


@dataclass(frozen=True, slots=True)
class InputPlan:
    """A model's pixel input (the kiosk's InputSpec) with Core ML's scale and bias."""

    spec: InputSpec

    def __getattr__(self, name: str) -> Any:
        return getattr(self.spec, name)

    @property
    def channels(self) -> int:
        """1 for GRAY, else 3."""
        return 1 if self.spec.colour == "GRAY" else 3

    @property
    def scale(self) -> float:
        """Core ML ImageType scale: 1 / std (a single std is required)."""
        if len(set(self.spec.std)) != 1:
            raise SpecError(f"{self.spec.name}: Core ML needs one std, got {self.spec.std}")
        return 1.0 if self.spec.dtype == "uint8" else 1.0 / self.spec.std[0]

    @property
    def bias(self) -> tuple[float, ...]:
        """Core ML ImageType bias per channel: -mean / std (0 for a uint8 graph)."""
        if self.spec.dtype == "uint8":
            return (0.0,) * self.channels
        mean = self.spec.mean
        means = mean * self.channels if len(mean) == 1 else mean
        return tuple(-m * self.scale for m in means)


@dataclass(frozen=True, slots=True)
class ModelPlan:
    """One model to convert: the kiosk's ModelSpec, and where its file sits under models/."""

    spec: ModelSpec
    manifest_file: str  # path relative to models/, as the manifest writes it

    @property
    def key(self) -> str:
        """The manifest key, e.g. `face_embedder`."""
        return self.spec.key

    @property
    def task(self) -> str:
        """The manifest's task, e.g. `recognition`."""
        return self.spec.task

    @property
    def onnx_path(self) -> Path:
        """The ONNX file the kiosk loads."""
        return self.spec.path

    @property
    def sha256(self) -> str:
        """The file's sha256 from the manifest."""
        return self.spec.sha256

    @property
    def licence(self) -> str:
        """The model's licence."""
        return self.spec.licence

    @property
    def source(self) -> str:
        """Where the model file came from."""
        return self.spec.source

    @property
    def input(self) -> InputPlan:
        """The pixel input with Core ML's scale and bias."""
        return InputPlan(self.spec.input)

    @property
    def outputs(self) -> tuple[str, ...]:
        """Output tensor names."""
        return self.spec.outputs

    @property
    def labels(self) -> tuple[str, ...]:
        """Class labels (classifiers only)."""
        return self.spec.labels

    @property
    def thresholds(self) -> dict[str, float]:
        """Default thresholds, as a plain dict for models.json."""
        return dict(self.spec.thresholds)

    @property
    def extras(self) -> dict[str, dict[str, Any]]:
        """Emotion valence and display maps, passed to the app (when the manifest has them)."""
        maps = {"valence": dict(self.spec.valence), "display": dict(self.spec.display)}
        return {name: values for name, values in maps.items() if values}

    @property
    def version(self) -> str:
        """The versioned file stem, e.g. `dlib_resnet_v1`."""
        return Path(self.manifest_file).stem

    @property
    def is_classifier(self) -> bool:
        """True when the manifest lists labels of an image classifier (a ClassifierConfig)."""
        return bool(self.labels) and not self.takes_points

    @property
    def takes_points(self) -> bool:
        """The input is landmark points (a tensor), not an image."""
        return self.input.layout == "POINTS"


def load_plans(
    models_dir: Path = MODELS_DIR, keys: tuple[str, ...] = IOS_MODEL_KEYS
) -> tuple[ModelPlan, ...]:
    """The conversion plans for `keys`, in that order, from `models_dir/manifest.toml`.

    Raises:
        SpecError: the manifest is missing or malformed (the kiosk's own message), or a key is
            absent.
    """
    try:
        manifest = kiosk_manifest.load_manifest(models_dir)
        specs = [manifest.get(key) for key in keys]
    except ModelError as exc:
        raise SpecError(str(exc)) from exc
    return tuple(ModelPlan(spec, spec.path.relative_to(models_dir).as_posix()) for spec in specs)


def read_verified(plan: ModelPlan) -> tuple[bytes, str]:
    """The model file's bytes and their sha256, checked against the manifest (kiosk's check).

    Raises:
        SpecError: the file is missing or its sha256 differs from the manifest's.
    """
    try:
        data = kiosk_manifest.read_verified(plan.spec)
    except ModelError as exc:
        raise SpecError(f"{plan.key}: {exc}") from exc
    return data, kiosk_manifest.sha256_bytes(data)
