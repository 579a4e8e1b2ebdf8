"""Where things live: the read-only resources shipped with the kiosk, and the per-user data dir.

Resources (models, demo catalog, assets) sit next to the package in a source checkout and next to
the executable in a PyInstaller bundle. Mutable data (database, key, logs, backups) never goes
there: it lives in the per-user data directory.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import platformdirs

APP_NAME = "iface-kiosk"


def resource_root() -> Path:
    """Directory holding `models/`, `catalog/` and `assets/` (source tree or bundle)."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if bundle_dir is not None:
        return Path(bundle_dir)
    return Path(__file__).resolve().parent.parent


def default_models_dir() -> Path:
    """The `models/` directory shipped with the kiosk."""
    return resource_root() / "models"


def default_data_dir() -> Path:
    """The per-user data directory (database, key, logs, backups); not created here."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_clip() -> Path:
    """The bundled public-domain demo clip (plays as the camera in demo mode)."""
    return resource_root() / "assets" / "demo" / "pd_stills_clip.mp4"


def demo_people_dir() -> Path:
    """The demo people's photos, `<name>/<photos>` (enrolled in demo mode)."""
    return resource_root() / "assets" / "demo" / "people"


def demo_catalog() -> Path:
    """The demo product catalog (CSV; images relative to `resource_root()`)."""
    return resource_root() / "catalog" / "demo_catalog.csv"


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it 0700: the data dir holds names,
    consents and visits, which no other local user may read."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != 0o700:
        path.chmod(0o700)
    return path


def make_private_file(path: Path) -> None:
    """Make an existing file 0600 (nothing when it does not exist or on Windows)."""
    if os.name == "posix" and path.exists() and stat.S_IMODE(path.stat().st_mode) != 0o600:
        path.chmod(0o600)


def write_private_file(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data`, readable by its owner only (0600).

    Written beside it, flushed to disk, then renamed over it: a crash or a full disk leaves
    the old file whole.

    Raises:
        OSError: the file cannot be written (the old one is untouched).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
