"""What the chain sync reads from and writes to a kiosk's database (plain records, no SQL).

Uids are minted where a row was first written (32 hex digits) and never change, so applying a
record twice is a no-op. Timestamps are UTC ISO 8601 text.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.types import FloatArray


@dataclass(frozen=True, slots=True)
class Membership:
    """The chain this kiosk joined, and who it is there."""

    chain_id: str
    kiosk_id: str
    kiosk_name: str
    store_name: str
    joined_at: str


@dataclass(frozen=True, slots=True)
class PersonAttrs:
    """A person's attributes, with their last-writer-wins clock.

    Attributes:
        attrs_at: when the attributes were last edited (UTC, millisecond ISO 8601 text).
        attrs_by: the kiosk id that edited them ("" before the kiosk joined a chain).
    """

    uid: str
    name: str
    preferences_json: str
    keep_photos: bool
    created_at: str
    attrs_at: str
    attrs_by: str

    def newer_than(self, other: PersonAttrs) -> bool:
        """True when these attributes win over `other` (later edit; ties: larger kiosk id)."""
        return (self.attrs_at, self.attrs_by) > (other.attrs_at, other.attrs_by)


@dataclass(frozen=True, slots=True)
class OutPerson:
    """A person whose attributes changed since the last push (`rev` is the local revision)."""

    local_id: int
    rev: int
    attrs: PersonAttrs


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    """One template, decrypted: float32 (D,) `vector` of embedding model `model_key`."""

    uid: str
    person_uid: str
    model_key: str
    source: str
    quality: float
    vector: FloatArray


@dataclass(frozen=True, slots=True)
class ConsentOut:
    """One consent row."""

    uid: str
    person_uid: str
    scope: str
    staff: str
    method: str
    given_at: str
    withdrawn_at: str | None


@dataclass(frozen=True, slots=True)
class PhotoRecord:
    """One kept photo (JPEG bytes), decrypted."""

    uid: str
    person_uid: str
    jpeg: bytes
    created_at: str


@dataclass(frozen=True, slots=True)
class VisitOut:
    """A visit; `person_uid` None for an unknown visitor."""

    uid: str
    person_uid: str | None
    started_at: str
    ended_at: str


@dataclass(frozen=True, slots=True)
class ImpressionOut:
    """A suggestion shown, for chain-wide offline evaluation."""

    uid: str
    person_uid: str | None
    visit_uid: str | None
    at: str
    sku: str
    position: int
    policy: str
    propensity: float
    context_json: str


@dataclass(frozen=True, slots=True)
class RewardOut:
    """A reward of an impression."""

    uid: str
    impression_uid: str
    person_uid: str | None
    at: str
    kind: str
    value: float


@dataclass(frozen=True, slots=True)
class ChainProduct:
    """A product managed centrally; `visible` already says whether this kiosk's store shows it.

    Attributes:
        image_jpeg: the product picture's bytes ("" none), written under the data dir.
        image_name: its file name as published (for the suffix).
    """

    sku: str
    name: str
    description: str
    category: str
    category_display: str
    price_cents: int
    tags: tuple[str, ...]
    image_bytes: bytes
    image_name: str
    active: bool
    visible: bool


@dataclass(frozen=True, slots=True)
class Pending:
    """What this kiosk has not pushed yet."""

    tombstones: int
    people: int
    templates: int
    consents: int
    photos: int
    visits: int
    impressions: int
    rewards: int

    @property
    def total(self) -> int:
        """Everything waiting."""
        return (
            self.tombstones
            + self.people
            + self.templates
            + self.consents
            + self.photos
            + self.visits
            + self.impressions
            + self.rewards
        )
