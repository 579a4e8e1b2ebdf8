"""Enrolled people to and from a signed, encrypted gallery bundle (kiosk.store.bundle).

Export is three steps so a GUI can keep the slow one off its thread: `plan_export` reads the
database and reserves the next export counter (fast, database thread), `write_export` derives the
key, encrypts, signs and writes the file (slow, any thread), `finish_export` audits and records
which ids went out (database thread). Import likewise: `read_bundle` (any thread) then
`merge_bundle` (database thread). People are matched by their stable id (people.uid), never by
name. Tombstones travel both ways: an export carries the ids of everyone exported before and
forgotten since; an import forgets those ids here and never re-adds anyone forgotten here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.config import KioskConfig, PipelineConfig
from kiosk.errors import InputError
from kiosk.store import bundle_ledger
from kiosk.store.bundle import (
    DEFAULT_VALID_DAYS,
    BundleExtras,
    BundlePerson,
    EmbeddingInfo,
    GalleryBundle,
    Sealing,
    write_bundle,
)
from kiosk.store.bundle_format import rfc3339
from kiosk.store.bundle_passphrase import passphrase_problem
from kiosk.store.bundle_read import Expectation, read_bundle
from kiosk.store.bundle_rules import bundle_rules
from kiosk.store.bundle_signing import load_signing_key
from kiosk.store.forget import add_tombstones, apply_tombstones, tombstoned
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore
from kiosk.store.sealed_rows import MEAN

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExchangeSettings:
    """Where the signing key and ledger live, the rules to export, how long a bundle is valid."""

    data_dir: Path
    rules: Mapping[str, Any] = field(default_factory=dict)
    valid_days: int = DEFAULT_VALID_DAYS
    created_by: str = "iface-kiosk"


def exchange_settings(
    config: KioskConfig, max_distance: float, created_by: str
) -> ExchangeSettings:
    """Settings from the kiosk's configuration (rules from its pipeline section)."""
    return ExchangeSettings(
        config.paths.data_dir, bundle_rules(config.pipeline, max_distance), created_by=created_by
    )


def default_settings(people: PeopleStore, max_distance: float) -> ExchangeSettings:
    """Settings beside `people`'s database with the default rules."""
    return ExchangeSettings(people.store.path.parent, bundle_rules(PipelineConfig(), max_distance))


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """Everything `write_export` needs; made by `plan_export` on the database thread."""

    people: tuple[BundlePerson, ...]
    forgotten: tuple[str, ...]
    embedding: EmbeddingInfo
    sealing: Sealing
    rules: Mapping[str, Any]
    extras: BundleExtras | None


@dataclass(frozen=True, slots=True)
class BundleImportReport:
    """What importing a bundle changed.

    Attributes:
        people_added: new people created (with the bundle's stable ids).
        people_updated: people already here (same stable id) given more templates.
        templates_added: templates stored.
        templates_skipped: templates already stored (a bundle imported twice adds nothing).
        people_forgotten: people here whom the bundle lists as forgotten: deleted.
        people_refused: bundle people forgotten here before: not added back.
        ignored_entries: plain entries this command does not import (catalog.json, images/).
        signer: fingerprint of the key that signed the bundle.
        counter: the bundle's export number.
    """

    people_added: int
    people_updated: int
    templates_added: int
    templates_skipped: int
    people_forgotten: int
    people_refused: int
    ignored_entries: tuple[str, ...]
    signer: str
    counter: int


def _bundle_person(people: PeopleStore, person_id: int, onnx_sha256: str) -> BundlePerson | None:
    detail = people.detail(person_id)
    consents = [c for c in detail.consents if c.withdrawn_at is None]
    templates = [t.vector for t in people.templates(onnx_sha256, person_id) if t.source != MEAN]
    if not consents or not templates:
        return None
    consent = consents[-1]
    person = detail.person
    return BundlePerson(
        id=person.uid,
        display_name=person.name,
        consent_given_at=rfc3339(datetime.fromisoformat(consent.given_at)),
        consent_scope=tuple(s.strip() for s in consent.scope.split(",") if s.strip()),
        preferences=person.preferences_json,
        templates=np.stack(templates),
    )


def plan_export(
    people: PeopleStore,
    embedding: EmbeddingInfo,
    settings: ExchangeSettings,
    extras: BundleExtras | None = None,
) -> ExportPlan:
    """Read every consented person, the tombstones and the signing key; reserve a counter.

    Raises:
        ModelMismatchError: the database holds templates of another model than `embedding`.
        CryptoError: the signing key file is unreadable or readable by others.
        StoreError: the ledger cannot be read or written.
    """
    people.require_model(embedding.onnx_sha256)
    summaries = people.list_people()
    chosen = tuple(
        p
        for s in summaries
        if (p := _bundle_person(people, s.id, embedding.onnx_sha256)) is not None
    )
    key = load_signing_key(settings.data_dir)
    counter, ledger = bundle_ledger.take_counter(settings.data_dir)
    present = (s.uid for s in summaries)
    forgotten = bundle_ledger.tombstones(ledger, present) | tombstoned(people.store)
    sealing = Sealing(key, counter, settings.created_by, settings.valid_days)
    return ExportPlan(chosen, tuple(sorted(forgotten)), embedding, sealing, settings.rules, extras)


def write_export(plan: ExportPlan, path: Path, passphrase: str) -> GalleryBundle:
    """Encrypt, sign and write the planned bundle (slow: scrypt; no database access)."""
    return write_bundle(
        path,
        plan.people,
        plan.embedding,
        passphrase,
        plan.sealing,
        forgotten=plan.forgotten,
        rules=plan.rules,
        extras=plan.extras,
    )


