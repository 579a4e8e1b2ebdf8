"""A shop floor in simulation: shoppers with hidden tastes react to the suggestions shown.

The world (fixed by the seed): 8 categories of 5 products; each shopper has a hidden liking per
category (two favourites), a usual time of day and a chance of wearing a mask; some are enrolled
("known") and told staff one category they like (usually, not always, a favourite). The chance
that a shopper taps a shown product is ``sigmoid(logit)`` with

    logit = -2.6 + liking[c] + mood[valence][c] + time[c](hour) + appeal[p] - 0.8 * shown_before[c]

A tap is worth 1; a shown product also earns `valence_credit` when the face reacts well (very
likely after a tap, now and then without). Visits last a few slates; valence rises after a tap.
Every policy meets the same sequence of shoppers and the same random draws (same seed), and the
regret of a step is the expected reward of the best slate, knowing the hidden tastes, minus that
of the slate shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import Valence
from kiosk.recommend.context import (
    Context,
    PersonalState,
    Shopper,
    build_context,
    valence_change,
)
from kiosk.recommend.exploration import DEFAULT_EPSILON, Candidates, Item, Policy, Shown
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.offline import LoggedSlate
from kiosk.recommend.policies import make_policy

CATEGORIES = ("snacks", "drinks", "beauty", "toys", "books", "electronics", "apparel", "wellness")
PER_CATEGORY = 5
_MOOD = {  # what really cheers people up in this shop (the rules guess only part of it)
    "negative": {"wellness": 2.4, "books": 1.8, "snacks": 0.4, "toys": -1.2, "beauty": -0.6},
    "neutral": {"drinks": 0.4},
    "positive": {"apparel": 1.8, "electronics": 1.5, "toys": 1.2, "wellness": -0.8, "books": -0.4},
}
_MASK = {"wellness": 1.2, "beauty": -1.5, "drinks": -0.5}  # nobody tries lipstick over a mask
_TIME_COS = {"drinks": 1.4, "snacks": -0.8, "books": -1.0, "wellness": -0.6}  # + at midnight
_TIME_SIN = {"drinks": 1.2, "beauty": 0.6, "books": -0.8, "electronics": -0.5}  # + at 6:00


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Simulation settings (the defaults are those of `kiosk recommend simulate`)."""

    shoppers: int = 200
    steps: int = 3000
    seed: int = 0
    k: int = 3
    known_share: float = 0.6
    alpha: float = 0.5
    epsilon: float = DEFAULT_EPSILON
    valence_credit: float = 0.1
    warmup: int = 500


@dataclass(frozen=True, slots=True)
class PolicyRun:
    """One policy's run: per step, reward obtained and (expected) regret."""

    policy: str
    rewards: tuple[float, ...]
    regrets: tuple[float, ...]
    logs: tuple[LoggedSlate, ...] = ()

    @property
    def cumulative_reward(self) -> float:
        """Total reward over all steps."""
        return float(sum(self.rewards))

    @property
    def cumulative_regret(self) -> float:
        """Total expected regret over all steps."""
        return float(sum(self.regrets))

    def mean_reward_after(self, warmup: int) -> float:
        """Mean reward per step after the first `warmup` steps."""
        tail = self.rewards[warmup:]
        return float(np.mean(tail)) if tail else 0.0


@dataclass(frozen=True, slots=True)
class SimReport:
    """All policies of one simulation, in the order run."""

    config: SimConfig
    runs: tuple[PolicyRun, ...]


@dataclass(frozen=True, slots=True)
class _World:
    items: tuple[Item, ...]
    cat_index: npt.NDArray[np.int64]  # (P,) category of each product
    appeal: npt.NDArray[np.float64]  # (P,)
    liking: npt.NDArray[np.float64]  # (S, C)
    known: npt.NDArray[np.bool_]  # (S,)
    declared: tuple[frozenset[str], ...]
    mask_prob: npt.NDArray[np.float64]  # (S,)
    hour_mean: npt.NDArray[np.float64]  # (S,)
    arrivals: tuple[tuple[int, bool], ...]  # per step: shopper, starts a new visit


