"""What the kiosk shows to nobody in particular: the attract screen's featured products and the
impersonal reasons ("On offer", "New this week", "Popular in this store today") (no Qt).

Nothing here is logged as a suggestion: an empty room is shown products, they are not
suggested to anyone, and the learner learns nothing from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from kiosk.recommend.context import Shopper, build_context
from kiosk.recommend.reasons import (
    NEW_FOR_DAYS,
    POPULAR_TODAY_MIN,
    Reason,
    ReasonInputs,
    reason_for,
)
from kiosk.store.catalog import Catalog, Category, Product
from kiosk.store.db import Store
from kiosk.store.learning import LearningLog

FEATURED = 12  # products in the attract loop


def reason_inputs(
    products: Sequence[Product],
    categories: Sequence[Category],
    today_counts: Mapping[str, float],
    today: date,
) -> ReasonInputs:
    """What reasons may say today about `products`.

    Args:
        products: the products that may be named or shown.
        categories: for category display names.
        today_counts: explicit actions per SKU over the last day.
        today: the local date ("New this week" is relative to it).
    """
    since = (today - timedelta(days=NEW_FOR_DAYS)).isoformat()
    return ReasonInputs(
        product_names={p.sku: p.name for p in products},
        category_names={c.name: c.display_name for c in categories},
        popular_today=frozenset(k for k, v in today_counts.items() if v >= POPULAR_TODAY_MIN),
        on_offer=frozenset(p.sku for p in products if p.on_offer),
        new_this_week=frozenset(p.sku for p in products if p.added and since <= p.added),
    )


class Showcase:
    """The attract loop's products, chosen afresh each time the kiosk falls idle."""

    def __init__(self, store: Store, today: Callable[[], date] = date.today) -> None:
        """Read the catalog and the reward log of `store` (GUI thread: it owns the store)."""
        self._catalog = Catalog(store)
        self._log = LearningLog(store)
        self._today = today

    def featured(self, limit: int = FEATURED) -> tuple[tuple[Product, Reason], ...]:
        """Up to `limit` shown products with their reason: on offer, new this week and popular
        first, then the first product of each category not yet featured."""
        products = self._catalog.products()
        categories = self._catalog.categories()
        week = self._log.popularity(days=7.0)
        inputs = reason_inputs(products, categories, self._log.popularity(days=1.0), self._today())
        context = build_context(
            Shopper(False, None, 0.0, False, 12.0), [c.name for c in categories]
        )
        rank: dict[str, float] = {}
        for product in products:
            if product.sku in inputs.on_offer:
                rank[product.sku] = 0.0
            elif product.sku in inputs.new_this_week:
                rank[product.sku] = 1.0
            elif week.get(product.sku, 0.0) > 0:
                rank[product.sku] = 2.0 - week[product.sku] / (1.0 + week[product.sku])
        seen = {p.category for p in products if p.sku in rank}
        for product in products:
            if product.category not in seen:
                seen.add(product.category)
                rank[product.sku] = 3.0
        chosen = sorted((p for p in products if p.sku in rank), key=lambda p: rank[p.sku])
        return tuple(
            (p, reason_for(p.sku, p.category, context, None, inputs)) for p in chosen[:limit]
        )
