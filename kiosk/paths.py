"""Where things live: the read-only resources shipped with the kiosk, and the per-user data dir.

Resources (models, demo catalog, assets) sit next to the package in a source checkout and next to
the executable in a PyInstaller bundle. Mutable data (database, key, logs, backups) never goes
there: it lives in the per-user data directory.
"""

from __future__ import annotations

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