def make_world(config: SimConfig) -> _World:
    """The hidden world of `config.seed`."""
    rng = np.random.default_rng([config.seed, 1])
    n_s, n_c = config.shoppers, len(CATEGORIES)
    items = tuple(Item(f"{c}-{j + 1}", c) for c in CATEGORIES for j in range(PER_CATEGORY))
    liking = rng.normal(-0.6, 0.4, size=(n_s, n_c))
    declared: list[frozenset[str]] = []
    for s in range(n_s):
        favourites = rng.choice(n_c, size=2, replace=False)
        liking[s, favourites] = rng.normal(1.5, 0.3, size=2)
        told = favourites[0] if rng.random() < 0.7 else rng.integers(n_c)
        declared.append(frozenset({CATEGORIES[int(told)]}))
    arrivals: list[tuple[int, bool]] = []
    shopper = 0
    for step in range(config.steps):
        new = step == 0 or rng.random() < 0.45
        shopper = int(rng.integers(n_s)) if new else shopper
        arrivals.append((shopper, new))
    return _World(
        items=items,
        cat_index=np.repeat(np.arange(n_c), PER_CATEGORY),
        appeal=rng.normal(0.0, 0.3, size=len(items)),
        liking=liking,
        known=rng.random(n_s) < config.known_share,
        declared=tuple(declared),
        mask_prob=rng.uniform(0.0, 0.5, size=n_s),
        hour_mean=rng.uniform(8.0, 20.0, size=n_s),
        arrivals=tuple(arrivals),
    )


@dataclass(slots=True)
class _Visit:
    shopper: int = 0
    valence: Valence = Valence.NEUTRAL
    change: float = 0.0
    hour: float = 12.0
    masked: bool = False
    skus: set[str] = field(default_factory=set)
    cats: set[str] = field(default_factory=set)


def tap_probability(
    world: _World, shopper: int, visit: _Visit, shown_cats: frozenset[str]
) -> npt.NDArray[np.float64]:
    """Hidden probability (P,) that `shopper` taps each product during `visit`."""
    valence, hour = visit.valence, visit.hour
    angle = 2.0 * math.pi * hour / 24.0
    per_cat = np.array(
        [
            _MOOD[valence].get(c, 0.0)
            + _TIME_COS.get(c, 0.0) * math.cos(angle)
            + _TIME_SIN.get(c, 0.0) * math.sin(angle)
            + (_MASK.get(c, 0.0) if visit.masked else 0.0)
            - (0.8 if c in shown_cats else 0.0)
            for c in CATEGORIES
        ]
    )
    logit = -2.6 + world.liking[shopper, world.cat_index] + per_cat[world.cat_index] + world.appeal
    return np.asarray(1.0 / (1.0 + np.exp(-logit)))


def _start_visit(world: _World, shopper: int, rng: np.random.Generator) -> _Visit:
    valence = Valence(rng.choice(("negative", "neutral", "positive"), p=(0.35, 0.35, 0.3)))
    hour = float(np.clip(rng.normal(world.hour_mean[shopper], 2.0), 7.0, 22.0))
    masked = bool(rng.random() < world.mask_prob[shopper])
    return _Visit(shopper, valence, 0.0, hour, masked)


def run_policy(
    policy: Policy, world: _World, config: SimConfig, keep_logs: bool = False
) -> PolicyRun:
    """Run `policy` (learning as it goes) through the world's sequence of shoppers."""
    runner = _Runner(policy, world, config)
    rewards: list[float] = []
    regrets: list[float] = []
    logs: list[LoggedSlate] = []
    for step, (shopper, new) in enumerate(world.arrivals):
        reward, regret, logged = runner.step(step, shopper, new)
        rewards.append(reward)
        regrets.append(regret)
        if keep_logs:
            logs.append(logged)
    return PolicyRun(policy.name, tuple(rewards), tuple(regrets), tuple(logs))


