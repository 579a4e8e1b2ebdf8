"""`kiosk doctor`: is everything the kiosk needs here and working?"""

from __future__ import annotations

import platform
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from kiosk import __version__
from kiosk.camera.probe import CameraProbe, probe_camera
from kiosk.commands.staff import staff_access
from kiosk.config import KioskConfig
from kiosk.errors import ModelError
from kiosk.store.db import DB_NAME
from kiosk.store.health import DataHealth, check_data
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import ModelCheck, check_model

_PACKAGES = (
    "onnxruntime",
    "opencv-python-headless",
    "numpy",
    "PySide6-Essentials",
    "sqlite-utils",
)


@dataclass(frozen=True, slots=True)
class DataDirStatus:
    """Whether the per-user data directory exists (or can be created) and is writable."""

    path: str
    writable: bool
    detail: str


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """Everything `kiosk doctor` found. `ok` is False when the kiosk could not run."""

    versions: tuple[tuple[str, str], ...]
    data_dir: DataDirStatus
    camera: CameraProbe
    manifest_error: str | None
    models: tuple[ModelCheck, ...]
    data: DataHealth
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Models load, data dir writable, database (if any) sound and opened by the key.

        A camera is optional (demo mode) and a missing PIN only locks staff mode: both are
        `warnings`, which a ready kiosk may still have.
        """
        models_ok = self.manifest_error is None and all(m.ok for m in self.models)
        return models_ok and self.data_dir.writable and self.data.ok


def run_doctor(config: KioskConfig) -> DoctorReport:
    """Check versions, data directory, camera, every model, and the database with its key."""
    manifest_error = None
    checks: tuple[ModelCheck, ...] = ()
    try:
        manifest = load_manifest(config.paths.models_dir)
        checks = tuple(
            check_model(spec, config.vision.threads) for spec in manifest.models.values()
        )
    except ModelError as exc:
        manifest_error = str(exc)
    camera = probe_camera(config.camera.source)
    return DoctorReport(
        versions=_versions(),
        data_dir=_check_data_dir(config.paths.data_dir),
        camera=camera,
        manifest_error=manifest_error,
        models=checks,
        data=check_data(config.paths.data_dir / DB_NAME, config.paths.key_path),
        warnings=_warnings(config, camera),
    )


def _warnings(config: KioskConfig, camera: CameraProbe) -> tuple[str, ...]:
    found = []
    if not staff_access(config).is_set():
        found.append(
            "no staff PIN is set: staff mode is locked and `kiosk run --fullscreen` refuses to "
            "start; set one with `kiosk staff set-pin --staff YOUR-NAME`"
        )
    if config.staff.pin_hash:
        found.append(
            f"[staff] pin_hash in {config.config_path} is from an older kiosk and is not used "
            f"(a PIN hash does not belong in a settings file): delete the line and set the PIN "
            f"with `kiosk staff set-pin`"
        )
    if not camera.available:
        found.append(
            f"camera {camera.source!r} is not available ({camera.detail}): the kiosk starts "
            f"in demo mode; set [camera] source in {config.config_path}"
        )
    return tuple(found)


def _versions() -> tuple[tuple[str, str], ...]:
    found = [("python", platform.python_version()), ("iface-kiosk", __version__)]
    for name in _PACKAGES:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "not installed"))
    return tuple(found)


def _check_data_dir(path: Path) -> DataDirStatus:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return DataDirStatus(str(path), False, f"not writable: {exc.strerror or exc}")
    return DataDirStatus(str(path), True, "writable")
