"""Enrolled people to and from an encrypted gallery bundle (format: kiosk.store.bundle)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from kiosk.store.bundle import (
    BundleExtras,
    BundlePerson,
    EmbeddingInfo,
    GalleryBundle,
    read_bundle,
    rfc3339,
    write_bundle,
)
from kiosk.store.people import MEAN, Consent, EnrolRequest, NewTemplate, PeopleStore

log = logging.getLogger(__name__)
_IDS = uuid.UUID("1b6c1f9e-5a53-4f0e-9d43-6f1d1c0a7e21")  # namespace of exported person ids


@dataclass(frozen=True, slots=True)
class BundleImportReport:
    """What importing a bundle changed.

    Attributes:
        people_added: new people created.
        people_updated: existing people (same display name, exactly one) given more templates.
        templates_added: templates stored.
        templates_skipped: templates already stored (a bundle imported twice adds nothing).
        ignored_entries: plain entries this command does not import (catalog.json, images/).
    """

    people_added: int
    people_updated: int
    templates_added: int
    templates_skipped: int
    ignored_entries: tuple[str, ...]


def _bundle_person(people: PeopleStore, person_id: int, onnx_sha256: str) -> BundlePerson | None:
    detail = people.detail(person_id)
    consents = [c for c in detail.consents if c.withdrawn_at is None]
    templates = [t.vector for t in people.templates(onnx_sha256, person_id) if t.source != MEAN]
    if not consents or not templates:
        return None
    consent = consents[-1]
    person = detail.person
    return BundlePerson(
        id=str(uuid.uuid5(_IDS, f"{person.id}:{person.created_at}")),
        display_name=person.name,
        consent_given_at=rfc3339(datetime.fromisoformat(consent.given_at)),
        consent_scope=tuple(s.strip() for s in consent.scope.split(",") if s.strip()),
        preferences=person.preferences_json,
        templates=np.stack(templates),
    )


def export_gallery(
    people: PeopleStore,
    path: Path,
    embedding: EmbeddingInfo,
    passphrase: str,
    *,
    staff: str,
    created_by: str,
    extras: BundleExtras | None = None,
) -> GalleryBundle:
    """Write every consented person's templates to an encrypted bundle, and audit it.

    Raises:
        ModelMismatchError: the database holds templates of another model than `embedding`.
        InputError: passphrase too short, or the file cannot be written.
    """
    people.require_model(embedding.onnx_sha256)
    chosen = [
        p
        for s in people.list_people()
        if (p := _bundle_person(people, s.id, embedding.onnx_sha256)) is not None
    ]
    bundle = write_bundle(path, chosen, embedding, passphrase, created_by=created_by, extras=extras)
    with people.store.atomic():
        people.audit(staff, "export", f"{len(chosen)} people, {bundle.templates} templates")
    log.info("exported %d people", len(chosen))
    return bundle


def _new_rows(people: PeopleStore, person_id: int, sha: str, incoming: BundlePerson) -> list[int]:
    have = {t.vector.tobytes() for t in people.templates(sha, person_id)}
    return [i for i, row in enumerate(incoming.templates) if row.tobytes() not in have]


def import_gallery(
    people: PeopleStore, path: Path, passphrase: str, onnx_sha256: str, *, staff: str
) -> BundleImportReport:
    """Add a bundle's people in one transaction (an existing person with the same name, if
    exactly one, gets the templates they do not have yet).

    Raises:
        ModelMismatchError: the bundle or the database was made with another embedding model.
        CryptoError: wrong passphrase or damaged bundle.
        InputError: not a readable bundle.
    """
    bundle = read_bundle(path, passphrase, onnx_sha256)
    people.require_model(onnx_sha256)
    added = updated = stored = skipped = 0
    with people.store.atomic():
        for incoming in bundle.people:
            matches = people.find_by_name(incoming.display_name)
            existing = matches[0] if len(matches) == 1 else None
            rows = (
                _new_rows(people, existing, onnx_sha256, incoming)
                if existing is not None
                else list(range(len(incoming.templates)))
            )
            skipped += len(incoming.templates) - len(rows)
            if not rows:
                continue
            scope = ",".join(incoming.consent_scope) or "recognition"
            people.enrol(
                EnrolRequest(
                    consent=Consent(staff, scope, "bundle"),
                    model_key=onnx_sha256,
                    templates=tuple(NewTemplate(incoming.templates[i], "bundle") for i in rows),
                    name=None if existing is not None else incoming.display_name,
                    person_id=existing,
                    preferences_json=incoming.preferences,
                )
            )
            stored += len(rows)
            added += existing is None
            updated += existing is not None
        people.audit(
            staff, "import-bundle", f"{added} added, {updated} updated, {stored} templates"
        )
    return BundleImportReport(added, updated, stored, skipped, bundle.extra_entries)