class _Runner:
    """One policy's pass through the world: visits, personal states, popularity."""

    def __init__(self, policy: Policy, world: _World, config: SimConfig) -> None:
        self.policy, self.world, self.config = policy, world, config
        self.personal: dict[int, PersonalState] = {}
        self.popularity: dict[str, float] = {}
        self.visit = _Visit()
        self.explore = np.random.default_rng([config.seed, 3])
        self.index = {item.sku: j for j, item in enumerate(world.items)}

    def context(self, shopper: int) -> tuple[Context, PersonalState | None]:
        known = bool(self.world.known[shopper])
        state = self.personal.setdefault(shopper, PersonalState()) if known else None
        visit = self.visit
        view = Shopper(
            known=known,
            valence=visit.valence,
            valence_change=visit.change,
            masked=visit.masked,
            hour=visit.hour,
            declared=self.world.declared[shopper] if known else frozenset(),
            learned=state.affinity() if state else {},
            shown_skus=frozenset(visit.skus),
            shown_categories=frozenset(visit.cats),
        )
        return build_context(view, CATEGORIES), state

    def step(self, step: int, shopper: int, new: bool) -> tuple[float, float, LoggedSlate]:
        rng = np.random.default_rng([self.config.seed, 2, step])  # same draws for every policy
        fresh = _start_visit(self.world, shopper, rng)
        draws = rng.random((len(self.world.items), 2))
        self.visit = fresh if new else self.visit
        context, state = self.context(shopper)
        candidates = Candidates(self.world.items, dict(self.popularity))
        slate = self.policy.choose(context, candidates, self.config.k, self.explore)
        p_tap = tap_probability(self.world, shopper, self.visit, frozenset(self.visit.cats))
        credit = self.config.valence_credit
        expected = p_tap * (1.0 + 0.8 * credit) + (1.0 - p_tap) * 0.1 * credit
        eligible = [self.index[i.sku] for i in candidates.eligible(context, self.config.k)]
        best = float(np.sort(expected[eligible])[::-1][: len(slate.items)].sum())
        rewards = tuple(self.react(context, state, shown, p_tap, draws) for shown in slate.items)
        truth = {self.world.items[j].sku: float(expected[j]) for j in eligible}
        regret = best - float(sum(expected[self.index[s.sku]] for s in slate.items))
        after = Valence.POSITIVE if max(rewards, default=0.0) >= 1.0 else self.visit.valence
        self.visit.change = valence_change(self.visit.valence, after)
        self.visit.valence = after
        self.visit.skus.update(s.sku for s in slate.items)
        self.visit.cats.update(s.category for s in slate.items)
        return sum(rewards), regret, LoggedSlate(context, candidates, slate.items, rewards, truth)

    def react(
        self,
        context: Context,
        state: PersonalState | None,
        shown: Shown,
        p_tap: npt.NDArray[np.float64],
        draws: npt.NDArray[np.float64],
    ) -> float:
        """The shopper's reward for one shown product; the policy and their state learn it."""
        j = self.index[shown.sku]
        tapped = bool(draws[j, 0] < p_tap[j])
        happy = bool(draws[j, 1] < (0.8 if tapped else 0.1))
        reward = float(tapped) + (self.config.valence_credit if happy else 0.0)
        self.policy.update(context, Item(shown.sku, shown.category), reward, shown.position)
        if state is not None:
            state.update(shown.category, shown.sku, reward)
        if tapped:
            self.popularity[shown.sku] = self.popularity.get(shown.sku, 0.0) + 1.0
        return reward


def simulate(
    config: SimConfig, policies: tuple[str, ...] = ("random", "popularity", "rules", "bandit")
) -> SimReport:
    """Run each named policy from scratch on the same world (deterministic for `config.seed`)."""
    world = make_world(config)
    runs = []
    for name in policies:
        policy = make_policy(name, LinUCB(alpha=config.alpha), config.epsilon)
        runs.append(run_policy(policy, world, config))
    return SimReport(config, tuple(runs))
