"""The line under a suggestion that tells the shopper why it is there (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.recommend.context import Context, PersonalState
from kiosk.recommend.policies import CHEER_UP, TREATS

LIKED_AFFINITY = 0.3  # learned affinity from which a category counts as liked


@dataclass(frozen=True, slots=True)
class ReasonInputs:
    """What a reason may draw on besides the context.

    Attributes:
        product_names: SKU -> product name, for "Because you liked <product>".
        category_names: category slug -> display name.
        popular_today: SKUs with a tap, scan or purchase today.
    """

    product_names: Mapping[str, str]
    category_names: Mapping[str, str]
    popular_today: frozenset[str]


def reason_for(
    sku: str,
    category: str,
    context: Context,
    personal: PersonalState | None,
    inputs: ReasonInputs,
) -> str:
    """Why `sku` is suggested, in words a shopper reads, most personal reason first.

    Only an enrolled person (with `personal` state) hears about their own likes; nothing here
    names the person.
    """
    liked = context.arm_feature(category, "declared_pref") > 0 or (
        context.arm_feature(category, "learned_pref") >= LIKED_AFFINITY
    )
    if personal is not None and liked:
        before = personal.last_liked.get(category)
        if before and before != sku and before in inputs.product_names:
            return f"Because you liked {inputs.product_names[before]}"
        return f"Because you like {inputs.category_names.get(category, category).lower()}"
    if context.valence == "negative" and category in CHEER_UP:
        return "Something to cheer you up"
    if sku in inputs.popular_today:
        return "Popular today"
    if context.valence == "positive" and category in TREATS:
        return "Treat yourself"
    return "Something new to discover"
