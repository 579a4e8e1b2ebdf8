"""Shared fixtures. Qt runs offscreen; the fixture photos are public domain (fixtures/faces)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.vision.manifest import Manifest, load_manifest
from kiosk.vision.models import VisionModels, load_vision_models

REPO = Path(__file__).resolve().parent.parent
# MediaPipe Tasks parity runs in its own environment (`make test-mediapipe`, tests/mediapipe).
collect_ignore = ["mediapipe"]
FACES = REPO / "tests" / "fixtures" / "faces"
MODELS = REPO / "models"


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    """Directory of public-domain test photos."""
    return FACES


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """The repository's models/ directory (real model files)."""
    return MODELS


@pytest.fixture(scope="session")
def manifest(models_dir: Path) -> Manifest:
    """The real model manifest."""
    return load_manifest(models_dir)


@pytest.fixture(scope="session")
def vision_models(manifest: Manifest) -> Iterator[VisionModels]:
    """The real models, loaded once for the whole run (1 thread each)."""
    models = load_vision_models(manifest, threads=1)
    yield models
    models.close()


MODEL_FIXTURES = frozenset({"vision_models", "demo_gallery"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the real models carries the `models` marker, so
    `pytest -m "not models"` is the fast run (tests that load models through the CLI mark
    themselves)."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.models)
