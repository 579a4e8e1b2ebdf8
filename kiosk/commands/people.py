"""`kiosk people ...`: the enrolled people (list, show, rename, forget, purge, bundles, import).

Opening the database purges unknown visitors' data older than privacy.retention_days (except
for `purge`, which is that purge with its own retention).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk import __version__
from kiosk.commands.loaders import load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.services.people_import import (
    ImportSummary,
    folder_items,
    import_annotations,
    import_folder,
    read_annotations,
)
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.gallery_exchange import BundleImportReport, export_gallery, import_gallery
from kiosk.store.people import (
    Consent,
    ForgetReport,
    PeopleStore,
    PersonDetail,
    PersonSummary,
    PurgeReport,
    open_people,
    purge_unknown,
)
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import EMBEDDER_KEY


def _open(config: KioskConfig, purge: bool = True) -> PeopleStore:
    return open_people(config.paths, config.privacy.retention_days if purge else None)


def list_people(config: KioskConfig) -> tuple[PersonSummary, ...]:
    """Everyone enrolled, by id."""
    with _open(config) as people:
        return people.list_people()


def show_person(config: KioskConfig, person_id: int) -> PersonDetail:
    """One person's consents, model, visit and event counts (never biometric data).

    Raises:
        UnknownPersonError: nobody has this id.
    """
    with _open(config) as people:
        return people.detail(person_id)


def rename_person(config: KioskConfig, person_id: int, name: str, staff: str) -> None:
    """Change a display name (audited).

    Raises:
        UnknownPersonError: nobody has this id.
        InputError: the name is empty.
    """
    with _open(config) as people:
        people.rename(person_id, name, staff)


def forget_person(config: KioskConfig, person_id: int, staff: str) -> ForgetReport:
    """Delete everything about a person and compact the file so the bytes are gone.

    Raises:
        UnknownPersonError: nobody has this id.
    """
    with _open(config) as people:
        return people.forget(person_id, staff)


def purge(config: KioskConfig, days: int | None) -> PurgeReport:
    """Delete unknown visitors' visits and events older than `days` (default: the setting)."""
    with _open(config, purge=False) as people:
        return purge_unknown(people.store, config.privacy.retention_days if days is None else days)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What `people export` wrote."""

    path: Path
    people: int
    templates: int
    created_at: str


def export_bundle(config: KioskConfig, out: Path, staff: str, passphrase: str) -> ExportResult:
    """Write the consented people's templates as an encrypted bundle.

    Raises:
        InputError: the file cannot be written or the passphrase is refused.
    """
    with _open(config) as people:
        bundle = export_gallery(
            people,
            out,
            _embedding(config, people),
            passphrase,
            staff=staff,
            created_by=f"iface-kiosk {__version__}",
        )
    return ExportResult(out, len(bundle.people), bundle.templates, bundle.created_at)


def import_bundle(
    config: KioskConfig, bundle: Path, staff: str, passphrase: str
) -> BundleImportReport:
    """Add the people of an encrypted bundle made with the same embedding model.

    Raises:
        InputError: not a bundle, wrong passphrase, or another embedding model.
    """
    sha = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY).sha256
    with _open(config) as people:
        return import_gallery(people, bundle, passphrase, sha, staff=staff)


def import_people(
    config: KioskConfig,
    source: Path,
    consent: Consent,
    *,
    fmt: str | None = None,
    images: Path | None = None,
    progress: Progress = SILENT,
) -> ImportSummary:
    """Enrol people from `source/<person>/<photos>` or an annotation file (`fmt`).

    Raises:
        InputError: the folder or file cannot be read.
        ModelError: a model file is missing or broken.
    """
    parsed = None if fmt is None else read_annotations(source, fmt, images)
    total = len(folder_items(source)) if parsed is None else len(parsed.faces)
    with load_models(config) as models, _open(config) as people:
        progress.start("importing", total)
        if parsed is None:
            return import_folder(people, models, source, consent, on_image=_step(progress))
        return import_annotations(people, models, parsed, consent, on_image=_step(progress))


def _step(progress: Progress) -> Callable[[Path], None]:
    return lambda _path: progress.advance()


def _embedding(config: KioskConfig, people: PeopleStore) -> EmbeddingInfo:
    spec = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY)
    stored = people.templates(spec.sha256)
    dim = int(stored[0].vector.shape[0]) if stored else 128
    threshold = config.pipeline.max_distance or spec.threshold("max_distance")
    return EmbeddingInfo(spec.key, spec.sha256, dim, threshold)
