"""Suggestions for the shopper in front of the kiosk: choose, explain, log, learn (no Qt).

`SuggestionService.suggest` is called on every frame; it keeps a slate on screen for at least
`recommend.min_dwell_ms` (a new visit replaces it at once). Every product shown is logged with
the policy, the context and its propensity. Taps, scans and purchases are rewards of 1; a
positive valence change while a product is on screen earns it `recommend.valence_credit`. When a
slate leaves the screen its rewards update the learner, whose state is saved: globally, and per
person only for enrolled people (unknown visitors leave no personal state). A person's state is
deleted with the person (foreign key cascade).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from kiosk.config import RecommendConfig
from kiosk.core.vocabulary import EXPLICIT_REWARDS, PolicyName, RewardKind, Valence
from kiosk.errors import InputError
from kiosk.recommend.context import (
    FEATURES,
    VALENCE_SCORE,
    Context,
    PersonalState,
    Shopper,
    build_context,
    logged_slot_propensity,
)
from kiosk.recommend.exploration import Candidates, Item, Slate
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.policies import make_policy
from kiosk.recommend.position import examination
from kiosk.recommend.reasons import reason_for
from kiosk.services.showcase import reason_inputs
from kiosk.services.suggestion_records import (
    ShopperState,
    Suggestion,
    SuggestionSet,
    suggestion_of,
)
from kiosk.store.catalog import Catalog, Product
from kiosk.store.db import Store
from kiosk.store.learning import ImpressionRecord, LearningLog

log = logging.getLogger(__name__)

REWARD_VALUES = {kind: 1.0 for kind in EXPLICIT_REWARDS}
GLOBAL_SCOPE = "global"


@dataclass(slots=True)
class _OnScreen:
    slate: Slate
    context: Context
    suggestions: tuple[Suggestion, ...]
    person_id: int | None
    shown_at_ms: float
    valence_at_show: Valence | None
    explicit: dict[int, float] = field(default_factory=dict)
    credited: bool = False


class SuggestionService:
    """Chooses, explains and logs suggestions and learns from the rewards. One per thread."""

    def __init__(
        self,
        store: Store,
        config: RecommendConfig,
        seed: int | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        """Load the learner state and popularity from `store` (the caller closes the store).

        Args:
            store: the open database.
            config: policy and slate settings.
            seed: random seed of the policy (None: fresh).
            today: the local date (for "New this week"; injectable).

        Raises:
            ValueError: `config.policy` is not a known policy.
        """
        self._today_date = today
        self._config = config
        self._store = store
        self._catalog = Catalog(store)
        self._log = LearningLog(store)
        self._model_rev = self._log.state_rev(GLOBAL_SCOPE)
        self._model = self._load_model()
        self._policy = make_policy(
            config.policy, self._model, examination=logged_examination(self._log, config.k)
        )
        self._rng = np.random.default_rng(seed)
        self._popularity = self._log.popularity(days=7.0)
        self._today = self._log.popularity(days=1.0)
        self._personal: dict[int, PersonalState] = {}
        self._screen: _OnScreen | None = None
        self._visit_key: object = None
        self._shown_skus: set[str] = set()
        self._shown_cats: set[str] = set()

    def _load_model(self) -> LinUCB:
        blob = self._log.load_state(GLOBAL_SCOPE)
        if blob is not None:
            try:
                model = LinUCB.from_bytes(blob, alpha=self._config.alpha)
                if model.features == FEATURES:
                    return model
            except ValueError:
                pass
            log.warning("saved learner state does not fit these features; starting afresh")
        return LinUCB(alpha=self._config.alpha)

    @property
    def policy_name(self) -> str:
        """The policy in use ("bandit", "rules", "popularity" or "random")."""
        return self._policy.name

    def suggest(self, view: ShopperState, now_ms: float) -> SuggestionSet:
        """The slate to show now: the current one within its dwell time, else a new one.

        Args:
            view: the shopper now.
            now_ms: monotonic time in milliseconds.
        """
        self._credit_valence(view.valence)
        key = view.visit_id if view.visit_id is not None else view.person_id
        screen = self._screen
        dwelling = screen is not None and now_ms - screen.shown_at_ms < self._config.min_dwell_ms
        if screen is not None and dwelling and key == self._visit_key:
            return SuggestionSet(screen.suggestions, screen.slate.policy, screen.shown_at_ms, False)
        self._settle()
        if key != self._visit_key:
            self._visit_key = key
            self._shown_skus.clear()
            self._shown_cats.clear()
        return self._show(view, now_ms)

    def is_on_screen(self, sku: str) -> bool:
        """Whether `sku` is one of the products on screen now."""
        screen = self._screen
        return screen is not None and any(s.sku == sku for s in screen.suggestions)

    def images(self) -> tuple[str, ...]:
        """The pictures of the products that may be shown (for the screen to prepare early)."""
        return tuple(p.image_path for p in self._catalog.products() if p.image_path)

    def product(self, sku: str) -> Product | None:
        """The catalog's product `sku` (shown or hidden), or None."""
        return self._catalog.get(sku)

    def record(self, sku: str, kind: RewardKind) -> None:
        """A shopper's explicit action on a product on screen: "tap", "scan" or "purchase".

        Raises:
            InputError: unknown kind, or `sku` is not on screen.
        """
        if kind not in REWARD_VALUES:
            raise InputError(f"reward kind must be one of {sorted(REWARD_VALUES)}, got {kind!r}")
        screen = self._screen
        match = [s for s in screen.suggestions if s.sku == sku] if screen else []
        if screen is None or not match:
            raise InputError(f"product {sku!r} is not on screen")
        value = REWARD_VALUES[kind]
        impression = match[0].impression_id
        self._log.add_reward(impression, kind, value)
        screen.explicit[impression] = screen.explicit.get(impression, 0.0) + value
        self._popularity[sku] = self._popularity.get(sku, 0.0) + value
        self._today[sku] = self._today.get(sku, 0.0) + value

    def end_visit(self) -> None:
        """The shopper left: learn from the slate on screen and clear the visit."""
        self._settle()
        self._visit_key = None
        self._shown_skus.clear()
        self._shown_cats.clear()

    def forget(self, person_id: int) -> None:
        """Drop what this service holds about a person (call with forget-me; the database
        rows go with the person by foreign key). A slate on screen for them is not learned from.
        """
        self._personal.pop(person_id, None)
        if self._screen is not None and self._screen.person_id == person_id:
            self._screen = None
            self.end_visit()

    def _credit_valence(self, valence: Valence | None) -> None:
        screen = self._screen
        if screen is None or valence is None or screen.credited:
            return
        if screen.valence_at_show is None:
            screen.valence_at_show = valence
            return
        if VALENCE_SCORE[valence] > VALENCE_SCORE[screen.valence_at_show]:
            screen.credited = True
            for item in screen.suggestions:
                self._log.add_reward(
                    item.impression_id, RewardKind.VALENCE, self._config.valence_credit
                )

    def _show(self, view: ShopperState, now_ms: float) -> SuggestionSet:
        products = {p.sku: p for p in self._catalog.products()}
        personal = self._personal_state(view.person_id)
        context = self._context(view, personal)
        items = tuple(Item(p.sku, p.category) for p in products.values())
        slate = self._policy.choose(
            context, Candidates(items, dict(self._popularity)), self._config.k, self._rng
        )
        ids = self._log_slate(slate, context, view)
        inputs = reason_inputs(
            tuple(products.values()), self._catalog.categories(), self._today, self._today_date()
        )
        suggestions = tuple(
            suggestion_of(
                products[s.sku],
                i,
                reason_for(s.sku, s.category, context, personal, inputs),
                s.propensity,
            )
            for s, i in zip(slate.items, ids, strict=True)
        )
        self._shown_skus.update(s.sku for s in slate.items)
        self._shown_cats.update(s.category for s in slate.items)
        self._screen = _OnScreen(slate, context, suggestions, view.person_id, now_ms, view.valence)
        return SuggestionSet(suggestions, slate.policy, now_ms, True)

    def _log_slate(self, slate: Slate, context: Context, view: ShopperState) -> tuple[int, ...]:
        """Log the slate's impressions (one context JSON tagged with a fresh slate id)."""
        placed = {s.sku: s.slot_propensity for s in slate.items if s.slot_propensity is not None}
        context_json = context.to_json(uuid.uuid4().hex, placed)
        return self._log.log_impressions(
            [
                ImpressionRecord(
                    sku=s.sku,
                    position=s.position,
                    policy=slate.policy,
                    propensity=s.propensity,
                    context_json=context_json,
                    person_id=view.person_id,
                    visit_id=view.visit_id,
                )
                for s in slate.items
            ]
        )

    def _context(self, view: ShopperState, personal: PersonalState | None) -> Context:
        known = view.person_id is not None
        shopper = Shopper(
            known=known,
            valence=view.valence,
            valence_change=view.valence_change,
            masked=view.masked,
            hour=view.hour,
            declared=self._log.declared_categories(view.person_id)
            if view.person_id
            else frozenset(),
            learned=personal.affinity() if personal else {},
            shown_skus=frozenset(self._shown_skus),
            shown_categories=frozenset(self._shown_cats),
        )
        return build_context(shopper, [c.name for c in self._catalog.categories()])

    def _personal_state(self, person_id: int | None) -> PersonalState | None:
        if person_id is None:
            return None
        if person_id not in self._personal:
            blob = self._log.load_state(f"person:{person_id}")
            self._personal[person_id] = PersonalState.from_bytes(blob) if blob else PersonalState()
        return self._personal[person_id]

    def _settle(self) -> None:
        """Learn from the slate leaving the screen and save the learner state."""
        screen, self._screen = self._screen, None
        if screen is None:
            return
        credit = self._config.valence_credit if screen.credited else 0.0
        personal = self._personal_state(screen.person_id)
        with self._store.atomic():  # a chain sync may merge other kiosks' statistics meanwhile
            if self._log.state_rev(GLOBAL_SCOPE) != self._model_rev:
                self._model.arms = self._load_model().arms
            for slot, item in enumerate(screen.suggestions):
                reward = min(1.0, screen.explicit.get(item.impression_id, 0.0)) + credit
                self._policy.update(screen.context, Item(item.sku, item.category), reward, slot)
                if personal is not None:
                    personal.update(item.category, item.sku, reward)
            if self._policy.name == PolicyName.BANDIT:
                self._log.save_state(GLOBAL_SCOPE, PolicyName.BANDIT, self._model.to_bytes(), None)
                self._model_rev = self._log.state_rev(GLOBAL_SCOPE)
            if personal is not None and screen.person_id is not None:
                scope = f"person:{screen.person_id}"
                self._log.save_state(scope, "personal", personal.to_bytes(), screen.person_id)


def logged_examination(learning: LearningLog, k: int) -> tuple[float, ...]:
    """How much each of the `k` slots is looked at, relative to the first, estimated from every
    logged impression with a slot propensity (`position.examination`; 1s with no such logs)."""
    slots: list[int] = []
    rewards: list[float] = []
    propensities: list[float] = []
    for row in learning.logged():
        p = logged_slot_propensity(row.context_json, row.sku)
        if p is not None and 0 <= row.position < k:
            slots.append(row.position)
            rewards.append(min(1.0, row.explicit_reward) + row.valence_reward)
            propensities.append(p)
    return examination(slots, rewards, propensities, k)
