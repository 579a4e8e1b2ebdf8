"""Records of the people tables: what goes in (consent, templates) and what comes out.

Frozen dataclasses only; `kiosk.store.people` reads and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.types import FloatArray
from kiosk.errors import InputError


@dataclass(frozen=True, slots=True)
class Consent:
    """Consent given by the shopper, recorded by a staff member.

    Attributes:
        staff: who recorded it (also written to the audit log).
        scope: what was consented to, e.g. "recognition,personalisation".
        method: "in-person", "import" or "bundle".
    """

    staff: str
    scope: str = "recognition"
    method: str = "in-person"

    def __post_init__(self) -> None:
        if not self.staff.strip():
            raise InputError("a staff name is needed to record consent")


@dataclass(frozen=True, slots=True)
class NewTemplate:
    """A template to store: float32 (D,) descriptor, where it came from, its quality in [0, 1]."""

    vector: FloatArray
    source: str
    quality: float = 1.0


@dataclass(frozen=True, slots=True)
class EnrolRequest:
    """One atomic enrolment: a new person (`name`) or more captures for `person_id`.

    Attributes:
        consent: recorded with the enrolment.
        model_key: the embedding model (sha256) that made the templates.
        templates: descriptors to store (encrypted).
        name: display name of a new person (exactly one of name and person_id).
        person_id: an existing person to add captures to.
        photos_jpeg: face photos, stored (encrypted) only if the person keeps photos.
        keep_photos: set the person's keep-photos switch; None keeps it as it is.
        preferences_json: a new person's preferences (JSON object text); None: "{}".
        uid: a new person's stable id (uuid4 hex) when it was minted elsewhere (a bundle, the
            chain); None mints one.
    """

    consent: Consent
    model_key: str
    templates: tuple[NewTemplate, ...]
    name: str | None = None
    person_id: int | None = None
    photos_jpeg: tuple[bytes, ...] = ()
    keep_photos: bool | None = None
    preferences_json: str | None = None
    uid: str | None = None


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One enrolled person as `kiosk people list` shows them.

    Attributes:
        captures: faces the person gave: camera captures at enrolment and imported photos,
            the number every summary (enrolment, import, gallery) reports.
        templates: every stored face template: the captures plus those derived from them
            (a mirrored template per capture when flip is on, and one mean per person).
    """

    id: int
    name: str
    templates: int
    photos: int
    keep_photos: bool
    created_at: str
    updated_at: str
    preferences_json: str = "{}"
    uid: str = ""
    captures: int = 0


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """A consent row."""

    scope: str
    staff: str
    method: str
    given_at: str
    withdrawn_at: str | None


@dataclass(frozen=True, slots=True)
class PersonDetail:
    """Everything about one person except biometric data."""

    person: PersonSummary
    consents: tuple[ConsentRecord, ...]
    model_keys: tuple[str, ...]
    visits: int
    events: int


@dataclass(frozen=True, slots=True)
class StoredTemplate:
    """A decrypted template."""

    person_id: int
    source: str
    quality: float
    vector: FloatArray


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What forgetting a person deleted: (table, rows) for each table that referenced them.

    Attributes:
        person_id: who was forgotten.
        deleted: (table, rows) for each table that referenced them.
        compact_error: why rewriting the file failed (e.g. the disk is full), or "" when it was
            rewritten. The rows are deleted either way and their content overwritten in place
            (secure_delete); compaction also drops the freed pages.
    """

    person_id: int
    deleted: tuple[tuple[str, int], ...]
    compact_error: str = ""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """Unknown visitors' data older than `cutoff` (ISO 8601 UTC) that was removed."""

    cutoff: str
    visits: int
    events: int
