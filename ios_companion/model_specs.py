"""What the Core ML build needs from models/manifest.toml, read with tomllib and checked.

The manifest is the single source of truth for the kiosk's model contracts (input size, colour,
normalisation, labels, thresholds); this module turns the four entries the iPad uses into frozen
`ModelPlan`s and derives Core ML's image preprocessing from them: Core ML feeds a model
`scale * pixel + bias` on 0..255 pixels, so `(pixel - mean) / std` becomes scale = 1 / std and
bias = -mean / std (one value per channel).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "models"

# The models the iPad runs (detection there is Apple's VNDetectFaceRectanglesRequest).
IOS_MODEL_KEYS: tuple[str, ...] = ("face_embedder", "emotion", "mask", "face_mesh")

TASK_DESCRIPTIONS = {
    "recognition": "128-d face descriptor (dlib ResNet) of an aligned 150x150 RGB chip; "
    "compare by Euclidean distance",
    "emotion": "7-class facial expression (mini-Xception) of a 64x64 grey face crop",
    "mask": "face mask classifier (MobileNetV2) of a 224x224 RGB face crop",
    "landmarks": "468-point face mesh (MediaPipe) of a 192x192 RGB square face crop",
}


class SpecError(Exception):
    """The manifest or a model file is not what the build expects (message says what differs)."""


@dataclass(frozen=True, slots=True)
class InputPlan:
    """A model's pixel input as the manifest describes it (0..255 pixels before normalisation)."""

    name: str
    height: int
    width: int
    layout: str  # "NHWC" or "NCHW", as the ONNX graph takes it
    colour: str  # "RGB", "BGR" or "GRAY"
    dtype: str  # "float32", or "uint8" when the graph normalises itself
    mean: tuple[float, ...]
    std: tuple[float, ...]
    crop_margin: float
    crop_square: bool

    @property
    def channels(self) -> int:
        """1 for GRAY, else 3."""
        return 1 if self.colour == "GRAY" else 3

    @property
    def scale(self) -> float:
        """Core ML ImageType scale: 1 / std (a single std is required)."""
        if len(set(self.std)) != 1:
            raise SpecError(f"{self.name}: Core ML needs one std for all channels, got {self.std}")
        return 1.0 if self.dtype == "uint8" else 1.0 / self.std[0]

    @property
    def bias(self) -> tuple[float, ...]:
        """Core ML ImageType bias per channel: -mean / std (0 for a uint8 graph)."""
        if self.dtype == "uint8":
            return (0.0,) * self.channels
        means = self.mean * self.channels if len(self.mean) == 1 else self.mean
        return tuple(-m * self.scale for m in means)


@dataclass(frozen=True, slots=True)
class ModelPlan:
    """One model to convert: where its ONNX file is, what it should hash to, its contract."""

    key: str
    task: str
    onnx_path: Path
    manifest_file: str  # path relative to models/, as the manifest writes it
    sha256: str
    licence: str
    source: str
    input: InputPlan
    outputs: tuple[str, ...]
    labels: tuple[str, ...]
    thresholds: dict[str, float]
    extras: dict[str, dict[str, Any]]  # emotion valence and display maps, passed to the app

    @property
    def version(self) -> str:
        """The versioned file stem, e.g. `dlib_resnet_v1`."""
        return Path(self.manifest_file).stem

    @property
    def is_classifier(self) -> bool:
        """True when the manifest lists labels (Core ML gets a ClassifierConfig)."""
        return bool(self.labels)


def _input_plan(key: str, body: dict[str, Any]) -> InputPlan:
    try:
        return InputPlan(
            name=str(body["name"]),
            height=int(body["height"]),
            width=int(body["width"]),
            layout=str(body.get("layout", "NHWC")),
            colour=str(body.get("colour", "RGB")),
            dtype=str(body.get("dtype", "float32")),
            mean=tuple(float(v) for v in body.get("mean", [0.0])),
            std=tuple(float(v) for v in body.get("std", [1.0])),
            crop_margin=float(body.get("crop_margin", 0.0)),
            crop_square=bool(body.get("crop_square", False)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SpecError(f"manifest [models.{key}.input] is incomplete or malformed: {exc}") from exc


def load_plans(
    models_dir: Path = MODELS_DIR, keys: tuple[str, ...] = IOS_MODEL_KEYS
) -> tuple[ModelPlan, ...]:
    """The conversion plans for `keys`, in that order, from `models_dir/manifest.toml`.

    Raises:
        SpecError: the manifest is missing, a key is absent, or an entry lacks a field.
    """
    path = models_dir / "manifest.toml"
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"cannot read {path}: {exc}") from exc
    entries = manifest.get("models", {})
    plans = []
    for key in keys:
        if key not in entries:
            raise SpecError(f"{path}: no [models.{key}] entry (have {sorted(entries)})")
        body = entries[key]
        try:
            plans.append(
                ModelPlan(
                    key=key,
                    task=str(body["task"]),
                    onnx_path=models_dir / str(body["file"]),
                    manifest_file=str(body["file"]),
                    sha256=str(body["sha256"]),
                    licence=str(body["licence"]),
                    source=str(body.get("source", "")),
                    input=_input_plan(key, body["input"]),
                    outputs=tuple(str(o) for o in body.get("outputs", [])),
                    labels=tuple(str(label) for label in body.get("labels", [])),
                    thresholds={k: float(v) for k, v in body.get("thresholds", {}).items()},
                    extras={k: dict(body[k]) for k in ("valence", "display") if k in body},
                )
            )
        except KeyError as exc:
            raise SpecError(f"{path}: [models.{key}] has no {exc.args[0]!r}") from exc
    return tuple(plans)


def read_verified(plan: ModelPlan) -> tuple[bytes, str]:
    """The model file's bytes and their sha256, checked against the manifest.

    The caller converts exactly these bytes, so the recorded hash is the converted file's.

    Raises:
        SpecError: the file is missing or its sha256 differs from the manifest's.
    """
    try:
        data = plan.onnx_path.read_bytes()
    except OSError as exc:
        raise SpecError(f"{plan.key}: cannot read {plan.onnx_path}: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != plan.sha256:
        raise SpecError(
            f"{plan.key}: {plan.onnx_path} has sha256 {digest}, the manifest expects "
            f"{plan.sha256} (file rebuilt without updating the manifest, or changed on disk)"
        )
    return data, digest
