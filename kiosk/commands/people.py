"""`kiosk people ...`: the enrolled people (list, show, rename, forget, purge, bundles, import).

Opening the database purges unknown visitors' data older than privacy.retention_days (except
for `purge`, which is that purge with its own retention).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk import __version__
from kiosk.commands.loaders import load_models
from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.recommend.policies import CHEER_UP, TREATS
from kiosk.services.people_import import (
    ImportSummary,
    folder_items,
    import_annotations,
    import_folder,
    read_annotations,
)
from kiosk.store.bundle import DEFAULT_VALID_DAYS, EmbeddingInfo
from kiosk.store.bundle_rules import catalog_extras
from kiosk.store.bundle_signing import Signer, load_signing_key, signer_of
from kiosk.store.catalog import Catalog
from kiosk.store.gallery_exchange import (
    BundleImportReport,
    exchange_settings,
    export_gallery,
    import_gallery,
)
from kiosk.store.people import Consent, PeopleStore, open_people
from kiosk.store.people_records import ForgetReport, PersonDetail, PersonSummary, PurgeReport
from kiosk.store.retention import purge_unknown
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
    products: int
    forgotten: int
    counter: int
    expires_at: str
    signer: str


def export_bundle(
    config: KioskConfig,
    out: Path,
    staff: str,
    passphrase: str,
    valid_days: int = DEFAULT_VALID_DAYS,
) -> ExportResult:
    """Write the consented people, the catalog, the rules and the tombstones as a signed,
    encrypted bundle (ios_companion/BUNDLE_FORMAT.md).

    Raises:
        InputError: a weak passphrase, a validity outside 1..90 days, or the file cannot be
            written.
        CryptoError: the signing key file is unreadable or readable by others.
    """
    with _open(config) as people:
        embedding = _embedding(config, people)
        created_by = f"iface-kiosk {__version__}"
        settings = replace(
            exchange_settings(config, embedding.max_distance, created_by), valid_days=valid_days
        )
        extras = catalog_extras(Catalog(people.store), cheer_up=CHEER_UP, treats=TREATS)
        bundle = export_gallery(
            people,
            out,
            embedding,
            passphrase,
            staff=staff,
            created_by=created_by,
            extras=extras,
            settings=settings,
        )
    return ExportResult(
        out,
        len(bundle.people),
        bundle.templates,
        bundle.created_at,
        extras.products,
        len(bundle.forgotten),
        bundle.counter,
        bundle.expires_at,
        bundle.signer,
    )


def import_bundle(
    config: KioskConfig, bundle: Path, staff: str, passphrase: str, signer: str | None = None
) -> BundleImportReport:
    """Add the people of a signed, encrypted bundle made with the same embedding model, and
    apply its tombstones.

    Raises:
        InputError: not a bundle, malformed, expired, or older than one imported before (4).
        ModelMismatchError: made with another embedding model (3).
        CryptoError: bad signature, another signer than `signer`, or wrong passphrase (7).
    """
    sha = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY).sha256
    settings = exchange_settings(config, 0.6, f"iface-kiosk {__version__}")
    with _open(config) as people:
        dim = _embedding(config, people).dim
        return import_gallery(
            people, bundle, passphrase, sha, staff=staff, dim=dim, signer=signer, settings=settings
        )


def bundle_key(config: KioskConfig) -> Signer:
    """The shop's bundle signing key's public half (the key is created if there is none)."""
    return signer_of(load_signing_key(config.paths.data_dir))


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
