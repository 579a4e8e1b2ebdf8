"""Single images (enrolment photos, evaluation sets): the largest face, its embedding, a gallery."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.core.gallery import Gallery
from kiosk.core.types import FaceBox, FaceMesh, FloatArray
from kiosk.vision.finder_records import largest
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR


@dataclass(frozen=True, slots=True)
class StillFace:
    """The largest face of an image with its landmarks and embedding."""

    box: FaceBox
    mesh: FaceMesh
    descriptor: FloatArray


def largest_face(models: VisionModels, image_bgr: ImageBGR) -> StillFace | None:
    """The largest face whose landmarks are trustworthy, embedded; None if there is none.

    Faces are found as for every still photo (`FaceFinder.find(still=True)`: padded and
    enlarged when nothing is found at first).
    """
    face = largest(models.finder.find(image_bgr, still=True), trusted=True)
    if face is None:
        return None
    return StillFace(face.box, face.mesh, models.embedder.embed(image_bgr, face.mesh))


@dataclass(frozen=True, slots=True)
class EnrolmentReport:
    """What building a gallery from labelled photos did.

    Attributes:
        gallery: the people found, one template per usable photo.
        used: number of photos that gave a template.
        no_face: photos in which no face was found.
    """

    gallery: Gallery
    used: int
    no_face: tuple[Path, ...]


def gallery_from_photos(
    models: VisionModels,
    photos: Mapping[str, Sequence[Path]],
    read: Callable[[Path], ImageBGR],
    on_photo: Callable[[Path], None] | None = None,
) -> EnrolmentReport:
    """Build an in-memory gallery: person name -> photos of them (person ids count from 1).

    Args:
        models: loaded models.
        photos: the photos of each person.
        read: image reader (raises InputError for unreadable files).
        on_photo: called after each photo (progress bars).
    """
    templates: list[FloatArray] = []
    ids: list[int] = []
    names: dict[int, str] = {}
    no_face: list[Path] = []
    for person_id, (name, paths) in enumerate(sorted(photos.items()), start=1):
        names[person_id] = name
        for path in paths:
            face = largest_face(models, read(path))
            if face is None:
                no_face.append(path)
            else:
                templates.append(face.descriptor)
                ids.append(person_id)
            if on_photo is not None:
                on_photo(path)
    dim = models.embedder.dim
    matrix = np.stack(templates) if templates else np.zeros((0, dim), np.float32)
    gallery = Gallery.build(matrix, ids, names, models.embedder.model_key, dim)
    return EnrolmentReport(gallery, len(templates), tuple(no_face))


def labelled_tree(root: Path, suffixes: Iterable[str]) -> dict[str, list[Path]]:
    """`root/<label>/<file>` -> {label: files}, for files with one of `suffixes`, sorted."""
    allowed = {s.lower() for s in suffixes}
    tree: dict[str, list[Path]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in allowed)
        if files:
            tree[folder.name] = files
    return tree
