"""GUI tests run offscreen; every test must leave no worker thread running."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.commands import loaders
from kiosk.config import KioskConfig
from kiosk.config.loading import load_config
from kiosk.core.gallery import Gallery
from kiosk.vision.models import VisionModels

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path) -> KioskConfig:
    return load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path)})


@pytest.fixture(scope="session")
def demo_gallery(vision_models: VisionModels) -> Gallery:
    return loaders.gallery_from_folder(vision_models, REPO / "assets" / "demo" / "people").gallery


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """Every QThread a test started has finished when it ends (napari's rule)."""
    from PySide6.QtCore import QThread

    yield
    import gc

    gc.collect()
    main = QThread.currentThread()
    alive = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, QThread) and obj is not main and obj.isRunning()
    ]
    assert not alive, f"threads still running after the test: {alive}"
