"""The Open Bandit Dataset benchmark: off-policy estimates against the truth, and replay.

For each campaign, two logs of the same week: uniform random and Bernoulli TS. Each policy's
click rate is known from its own log (the truth, with its own bootstrap interval), so:

- BTS's click rate is estimated from the random log (target: BTS's slot probabilities,
  reproduced from `prior_bts.yaml` by `thompson.slot_probabilities`; logging: 1/n_items), and
- random's click rate from the BTS log (target: 1/n_items; logging: the BTS log's own exact
  propensities),

each by IPS, self-normalised IPS and DR with a bootstrap 95 % interval; the report says whether
the interval covers the truth. Then the kiosk's LinUCB and an epsilon-greedy baseline are
replayed on the random log with several seeds (`replay.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from kiosk.core.vocabulary import Estimator, ObdCampaign, ObdPolicy, ReplayLearner
from kiosk.recommend import ope, thompson
from kiosk.recommend.obd import SLOTS, ObdLog, load_log, load_prior
from kiosk.recommend.position import SlotRate, examination, slot_rates
from kiosk.recommend.replay import ReplayRun, replay

SEEDS = (0, 1, 2, 3, 4)


class Phases(Protocol):
    """Progress of a long run (structurally `kiosk.commands.progress.Progress`)."""

    def start(self, description: str, total: int | None) -> None:
        """A new phase of `total` steps begins."""
        ...

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps are done."""
        ...


@dataclass(frozen=True, slots=True)
class BenchmarkSettings:
    """How much work the benchmark does."""

    campaigns: tuple[ObdCampaign, ...] = tuple(ObdCampaign)
    resamples: int = ope.BOOTSTRAP
    draws: int = thompson.DRAWS
    seeds: tuple[int, ...] = SEEDS


@dataclass(frozen=True, slots=True)
class LogFacts:
    """What one log holds.

    Attributes:
        examination: relative examination per slot estimated from the log's exact propensities
            (`position.examination`; slot 0 is 1).
    """

    policy: ObdPolicy
    impressions: int
    clicks: int
    items: int
    truth: ope.Interval
    slots: tuple[SlotRate, ...]
    examination: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class OpeRow:
    """One estimator's estimate of `target`'s click rate from the log of `logged_by`."""

    target: ObdPolicy
    logged_by: ObdPolicy
    estimator: Estimator
    estimate: ope.Interval
    truth: float
    covers: bool


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    """One learner's replay over every seed: click rate mean, min and max, counted impressions."""

    learner: ReplayLearner
    seeds: int
    mean_rate: float
    min_rate: float
    max_rate: float
    mean_matched: float
    total_clicks: int


@dataclass(frozen=True, slots=True)
class CampaignResult:
    """Everything measured on one campaign."""

    campaign: ObdCampaign
    logs: tuple[LogFacts, ...]
    bts_agreement: thompson.Agreement
    ope: tuple[OpeRow, ...]
    replay: tuple[ReplayRun, ...]
    replay_summary: tuple[ReplaySummary, ...]


def run_campaign(
    path: Path, campaign: ObdCampaign, settings: BenchmarkSettings, progress: Phases
) -> CampaignResult:
    """Load one campaign's logs from the obp sdist at `path` and measure everything."""
    random_log = load_log(path, ObdPolicy.RANDOM, campaign)
    bts_log = load_log(path, ObdPolicy.BTS, campaign)
    progress.start(f"{campaign}: BTS slot probabilities (Monte Carlo)", settings.draws)
    bts = thompson.slot_probabilities(
        load_prior(path, campaign), SLOTS, settings.draws, seed=0, tick=progress.advance
    )
    facts = tuple(_facts(log, settings) for log in (random_log, bts_log))
    uniform = np.full((random_log.n_items, SLOTS), 1.0 / random_log.n_items)
    rows = _ope_rows(random_log, bts, facts[1].truth.value, settings, progress)
    rows += _ope_rows(bts_log, uniform, facts[0].truth.value, settings, progress)
    runs = []
    total = len(settings.seeds) * len(ReplayLearner) * random_log.size
    progress.start(f"{campaign}: replay on the random log", total)
    for learner in ReplayLearner:
        for seed in settings.seeds:
            runs.append(replay(random_log, learner, seed, SLOTS, tick=progress.advance))
    summary = tuple(summarise_replay(runs, learner) for learner in ReplayLearner)
    agreement = thompson.agreement(bts, bts_log)
    return CampaignResult(campaign, facts, agreement, rows, tuple(runs), summary)


def _facts(log: ObdLog, settings: BenchmarkSettings) -> LogFacts:
    return LogFacts(
        policy=log.policy,
        impressions=log.size,
        clicks=log.clicks,
        items=log.n_items,
        truth=ope.on_policy(log.click, settings.resamples),
        slots=slot_rates(log.slot.tolist(), log.click.tolist(), SLOTS),
        examination=examination(log.slot, log.click, log.propensity, SLOTS),
    )


def _ope_rows(
    log: ObdLog,
    target: np.ndarray,
    truth: float,
    settings: BenchmarkSettings,
    progress: Phases,
) -> tuple[OpeRow, ...]:
    other = ObdPolicy.BTS if log.policy == ObdPolicy.RANDOM else ObdPolicy.RANDOM
    feedback = ope.Feedback(log.item, log.slot, log.click, log.propensity, log.n_items, SLOTS)
    progress.start(f"{log.campaign}: {other} from the {log.policy} log", settings.resamples)
    intervals = ope.bootstrap(feedback, target, settings.resamples, seed=1, tick=progress.advance)
    return tuple(
        OpeRow(other, log.policy, e, interval, truth, interval.covers(truth))
        for e, interval in intervals.items()
    )


def summarise_replay(runs: Sequence[ReplayRun], learner: ReplayLearner) -> ReplaySummary:
    """The runs of `learner` in `runs`, summarised over their seeds."""
    rates = [r.rate for r in runs if r.learner == learner] or [0.0]
    matched = [r.matched for r in runs if r.learner == learner] or [0]
    clicks = sum(r.clicks for r in runs if r.learner == learner)
    return ReplaySummary(
        learner,
        sum(1 for r in runs if r.learner == learner),
        float(np.mean(rates)),
        min(rates),
        max(rates),
        float(np.mean(matched)),
        clicks,
    )
