"""Enrolled people: enrol (consent, templates, photos), read, rename, the gallery snapshot.

Every write that touches more than one row runs in one `Store.atomic()` transaction, so a failure
or a kill in the middle leaves no half-enrolled person. Templates and photos are sealed and
opened in `sealed_rows`, the summaries and detail staff see are read in `people_queries`;
forgetting a person is `forget`, purging unknown visitors `retention`. All templates come from
one embedding model: mixing is refused. Logs carry person ids only, never names, images or
embeddings.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from kiosk.config import PathsConfig
from kiosk.core.gallery import Gallery
from kiosk.core.names import clean_name
from kiosk.errors import InputError, ModelMismatchError, UnknownPersonError
from kiosk.store import sealed_rows
from kiosk.store.crypto import Vault, load_or_create_key
from kiosk.store.db import Store, open_store, utc_now
from kiosk.store.forget import apply_tombstones, forget_person
from kiosk.store.gallery_snapshot import build_gallery, gallery_version, update_gallery
from kiosk.store.people_queries import person_detail, person_summaries
from kiosk.store.people_records import (
    Consent,
    EnrolRequest,
    ForgetReport,
    NewTemplate,
    PersonDetail,
    PersonSummary,
    StoredTemplate,
)
from kiosk.store.retention import purge_unknown

log = logging.getLogger(__name__)

# The records every enrolment path builds, re-exported: most callers need them with the store.
__all__ = ["Consent", "EnrolRequest", "NewTemplate", "PeopleStore", "open_people"]


class PeopleStore:
    """The people tables of an open `Store`, with the vault that seals their biometric data."""

    def __init__(self, store: Store, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    def close(self) -> None:
        """Close the database."""
        self.store.close()

    def __enter__(self) -> PeopleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def model_keys(self) -> tuple[str, ...]:
        """The embedding models whose templates the database holds."""
        rows = self.store.db.execute("SELECT DISTINCT model_key FROM templates ORDER BY 1")
        return tuple(str(r[0]) for r in rows.fetchall())

    def require_model(self, model_key: str) -> None:
        """Refuse a model other than the one every stored template came from.

        Raises:
            ModelMismatchError: naming the stored and the offered model sha256.
        """
        row = self.store.db.execute(  # two index range probes, not a scan of every template
            "SELECT (SELECT model_key FROM templates WHERE model_key < ?1 LIMIT 1), "
            "(SELECT model_key FROM templates WHERE model_key > ?1 LIMIT 1)",
            [model_key],
        ).fetchone()
        others = [str(k) for k in row if k is not None]
        if others:
            raise ModelMismatchError(
                f"the database holds templates made by embedding model {others[0]}, but the "
                f"loaded embedder is {model_key}; templates of two models are never mixed: load "
                f"the model that made them, or forget and re-enrol everyone"
            )

    def enrol(self, request: EnrolRequest) -> int:
        """Store an enrolment in one transaction; returns the person's id.

        Raises:
            ModelMismatchError: the database holds templates of another model.
            UnknownPersonError: `person_id` does not exist.
            InputError: neither or both of name and person_id, or no templates.
        """
        if (request.name is None) == (request.person_id is None) or not request.templates:
            raise InputError("an enrolment needs templates and exactly one of name or person_id")
        now = utc_now()
        with self.store.atomic() as db:
            self.require_model(request.model_key)
            if request.person_id is None:
                person_id = self._insert_person(request, now)
            else:
                person_id = self._touch_person(request.person_id, request.keep_photos, now)
            c = request.consent
            db.table("consents").insert(
                {"person_id": person_id, "scope": c.scope, "staff": c.staff, "method": c.method}
                | {"given_at": now}
            )
            for template in request.templates:
                self._insert_template(person_id, request.model_key, template, now)
            kept = self._insert_photos(person_id, request.photos_jpeg, now)
            self.refresh_mean(person_id, request.model_key, now)
            detail = f"person {person_id}: {len(request.templates)} templates, {kept} photos"
            self.audit(c.staff, f"enrol:{c.method}", detail)
        log.info("enrolled person %d (%d templates)", person_id, len(request.templates))
        return person_id

    def _insert_person(self, request: EnrolRequest, now: str) -> int:
        name = _valid_name(str(request.name))
        uid = request.uid or uuid.uuid4().hex
        if self.is_forgotten(uid):
            raise InputError(
                f"person {uid} was forgotten here (or elsewhere in the chain) and is never "
                f"enrolled again under that id; enrol them afresh if they consent again"
            )
        row: dict[str, object] = {"uid": uid, "display_name": name}
        row["keep_photos"] = int(bool(request.keep_photos))
        prefs = {"preferences": request.preferences_json or "{}"}
        table = self.store.db.table("people")
        table.insert(row | prefs | {"created_at": now, "updated_at": now})
        return int(str(table.last_pk))

    def _touch_person(self, person_id: int, keep_photos: bool | None, now: str) -> int:
        self.summary(person_id)  # raises UnknownPersonError
        changes: dict[str, object] = {"updated_at": now}
        if keep_photos is not None:
            changes["keep_photos"] = int(keep_photos)
        self.store.db.table("people").update(person_id, changes)
        return person_id

    def _insert_template(self, person_id: int, model_key: str, t: NewTemplate, now: str) -> None:
        sealed_rows.insert_template(self.store, self.vault, person_id, model_key, t, now=now)

    def _insert_photos(self, person_id: int, photos: tuple[bytes, ...], now: str) -> int:
        if not photos or not self.summary(person_id).keep_photos:
            return 0
        sealed_rows.insert_photos(self.store, self.vault, person_id, photos, now)
        return len(photos)

    def refresh_mean(self, person_id: int, model_key: str, now: str) -> None:
        """Recompute a person's mean template from their own captures (2 or more)."""
        sealed_rows.refresh_mean(self.store, self.vault, person_id, model_key, now)

    def audit(self, staff: str, action: str, detail: str = "") -> None:
        """Append an audit row (detail: ids and counts only, never a name or biometric data)."""
        _audit(self.store, staff, action, detail)

    def templates(self, model_key: str, person_id: int | None = None) -> tuple[StoredTemplate, ...]:
        """Decrypted templates of `model_key` (of one person, or everyone), in storage order."""
        return sealed_rows.read_templates(self.store, self.vault, model_key, person_id)

    def photos(self, person_id: int) -> tuple[bytes, ...]:
        """The person's kept photos (JPEG bytes), decrypted."""
        return sealed_rows.read_photos(self.store, self.vault, person_id)

    def gallery(self, model_key: str, dim: int = 128) -> Gallery:
        """The snapshot the pipeline searches: every template, decrypted, as one matrix.

        Raises:
            ModelMismatchError: the database holds templates of another embedding model.
            CryptoError: the key does not open the templates.
        """
        self.require_model(model_key)
        return build_gallery(self.store, self.vault, model_key, dim)

    def gallery_update(self, old: Gallery, dim: int = 128) -> Gallery:
        """`old` with only the people changed since it was built decrypted again.

        Raises:
            ModelMismatchError: the database now holds templates of another embedding model.
        """
        self.require_model(old.model_key)
        return update_gallery(self.store, self.vault, old, dim)

    def count(self) -> int:
        """How many people are enrolled."""
        return int(self.store.db.execute("SELECT count(*) FROM people").fetchone()[0])

    def list_people(self) -> tuple[PersonSummary, ...]:
        """Everyone enrolled, by id."""
        return tuple(person_summaries(self.store))

    def summary(self, person_id: int) -> PersonSummary:
        """One person; UnknownPersonError if there is nobody with that id."""
        found = person_summaries(self.store, "WHERE p.id = ?", [person_id])
        if not found:
            raise UnknownPersonError(f"there is no enrolled person with id {person_id}")
        return found[0]

    def detail(self, person_id: int) -> PersonDetail:
        """Everything about one person except templates and photos."""
        return person_detail(self.store, self.summary(person_id))

    def is_forgotten(self, uid: str) -> bool:
        """True when the person with stable id `uid` was forgotten (a tombstone exists)."""
        row = self.store.db.execute("SELECT 1 FROM tombstones WHERE uid = ?", [uid]).fetchone()
        return row is not None

    def gallery_version(self) -> int:
        """A number that grows whenever any process changes templates or display names.

        Cheap (one indexed row): a running kiosk polls it and rebuilds its gallery when it moves.
        """
        return gallery_version(self.store)

    def find_by_uid(self, uid: str) -> int | None:
        """The local id of the person with stable id `uid`, or None."""
        row = self.store.db.execute("SELECT id FROM people WHERE uid = ?", [uid]).fetchone()
        return None if row is None else int(row[0])

    def find_by_name(self, name: str) -> tuple[int, ...]:
        """Ids of the people whose display name is exactly `name` (after trimming)."""
        rows = self.store.db.execute(
            "SELECT id FROM people WHERE display_name = ? ORDER BY id", [name.strip()]
        )
        return tuple(int(r[0]) for r in rows.fetchall())

    def rename(self, person_id: int, name: str, staff: str) -> None:
        """Change a display name (audited by id only)."""
        name = _valid_name(name)
        with self.store.atomic() as db:
            self.summary(person_id)
            db.table("people").update(person_id, {"display_name": name, "updated_at": utc_now()})
            self.audit(staff, "rename", f"person {person_id}")

    def forget(self, person_id: int, staff: str) -> ForgetReport:
        """Delete everything about a person (`forget_person`); UnknownPersonError if unknown."""
        self.summary(person_id)
        return forget_person(self.store, person_id, staff)


def _valid_name(raw: str) -> str:
    try:
        return clean_name(raw)
    except ValueError as exc:
        raise InputError(f"{exc}; nothing saved") from exc


def _audit(store: Store, staff: str, action: str, detail: str) -> None:
    store.db.table("audit").insert(
        {"at": utc_now(), "staff": staff, "action": action, "detail": detail}
    )


def open_people(
    paths: PathsConfig, retention_days: int | None, now: datetime | None = None
) -> PeopleStore:
    """Open the database and the key, and purge old unknown-visitor data (None: no purge).

    The key is created only while the database holds no sealed data; after that a missing key
    is an error (creating a new one would make every template unreadable).
    """
    store = open_store(paths.data_dir)
    try:
        sealed = store.db.execute(
            "SELECT (SELECT count(*) FROM templates) + (SELECT count(*) FROM photos)"
        ).fetchone()[0]
        vault = Vault(load_or_create_key(paths.key_path, create=sealed == 0))
        apply_tombstones(store)
        if retention_days is not None:
            purge_unknown(store, retention_days, now)
    except BaseException:
        store.close()
        raise
    return PeopleStore(store, vault)
