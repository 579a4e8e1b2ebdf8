"""Replay evaluation (Li, Chu, Langford, Wang 2011) of learners on a uniformly random log.

The log is streamed in time order. For each impression the learner proposes a slate for that
user; when its item in the logged slot is the logged item, the impression counts: its click is
the learner's reward and the learner updates on it. Otherwise the impression is skipped. Because
the logging policy chose items uniformly and independently of the learner, the click rate over
counted impressions estimates, without bias, the learner's click rate had it run live (slots
weighted as in the log). Only about one impression in `n_items` counts, so an 80-item log of
10,000 impressions yields about 125 counted impressions: replay on the sample is coarse.

Learners (arms are items; context of item a: bias, the user's features one-hot, affinity(a)):

- `linucb`: the kiosk's own `LinUCB` (alpha as the kiosk's default) inside the kiosk's policy
  scheme (`exploration.Policy`): a uniform random slate with probability `DEFAULT_EPSILON`, else the
  items with the highest upper confidence bounds, best in slot 0. Position-based: each update is
  weighted by the examination of its slot (`position.examination`), estimated from the learner's
  own counted impressions and their exact slot propensities, as the kiosk does from its logs.
- `epsilon-greedy`: context-free click rate per item, same exploration, no position model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.vocabulary import ReplayLearner
from kiosk.recommend.exploration import DEFAULT_EPSILON
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.obd import ObdLog
from kiosk.recommend.position import examination

Array = npt.NDArray[np.float64]
ALPHA = 0.5


@dataclass(frozen=True, slots=True)
class ReplayRun:
    """One learner's replay on one log with one seed.

    Attributes:
        learner: which learner.
        seed: its random seed (exploration and tie-breaking).
        matched: impressions that counted.
        clicks: clicks among them.
        cumulative_clicks: clicks after each counted impression, (matched,).
    """

    learner: ReplayLearner
    seed: int
    matched: int
    clicks: int
    cumulative_clicks: tuple[int, ...]

    @property
    def rate(self) -> float:
        """Click rate over counted impressions (0 when none counted)."""
        return self.clicks / self.matched if self.matched else 0.0


def contexts(log: ObdLog) -> tuple[Array, Array]:
    """The shared part (n, 1 + levels) and the per-item affinity (n, n_items) of each context."""
    levels = log.user.max(axis=0) + 1
    offsets = np.concatenate([[0], np.cumsum(levels)[:-1]])
    onehot = np.zeros((log.size, int(levels.sum())))
    rows = np.arange(log.size)
    for j in range(log.user.shape[1]):
        onehot[rows, offsets[j] + log.user[:, j]] = 1.0
    return np.hstack([np.ones((log.size, 1)), onehot]), log.affinity


class _Learner:
    """Shared exploration: a uniform slate with probability epsilon, else the greedy one."""

    def __init__(self, n_items: int, slots: int, rng: np.random.Generator) -> None:
        self.n_items, self.slots, self.rng = n_items, slots, rng
        self.epsilon = DEFAULT_EPSILON

    def scores(self, shared: Array, affinity: Array) -> Array:
        raise NotImplementedError

    def update(self, item: int, slot: int, click: float, shared: Array, affinity: Array) -> None:
        raise NotImplementedError

    def slate(
        self, shared: Array, affinity: Array
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """The items shown in slots 0.., and the greedy slate (what it shows unless exploring)."""
        order = np.lexsort((self.rng.random(self.n_items), -self.scores(shared, affinity)))
        greedy = order[: self.slots].astype(np.int64)
        if self.rng.random() < self.epsilon:
            return self.rng.choice(self.n_items, size=self.slots, replace=False), greedy
        return greedy, greedy

    def slot_propensity(self, greedy_hit: bool) -> float:
        """Exact probability of an item in a slot: (1 - eps) [greedy there] + eps / N."""
        return (1.0 - self.epsilon) * float(greedy_hit) + self.epsilon / self.n_items


class _LinUCBLearner(_Learner):
    def __init__(self, n_items: int, slots: int, dim: int, rng: np.random.Generator) -> None:
        super().__init__(n_items, slots, rng)
        features = tuple(f"x{j}" for j in range(dim))
        self.model = LinUCB(alpha=ALPHA, dim=dim, features=features)
        self.names = tuple(str(a) for a in range(n_items))
        self.theta = np.zeros((n_items, dim))
        self.a_inv = np.stack([np.eye(dim)] * n_items)
        self.history: list[tuple[int, float, float]] = []
        self.exam: tuple[float, ...] = (1.0,) * slots

    def scores(self, shared: Array, affinity: Array) -> Array:
        x = np.hstack([np.broadcast_to(shared, (self.n_items, shared.shape[0])), affinity[:, None]])
        width = np.einsum("nd,nde,ne->n", x, self.a_inv, x)
        return np.asarray((x * self.theta).sum(axis=1) + ALPHA * np.sqrt(np.maximum(width, 0.0)))

    def record(self, slot: int, click: float, propensity: float) -> None:
        self.history.append((slot, click, propensity))
        s, r, p = zip(*self.history, strict=True)
        self.exam = examination(s, r, p, self.slots)

    def update(self, item: int, slot: int, click: float, shared: Array, affinity: Array) -> None:
        x = np.concatenate([shared, [affinity[item]]])
        name = self.names[item]
        self.model.update(name, x, click, weight=self.exam[slot])
        self.theta[item] = self.model.theta(name)
        self.a_inv[item] = self.model.arms[name].a_inv


class _EpsilonGreedy(_Learner):
    def __init__(self, n_items: int, slots: int, rng: np.random.Generator) -> None:
        super().__init__(n_items, slots, rng)
        self.shows = np.zeros(n_items)
        self.clicks = np.zeros(n_items)

    def scores(self, shared: Array, affinity: Array) -> Array:
        return np.asarray(self.clicks / np.maximum(self.shows, 1.0))

    def update(self, item: int, slot: int, click: float, shared: Array, affinity: Array) -> None:
        self.shows[item] += 1.0
        self.clicks[item] += click


def replay(
    log: ObdLog,
    learner: ReplayLearner,
    seed: int,
    slots: int = 3,
    tick: Callable[[int], None] | None = None,
) -> ReplayRun:
    """Replay `learner` on `log` (which must come from a uniformly random policy).

    Raises:
        ValueError: the log's propensities are not uniform (replay would be biased).
    """
    if not np.allclose(log.propensity, 1.0 / log.n_items):
        raise ValueError(f"replay needs a uniformly random log (propensity 1/{log.n_items})")
    shared, affinity = contexts(log)
    rng = np.random.default_rng(seed)
    agent: _Learner
    if learner == ReplayLearner.LINUCB:
        agent = _LinUCBLearner(log.n_items, slots, shared.shape[1] + 1, rng)
    else:
        agent = _EpsilonGreedy(log.n_items, slots, rng)
    cumulative: list[int] = []
    clicks = 0
    for t in range(log.size):
        items, greedy = agent.slate(shared[t], affinity[t])
        k, a = int(log.slot[t]), int(log.item[t])
        if int(items[k]) == a:
            r = float(log.click[t])
            if isinstance(agent, _LinUCBLearner):
                agent.record(k, r, agent.slot_propensity(int(greedy[k]) == a))
            agent.update(a, k, r, shared[t], affinity[t])
            clicks += int(r)
            cumulative.append(clicks)
        if tick is not None and (t + 1) % 1000 == 0:
            tick(1000)
    return ReplayRun(learner, seed, len(cumulative), clicks, tuple(cumulative))
