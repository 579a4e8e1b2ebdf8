"""What the suggestion service is told and what it hands the screen: the shopper now, and the
slate of products on screen, each with the reason it is there (no Qt).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.vocabulary import Valence
from kiosk.recommend.reasons import Reason
from kiosk.store.catalog import Product


@dataclass(frozen=True, slots=True)
class ShopperState:
    """What the pipeline knows about the shopper now.

    Attributes:
        person_id: the enrolled person, or None for an unknown visitor.
        valence: "positive", "neutral", "negative", or None before the first reading.
        valence_change: recent change of valence in [-1, 1] (see `context.valence_change`).
        masked: wears a mask.
        hour: local time of day in hours [0, 24).
        visit_id: the visit, if the caller tracks visits (a new visit replaces the slate at once).
    """

    person_id: int | None
    valence: Valence | None
    valence_change: float = 0.0
    masked: bool = False
    hour: float = 12.0
    visit_id: int | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One product on screen, with the reason it is there (the screen words it).

    Attributes:
        was_price_cents: the price before an offer (0: not on offer).
        description, location: for the product detail view ("" when the catalog has none).
    """

    impression_id: int
    sku: str
    name: str
    category: str
    price_cents: int
    image_path: str
    reason: Reason
    propensity: float
    was_price_cents: int = 0
    description: str = ""
    location: str = ""


@dataclass(frozen=True, slots=True)
class SuggestionSet:
    """The slate on screen; `changed` is True on the call that put it there."""

    suggestions: tuple[Suggestion, ...]
    policy: str
    shown_at_ms: float
    changed: bool


def suggestion_of(
    product: Product, impression_id: int, reason: Reason, propensity: float
) -> Suggestion:
    """The product on screen as the screen shows it (the offer price only while on offer)."""
    return Suggestion(
        impression_id=impression_id,
        sku=product.sku,
        name=product.name,
        category=product.category,
        price_cents=product.price_cents,
        image_path=product.image_path,
        reason=reason,
        propensity=propensity,
        was_price_cents=product.was_price_cents if product.on_offer else 0,
        description=product.description,
        location=product.location,
    )
