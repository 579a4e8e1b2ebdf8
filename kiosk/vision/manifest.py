"""`models/manifest.toml`: what each model file is, how to feed it, and where it came from.

Every property a model needs at run time (input size, colour order, normalisation, labels,
default thresholds) is read from here, never hard-coded next to the inference code.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kiosk.core.untrusted import safe_relative_path
from kiosk.errors import ModelError

MANIFEST_NAME = "manifest.toml"
SCHEMA_VERSION = 1
_LAYOUTS = {"NHWC", "NCHW", "POINTS"}  # POINTS: (1, height points, width coordinates)
_COLOURS = {"RGB", "BGR", "GRAY", "NONE"}  # NONE: the input is not an image
_RUNTIMES = {"onnxruntime"}

MAX_INPUT_PX = 4096  # no face model takes more; a bigger value is a broken manifest


@dataclass(frozen=True, slots=True)
class InputSpec:
    """How to turn a face crop into the model's input tensor.

    The tensor is `(pixel - mean[c]) / std[c]` on 0..255 pixels in `colour` order, resized to
    `height` x `width`, laid out as `layout` with batch 1. With `flip_average` the crop and
    its mirror image are classified together and their probabilities averaged.
    """

    name: str
    height: int
    width: int
    layout: str
    colour: str
    mean: tuple[float, ...]
    std: tuple[float, ...]
    dtype: str = "float32"
    crop_margin: float = 0.0
    crop_square: bool = False
    flip_average: bool = False


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One entry of the manifest."""

    key: str
    task: str
    path: Path
    sha256: str
    runtime: str
    input: InputSpec
    outputs: tuple[str, ...]
    labels: tuple[str, ...]
    thresholds: Mapping[str, float]
    source: str
    licence: str
    output_activation: str = "none"
    valence: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    display: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def threshold(self, name: str) -> float:
        """A default threshold by name; ModelError naming the ones that exist if absent."""
        try:
            return self.thresholds[name]
        except KeyError:
            raise ModelError(
                f"model {self.key!r} has no threshold {name!r}; it has {sorted(self.thresholds)}"
            ) from None


@dataclass(frozen=True, slots=True)
class Manifest:
    """All model entries, keyed by role (`face_detector`, `face_mesh`, `emotion`, `mask`, ...)."""

    root: Path
    models: Mapping[str, ModelSpec]

    def get(self, key: str) -> ModelSpec:
        """The entry for `key`; ModelError naming the known keys if absent."""
        try:
            return self.models[key]
        except KeyError:
            raise ModelError(
                f"{self.root / MANIFEST_NAME} has no model {key!r}; it has {sorted(self.models)}"
            ) from None


def load_manifest(models_dir: Path) -> Manifest:
    """Parse `models_dir/manifest.toml`.

    Raises:
        ModelError: the manifest is missing, not TOML, or an entry lacks a field or has a bad value.
    """
    path = models_dir / MANIFEST_NAME
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ModelError(f"model manifest {path} does not exist") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"model manifest {path} is not valid TOML: {exc}") from exc
    if data.get("schema") != SCHEMA_VERSION:
        raise ModelError(f"{path}: expected schema = {SCHEMA_VERSION}, got {data.get('schema')!r}")
    entries = data.get("models")
    if not isinstance(entries, dict) or not entries:
        raise ModelError(f"{path}: expected a [models.<key>] table per model, found none")
    models = {key: _parse_entry(path, models_dir, key, body) for key, body in entries.items()}
    return Manifest(root=models_dir, models=MappingProxyType(models))


