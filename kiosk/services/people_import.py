"""Bulk enrolment from labelled photos: folder-per-person trees and annotation files.

The importing staff member records the consent (method "import"). In an annotation file the box
picks the face: the detected face with the highest IoU with the annotated box, or, when none
overlaps enough, the largest face found inside the box (with a margin). Bad rows and unreadable
images are skipped and reported with file and line; everything else is imported. Each person's
rows are written in one transaction; a label equal to exactly one enrolled person's name adds
templates to that person instead of creating a second one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.camera.sources import IMAGE_SUFFIXES, read_image
from kiosk.core.annotations import AnnotatedFace, ParsedAnnotations, merge, parse
from kiosk.core.gallery import Gallery
from kiosk.core.geometry import Box, clip_int, expand, iou
from kiosk.core.names import name_from_folder
from kiosk.errors import InputError
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore
from kiosk.vision.models import VisionModels
from kiosk.vision.runtime import ImageBGR
from kiosk.vision.still import StillFace, labelled_tree, largest_face

log = logging.getLogger(__name__)

DUPLICATE_TOLERANCE = 1e-4  # per component: the same photo embedded twice
MIN_IOU = 0.3  # a detection overlapping the annotated box less than this is another face


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry or image that was not imported: where (file and line) and why."""

    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did.

    Attributes:
        images: face entries looked at (one per image in a folder, one per box in a file).
        people_added: new people.
        people_updated: existing people given more templates.
        templates: templates stored.
        skipped: entries not imported, with file, line and reason.
        gallery: the rebuilt gallery snapshot.
        duplicates: faces already enrolled for that person (the same photo imported again);
            not stored twice.
    """

    images: int
    people_added: int
    people_updated: int
    templates: int
    skipped: tuple[Skipped, ...]
    gallery: Gallery
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class _Item:
    label: str
    image: Path
    where: str
    xyxy: Box | None  # None: the largest face


def read_annotations(source: Path, fmt: str, images_dir: Path | None = None) -> ParsedAnnotations:
    """Parse an annotation file, or (VOC) a folder of XML files; images default to its folder.

    Raises:
        InputError: the file or folder cannot be read, or the format is unknown.
    """
    try:
        files = sorted(source.glob("*.xml")) if source.is_dir() else [source]
        if source.is_dir() and not files:
            raise InputError(f"{source} holds no .xml annotation files")
        base = images_dir or (source if source.is_dir() else source.parent)
        return merge([parse(fmt, f.read_text(encoding="utf-8-sig"), f, base) for f in files])
    except OSError as exc:
        raise InputError(f"cannot read annotations {source}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text: {exc}") from exc
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def face_in_box(models: VisionModels, image_bgr: ImageBGR, xyxy: Box) -> StillFace | None:
    """The face an annotated box points at, embedded; None if there is none."""
    best: tuple[float, StillFace | None] = (MIN_IOU, None)
    for face in models.finder.find(image_bgr, still=True):
        overlap = iou(face.box.xyxy, xyxy)
        if overlap >= best[0] and face.trusted:
            embedded = StillFace(face.box, face.mesh, models.embedder.embed(image_bgr, face.mesh))
            best = (overlap, embedded)
    if best[1] is not None:
        return best[1]
    x1, y1, x2, y2 = clip_int(expand(xyxy, 0.5), image_bgr.shape[1], image_bgr.shape[0])
    if x2 - x1 < 8 or y2 - y1 < 8:
        return None
    return largest_face(models, image_bgr[y1:y2, x1:x2].copy())


class _Importer:
    """Embeds items person by person and writes each person in one transaction."""

    def __init__(
        self,
        people: PeopleStore,
        models: VisionModels,
        consent: Consent,
        on_image: Callable[[Path], None] | None,
    ) -> None:
        self.people, self.models, self.consent, self.on_image = people, models, consent, on_image
        self.skipped: list[Skipped] = []
        self.added = self.updated = self.templates = self.images = self.duplicates = 0
        self._cache: tuple[Path, ImageBGR] | None = None

    def _read(self, path: Path) -> ImageBGR:
        if self._cache is None or self._cache[0] != path:
            self._cache = (path, read_image(path))
        return self._cache[1]

    def _embed(self, item: _Item) -> NewTemplate | None:
        self.images += 1
        try:
            image = self._read(item.image)
        except InputError as exc:
            self.skipped.append(Skipped(item.where, str(exc)))
            return None
        finally:
            if self.on_image is not None:
                self.on_image(item.image)
        face = (
            largest_face(self.models, image)
            if item.xyxy is None
            else face_in_box(self.models, image, item.xyxy)
        )
        if face is None:
            where = "in the image" if item.xyxy is None else "in the annotated box"
            self.skipped.append(Skipped(item.where, f"no usable face {where}"))
            return None
        return NewTemplate(face.descriptor, "import")

    def person(self, label: str, items: list[_Item]) -> None:
        templates = [t for t in map(self._embed, items) if t is not None]
        if not templates:
            return
        matches = self.people.find_by_name(label)
        if len(matches) > 1:
            reason = f"{len(matches)} enrolled people share this name; rename them first"
            self.skipped.extend(Skipped(i.where, reason) for i in items)
            return
        existing = matches[0] if matches else None
        if existing is not None:
            templates = self._new_only(existing, templates)
            if not templates:
                return
        self.people.enrol(
            EnrolRequest(
                consent=self.consent,
                model_key=self.models.embedder.model_key,
                templates=tuple(templates),
                name=None if existing is not None else label,
                person_id=existing,
            )
        )
        self.templates += len(templates)
        self.added += existing is None
        self.updated += existing is not None

    def _new_only(self, person_id: int, templates: list[NewTemplate]) -> list[NewTemplate]:
        """Drop faces this person already has (re-importing a folder adds nothing twice): the
        same photo gives the same descriptor, up to float rounding."""
        stored = self.people.templates(self.models.embedder.model_key, person_id)
        have = [np.asarray(t.vector, np.float32) for t in stored if t.source == "import"]
        fresh: list[NewTemplate] = []
        for template in templates:
            vector = np.asarray(template.vector, np.float32)
            if any(float(np.abs(vector - h).max()) < DUPLICATE_TOLERANCE for h in have):
                self.duplicates += 1
            else:
                have.append(vector)
                fresh.append(template)
        return fresh

    def run(self, items: Iterable[_Item], skipped: Iterable[Skipped] = ()) -> None:
        self.people.require_model(self.models.embedder.model_key)
        self.skipped.extend(skipped)
        groups: dict[str, list[_Item]] = {}
        for item in items:
            groups.setdefault(item.label, []).append(item)
        for label, group in groups.items():
            self.person(label, group)

    def summary(self, on_saved: Callable[[Gallery], None] | None) -> ImportSummary:
        embedder = self.models.embedder
        gallery = self.people.gallery(embedder.model_key, embedder.dim)
        if on_saved is not None:
            on_saved(gallery)
        log.info("imported %d templates, skipped %d entries", self.templates, len(self.skipped))
        return ImportSummary(
            self.images,
            self.added,
            self.updated,
            self.templates,
            tuple(self.skipped),
            gallery,
            self.duplicates,
        )


def folder_items(root: Path) -> list[_Item]:
    """`root/<person>/<images>` as import items (raises InputError for an empty tree)."""
    if not root.is_dir():
        raise InputError(f"import folder {root} does not exist")
    tree = labelled_tree(root, IMAGE_SUFFIXES)
    if not tree:
        raise InputError(f"{root} has no <person>/<image> folders to import")
    return [
        _Item(name_from_folder(label), p, str(p), None)
        for label, paths in tree.items()
        for p in paths
    ]


def import_folder(
    people: PeopleStore,
    models: VisionModels,
    root: Path,
    consent: Consent,
    *,
    on_image: Callable[[Path], None] | None = None,
    on_saved: Callable[[Gallery], None] | None = None,
) -> ImportSummary:
    """Import `root/<person name>/<photos>`: the largest face of each photo."""
    importer = _Importer(people, models, consent, on_image)
    importer.run(folder_items(root))
    return importer.summary(on_saved)


def import_annotations(
    people: PeopleStore,
    models: VisionModels,
    parsed: ParsedAnnotations,
    consent: Consent,
    *,
    on_image: Callable[[Path], None] | None = None,
    on_saved: Callable[[Gallery], None] | None = None,
) -> ImportSummary:
    """Import the labelled boxes of parsed annotation files (see `read_annotations`)."""
    importer = _Importer(people, models, consent, on_image)
    items = [_annotated_item(f) for f in parsed.faces]
    importer.run(items, (Skipped(str(p.where), p.message) for p in parsed.problems))
    return importer.summary(on_saved)


def _annotated_item(face: AnnotatedFace) -> _Item:
    return _Item(face.label, face.image, str(face.where), face.xyxy)