def finish_export(
    people: PeopleStore, settings: ExchangeSettings, bundle: GalleryBundle, staff: str
) -> None:
    """Audit the export and remember which ids went out (their absence later is a tombstone)."""
    bundle_ledger.record_export(settings.data_dir, (p.id for p in bundle.people), bundle.forgotten)
    with people.store.atomic():
        detail = f"{len(bundle.people)} people, {bundle.templates} templates, #{bundle.counter}"
        people.audit(staff, "export", detail)
    log.info("exported %d people (bundle %d)", len(bundle.people), bundle.counter)


def export_gallery(
    people: PeopleStore,
    path: Path,
    embedding: EmbeddingInfo,
    passphrase: str,
    *,
    staff: str,
    created_by: str,
    extras: BundleExtras | None = None,
    settings: ExchangeSettings | None = None,
) -> GalleryBundle:
    """Plan, write and finish an export in one call (the CLI's way).

    Raises:
        InputError: a weak passphrase, or the file cannot be written.
        ModelMismatchError: the database holds templates of another model than `embedding`.
    """
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise InputError(problem)
    chosen = settings or default_settings(people, embedding.max_distance)
    chosen = ExchangeSettings(chosen.data_dir, chosen.rules, chosen.valid_days, created_by)
    plan = plan_export(people, embedding, chosen, extras)
    bundle = write_export(plan, path, passphrase)
    finish_export(people, chosen, bundle, staff)
    return bundle


def expectation(
    settings: ExchangeSettings, onnx_sha256: str, dim: int, signer: str | None = None
) -> Expectation:
    """What this kiosk requires of a bundle: its model, dim, the counters it has seen."""
    seen = bundle_ledger.load_ledger(settings.data_dir).seen
    return Expectation(onnx_sha256, dim, signer, seen)


def _new_rows(people: PeopleStore, person_id: int, sha: str, incoming: BundlePerson) -> list[int]:
    have = {t.vector.tobytes() for t in people.templates(sha, person_id)}
    return [i for i, row in enumerate(incoming.templates) if row.tobytes() not in have]


def _enrol(people: PeopleStore, incoming: BundlePerson, sha: str, staff: str) -> tuple[int, int]:
    """Store one person's new templates; returns (templates stored, 1 if the person is new)."""
    existing = people.find_by_uid(incoming.id)
    rows = (
        _new_rows(people, existing, sha, incoming)
        if existing is not None
        else list(range(len(incoming.templates)))
    )
    if not rows:
        return 0, 0
    people.enrol(
        EnrolRequest(
            consent=Consent(staff, ",".join(incoming.consent_scope), "bundle"),
            model_key=sha,
            templates=tuple(NewTemplate(incoming.templates[i], "bundle") for i in rows),
            name=None if existing is not None else incoming.display_name,
            person_id=existing,
            preferences_json=incoming.preferences if existing is None else None,
            uid=incoming.id if existing is None else None,
        )
    )
    return len(rows), int(existing is None)


def merge_bundle(
    people: PeopleStore, bundle: GalleryBundle, *, staff: str, settings: ExchangeSettings
) -> BundleImportReport:
    """Add a read bundle's people (one transaction), then apply its tombstones.

    Raises:
        ModelMismatchError: the database holds templates of another model.
        StoreError: the database cannot be written (nothing was).
    """
    sha = bundle.embedding.onnx_sha256
    people.require_model(sha)
    ledger = bundle_ledger.load_ledger(settings.data_dir)
    present = (s.uid for s in people.list_people())
    gone_here = bundle_ledger.tombstones(ledger, present) | tombstoned(people.store)
    added = updated = stored = refused = 0
    with people.store.atomic():
        for incoming in bundle.people:
            if incoming.id in gone_here:
                refused += 1
                continue
            count, new = _enrol(people, incoming, sha, staff)
            stored += count
            added += new
            updated += int(count > 0 and not new)
        detail = f"{added} added, {updated} updated, {stored} templates, #{bundle.counter}"
        people.audit(staff, "import-bundle", detail)
    # The bundle's tombstones become this kiosk's (and, in a chain, everyone's at the next sync):
    # whoever they name is forgotten here and can never be enrolled or imported again.
    add_tombstones(people.store, frozenset(bundle.forgotten), pushed=False)
    forgotten = len(apply_tombstones(people.store, staff))
    bundle_ledger.record_import(settings.data_dir, bundle.signer, bundle.counter, bundle.forgotten)
    skipped = (
        bundle.templates
        - stored
        - sum(len(p.templates) for p in bundle.people if p.id in gone_here)
    )
    return BundleImportReport(
        added,
        updated,
        stored,
        skipped,
        forgotten,
        refused,
        bundle.extra_entries,
        bundle.signer,
        bundle.counter,
    )


def import_gallery(
    people: PeopleStore,
    path: Path,
    passphrase: str,
    onnx_sha256: str,
    *,
    staff: str,
    dim: int = 128,
    signer: str | None = None,
    settings: ExchangeSettings | None = None,
) -> BundleImportReport:
    """Read and merge a bundle in one call (the CLI's way).

    Raises:
        ModelMismatchError: the bundle or the database was made with another embedding model.
        CryptoError: bad signature, another signer than `signer`, or wrong passphrase.
        InputError: not a bundle, malformed, expired, or older than one imported before.
    """
    chosen = settings or default_settings(people, 0.6)
    bundle = read_bundle(path, passphrase, expectation(chosen, onnx_sha256, dim, signer))
    return merge_bundle(people, bundle, staff=staff, settings=chosen)
