"""The line under a suggestion that tells the shopper why it is there (pure).

A reason must be true and specific: it names what the kiosk actually knows (the shopper was
interested in a product before, the product is on offer, arrived this week, was popular
here today) and never guesses at feelings on a public screen ("Something to cheer you up"
tells the queue that the shopper looks sad). The text is chosen by the screen from the
`ReasonKind`, in the shopper's language; `subject` is the product or category it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kiosk.recommend.context import Context, PersonalState

LIKED_AFFINITY = 0.3  # learned affinity from which a category counts as liked
POPULAR_TODAY_MIN = 2.0  # explicit actions (taps, scans, purchases) today that make "popular"
NEW_FOR_DAYS = 7  # "New this week": arrived at most this many days ago


class ReasonKind(StrEnum):
    """Why a product is on screen, most personal first."""

    INTERESTED_BEFORE = "interested_before"  # subject: another product they were interested in
    SEEN_BEFORE = "seen_before"  # they were interested in this very product before
    YOU_LIKE = "you_like"  # subject: a category they told staff they like
    LIKED_BEFORE = "liked_before"  # subject: a category they reacted well to before
    ON_OFFER = "on_offer"
    NEW_THIS_WEEK = "new_this_week"
    POPULAR_TODAY = "popular_today"
    FROM_RANGE = "from_range"  # subject: the category (nothing more specific is true)


@dataclass(frozen=True, slots=True)
class Reason:
    """A reason and the product or category name it mentions ("" when none)."""

    kind: ReasonKind
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ReasonInputs:
    """What a reason may draw on besides the context.

    Attributes:
        product_names: SKU -> product name, for "Because you were interested in <product>".
        category_names: category slug -> display name.
        popular_today: SKUs with at least `POPULAR_TODAY_MIN` taps, scans or purchases today.
        on_offer: SKUs cheaper than their catalog `was_price`.
        new_this_week: SKUs whose catalog `added` date is at most `NEW_FOR_DAYS` days ago.
    """

    product_names: Mapping[str, str]
    category_names: Mapping[str, str]
    popular_today: frozenset[str]
    on_offer: frozenset[str] = frozenset()
    new_this_week: frozenset[str] = frozenset()


def reason_for(
    sku: str,
    category: str,
    context: Context,
    personal: PersonalState | None,
    inputs: ReasonInputs,
) -> Reason:
    """Why `sku` is suggested, most personal reason first.

    Only an enrolled, live person (with `personal` state) hears about their own history;
    nothing here names the person.
    """
    display = inputs.category_names.get(category, category)
    if personal is not None:
        mine = _personal_reason(sku, category, context, personal, inputs)
        if mine is not None:
            return mine
    for kind, skus in (
        (ReasonKind.ON_OFFER, inputs.on_offer),
        (ReasonKind.NEW_THIS_WEEK, inputs.new_this_week),
        (ReasonKind.POPULAR_TODAY, inputs.popular_today),
    ):
        if sku in skus:
            return Reason(kind)
    return Reason(ReasonKind.FROM_RANGE, display)


def _personal_reason(
    sku: str, category: str, context: Context, personal: PersonalState, inputs: ReasonInputs
) -> Reason | None:
    display = inputs.category_names.get(category, category)
    before = personal.last_liked.get(category)
    if before == sku:
        return Reason(ReasonKind.SEEN_BEFORE, inputs.product_names.get(sku, ""))
    if before and before in inputs.product_names:
        return Reason(ReasonKind.INTERESTED_BEFORE, inputs.product_names[before])
    if context.arm_feature(category, "declared_pref") > 0:
        return Reason(ReasonKind.YOU_LIKE, display)
    if context.arm_feature(category, "learned_pref") >= LIKED_AFFINITY:
        return Reason(ReasonKind.LIKED_BEFORE, display)
    return None


def english(reason: Reason) -> str:
    """The reason in English (logs, the CLI and tests; the screen translates it itself)."""
    return {
        ReasonKind.INTERESTED_BEFORE: f"Because you were interested in {reason.subject}",
        ReasonKind.SEEN_BEFORE: "You were interested in this before",
        ReasonKind.YOU_LIKE: f"Because you like {reason.subject.lower()}",
        ReasonKind.LIKED_BEFORE: f"You liked {reason.subject.lower()} before",
        ReasonKind.ON_OFFER: "On offer",
        ReasonKind.NEW_THIS_WEEK: "New this week",
        ReasonKind.POPULAR_TODAY: "Popular in this store today",
        ReasonKind.FROM_RANGE: f"From our {reason.subject.lower()} range",
    }[reason.kind]