def _parse_entry(path: Path, models_dir: Path, key: str, body: Any) -> ModelSpec:
    where = f"{path} [models.{key}]"
    if not isinstance(body, dict):
        raise ModelError(f"{where}: expected a table, got {type(body).__name__}")
    try:
        inp = body["input"]
        spec = ModelSpec(
            key=key,
            task=str(body["task"]),
            path=models_dir / str(body["file"]),
            sha256=str(body["sha256"]).lower(),
            runtime=str(body["runtime"]),
            input=InputSpec(
                name=str(inp["name"]),
                height=int(inp["height"]),
                width=int(inp["width"]),
                layout=str(inp["layout"]),
                colour=str(inp["colour"]),
                mean=tuple(float(v) for v in inp["mean"]),
                std=tuple(float(v) for v in inp["std"]),
                dtype=str(inp.get("dtype", "float32")),
                crop_margin=float(inp.get("crop_margin", 0.0)),
                crop_square=bool(inp.get("crop_square", False)),
                flip_average=bool(inp.get("flip_average", False)),
            ),
            outputs=tuple(str(o) for o in body.get("outputs", ())),
            labels=tuple(str(label) for label in body.get("labels", ())),
            thresholds=MappingProxyType(
                {str(k): float(v) for k, v in body.get("thresholds", {}).items()}
            ),
            source=str(body["source"]),
            licence=str(body["licence"]),
            output_activation=str(body.get("output_activation", "none")),
            valence=MappingProxyType(
                {str(k): float(v) for k, v in body.get("valence", {}).items()}
            ),
            display=MappingProxyType({str(k): str(v) for k, v in body.get("display", {}).items()}),
        )
    except KeyError as exc:
        raise ModelError(f"{where}: missing field {exc.args[0]!r}") from exc
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise ModelError(f"{where}: bad value: {exc}") from exc
    if not safe_relative_path(str(body["file"])):
        raise ModelError(f"{where}: file must be inside {models_dir}, got {body['file']!r}")
    _validate(where, spec)
    return spec


def _validate(where: str, spec: ModelSpec) -> None:
    problems = []
    if spec.runtime not in _RUNTIMES:
        problems.append(f"runtime must be one of {sorted(_RUNTIMES)}, got {spec.runtime!r}")
    if spec.input.layout not in _LAYOUTS:
        problems.append(
            f"input.layout must be one of {sorted(_LAYOUTS)}, got {spec.input.layout!r}"
        )
    if spec.input.colour not in _COLOURS:
        problems.append(
            f"input.colour must be one of {sorted(_COLOURS)}, got {spec.input.colour!r}"
        )
    if spec.output_activation not in {"none", "softmax", "sigmoid"}:
        problems.append(
            f"output_activation must be none, softmax or sigmoid, got {spec.output_activation!r}"
        )
    channels = 1 if spec.input.colour in ("GRAY", "NONE") else 3
    if len(spec.input.mean) not in (1, channels) or len(spec.input.std) != len(spec.input.mean):
        problems.append(f"input.mean/std must have 1 or {channels} values, matching in length")
    if spec.input.dtype not in {"float32", "uint8"}:
        problems.append(f"input.dtype must be float32 or uint8, got {spec.input.dtype!r}")
    for name, mapping in (("valence", spec.valence), ("display", spec.display)):
        stray = set(mapping) - set(spec.labels)
        if stray:
            problems.append(f"{name} names labels the model does not have: {sorted(stray)}")
    problems += _number_problems(spec)
    if problems:
        raise ModelError(f"{where}: " + "; ".join(problems))


def _number_problems(spec: ModelSpec) -> list[str]:
    problems = []
    if any(s == 0 for s in spec.input.std):
        problems.append("input.std must not contain 0")
    if not (1 <= spec.input.height <= MAX_INPUT_PX and 1 <= spec.input.width <= MAX_INPUT_PX):
        problems.append(f"input height and width must be 1 to {MAX_INPUT_PX}")
    numbers = [*spec.input.mean, *spec.input.std, spec.input.crop_margin]
    numbers += [*spec.thresholds.values(), *spec.valence.values()]
    if not all(math.isfinite(v) for v in numbers):
        problems.append("mean, std, crop_margin, thresholds and valence must be finite numbers")
    if len(spec.sha256) != 64 or any(c not in "0123456789abcdef" for c in spec.sha256):
        problems.append(f"sha256 must be 64 hex digits, got {spec.sha256!r}")
    return problems


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of a byte string."""
    return hashlib.sha256(data).hexdigest()


def read_verified(spec: ModelSpec) -> bytes:
    """Read a model file and check its sha256 against the manifest.

    The bytes returned are the bytes checked, so what loads is exactly what was verified.

    Raises:
        ModelError: the file is missing, unreadable, or its sha256 differs from the manifest.
    """
    try:
        data = spec.path.read_bytes()
    except FileNotFoundError as exc:
        raise ModelError(f"model file {spec.path} ({spec.key}) does not exist") from exc
    except OSError as exc:
        raise ModelError(f"model file {spec.path} ({spec.key}) cannot be read: {exc}") from exc
    actual = sha256_bytes(data)
    if actual != spec.sha256:
        raise ModelError(
            f"model file {spec.path} ({spec.key}) has sha256 {actual}, expected {spec.sha256} "
            f"from the manifest: the file is corrupt or was replaced; restore it from the "
            f"release or rebuild it (models/README.md)"
        )
    return data
