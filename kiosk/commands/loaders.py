"""Load what a command needs once: the models and a gallery to recognise against."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.camera.sources import IMAGE_SUFFIXES, read_image
from kiosk.config import KioskConfig
from kiosk.core.gallery import Gallery
from kiosk.core.names import name_from_folder
from kiosk.errors import InputError
from kiosk.store.db import DB_NAME
from kiosk.store.people import open_people
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import VisionModels, load_vision_models
from kiosk.vision.still import EnrolmentReport, gallery_from_photos, labelled_tree


def load_models(config: KioskConfig) -> VisionModels:
    """The per-frame models as the configuration asks for them (a context manager)."""
    manifest = load_manifest(config.paths.models_dir)
    return load_vision_models(
        manifest,
        config.vision.threads,
        detector_keys=config.pipeline.detector,
        flip=config.pipeline.flip_tta,
    )


def gallery_from_folder(
    models: VisionModels, folder: Path, on_photo: Callable[[Path], None] | None = None
) -> EnrolmentReport:
    """An in-memory gallery from `folder/<person>/<photos>` (no database, nothing stored).

    Raises:
        InputError: the folder does not exist or holds no person folder with images.
    """
    if not folder.is_dir():
        raise InputError(f"enrolment folder {folder} does not exist")
    tree = {name_from_folder(k): v for k, v in labelled_tree(folder, IMAGE_SUFFIXES).items()}
    if not tree:
        raise InputError(f"{folder} has no <person>/<image> folders to enrol")
    return gallery_from_photos(models, tree, read_image, on_photo)


def empty_gallery(models: VisionModels) -> Gallery:
    """A gallery with nobody in it, for the loaded embedder."""
    return Gallery.empty(models.embedder.model_key, models.embedder.dim)


def count_photos(folder: Path) -> int:
    """Number of images in `folder/<person>/` folders (for progress bars)."""
    return sum(len(v) for v in labelled_tree(folder, IMAGE_SUFFIXES).values())


def gallery_from_store(config: KioskConfig, models: VisionModels) -> Gallery | None:
    """The enrolled people from the database, or None when there is no database yet.

    Opening purges old unknown-visitor data (privacy.retention_days).

    Raises:
        ModelMismatchError: the stored templates were made by another embedding model.
        CryptoError: the key file is missing or does not open the templates.
    """
    if not (config.paths.data_dir / DB_NAME).exists():
        return None
    with open_people(config.paths, config.privacy.retention_days) as people:
        return people.gallery(models.embedder.model_key, models.embedder.dim)


@dataclass(frozen=True, slots=True)
class LoadedGallery:
    """The people a command recognises, and where they came from (for the user)."""

    gallery: Gallery
    description: str


def recognition_gallery(
    config: KioskConfig,
    models: VisionModels,
    enroll: Path | None,
    on_photo: Callable[[Path], None] | None = None,
) -> LoadedGallery:
    """`--enroll DIR` enrolled in memory, else the database's enrolled people, else nobody.

    Raises:
        InputError: `enroll` is not a folder of `<person>/<photos>`.
    """
    if enroll is not None:
        report = gallery_from_folder(models, enroll, on_photo)
        return LoadedGallery(
            report.gallery,
            f"enrolled {len(report.gallery.names)} people from {report.used} photos; "
            f"no face in {len(report.no_face)}",
        )
    stored = gallery_from_store(config, models)
    if stored is None:
        return LoadedGallery(empty_gallery(models), "nobody enrolled: every face is unknown")
    return LoadedGallery(stored, f"recognising {len(stored.names)} enrolled people")
