"""`kiosk recommend evaluate|simulate|benchmark`: judge policies before going live."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.commands.progress import SILENT, Progress
from kiosk.config import KioskConfig
from kiosk.errors import InputError
from kiosk.recommend import obd
from kiosk.recommend.benchmark import BenchmarkSettings, CampaignResult, run_campaign
from kiosk.recommend.context import FEATURES, Context, logged_slot_propensity
from kiosk.recommend.exploration import Candidates, Item, Shown
from kiosk.recommend.linucb import LinUCB
from kiosk.recommend.offline import LoggedSlate, OfflineEstimate, evaluate, logged_value
from kiosk.recommend.policies import POLICY_NAMES, make_policy
from kiosk.recommend.simulator import SimConfig, SimReport, simulate
from kiosk.store.catalog import Catalog
from kiosk.store.db import open_store
from kiosk.store.learning import LearningLog, LoggedImpression


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Offline estimates of each candidate policy on the kiosk's logged slates.

    Attributes:
        slates: logged slates used.
        logging_policies: the policies that logged them.
        logged_value: mean reward per slate the logging policies got, and its standard error.
        estimates: IPS and DR estimate per candidate policy.
    """

    slates: int
    logging_policies: tuple[str, ...]
    logged_value: tuple[float, float]
    estimates: tuple[OfflineEstimate, ...]


def run_evaluate(config: KioskConfig, policies: Sequence[str] = POLICY_NAMES) -> EvaluationReport:
    """Estimate each of `policies` from the impressions and rewards in the kiosk database.

    The candidates are today's catalog and popularity (the logs do not keep either), and the
    bandit is its saved state, frozen.

    Raises:
        InputError: there are no logged slates yet, or an unknown policy name.
    """
    with open_store(config.paths.data_dir) as store:
        log = LearningLog(store)
        catalog = Catalog(store)
        items = tuple(Item(p.sku, p.category) for p in catalog.products())
        candidates = Candidates(items, log.popularity(days=7.0))
        rows = log.logged()
        slates = logged_slates(rows, candidates)
        blob = log.load_state("global")
    if not slates:
        raise InputError("no logged suggestions to evaluate: run the kiosk first")
    model = LinUCB(alpha=config.recommend.alpha)
    if blob is not None:
        saved = LinUCB.from_bytes(blob, alpha=config.recommend.alpha)
        model = saved if saved.features == FEATURES else model
    estimates = []
    for name in policies:
        try:
            policy = make_policy(name, model)
        except ValueError as exc:
            raise InputError(str(exc)) from exc
        estimates.append(evaluate(policy, slates, config.recommend.k))
    return EvaluationReport(
        slates=len(slates),
        logging_policies=tuple(sorted({r.policy for r in rows})),
        logged_value=logged_value(slates),
        estimates=tuple(estimates),
    )


def logged_slates(
    rows: Sequence[LoggedImpression], candidates: Candidates
) -> tuple[LoggedSlate, ...]:
    """Group logged impressions into slates (by the slate id in their context).

    Impressions of products no longer in the catalog, or with an unreadable context, are skipped.
    """
    category = {i.sku: i.category for i in candidates.items}
    groups: dict[str, list[LoggedImpression]] = defaultdict(list)
    contexts: dict[str, Context] = {}
    for row in rows:
        if row.sku not in category:
            continue
        try:
            context = Context.from_json(row.context_json)
        except ValueError:
            continue
        slate = _slate_id(row)
        groups[slate].append(row)
        contexts.setdefault(slate, context)
    out = []
    for slate, members in groups.items():
        shown = tuple(
            Shown(
                m.sku,
                category[m.sku],
                m.position,
                m.propensity,
                logged_slot_propensity(m.context_json, m.sku),
            )
            for m in members
        )
        rewards = tuple(min(1.0, m.explicit_reward) + m.valence_reward for m in members)
        out.append(LoggedSlate(contexts[slate], candidates, shown, rewards))
    return tuple(out)


def _slate_id(row: LoggedImpression) -> str:
    try:
        value = json.loads(row.context_json).get("slate")
    except (ValueError, AttributeError):
        value = None
    return str(value) if value else f"impression:{row.impression_id}"


def simulate_policies(
    config: KioskConfig, shoppers: int, steps: int, seed: int, warmup: int
) -> SimReport:
    """Every policy learns from scratch on the same simulated shoppers (the kiosk's settings:
    slate size, exploration, valence credit); warm-up is capped below `steps`."""
    return simulate(
        SimConfig(
            shoppers=shoppers,
            steps=steps,
            seed=seed,
            k=config.recommend.k,
            alpha=config.recommend.alpha,
            valence_credit=config.recommend.valence_credit,
            warmup=min(warmup, max(steps - 1, 0)),
        )
    )


@dataclass(frozen=True, slots=True)
class BenchmarkReport:
    """`kiosk recommend benchmark`: the Open Bandit Dataset sample, campaign by campaign.

    Attributes:
        source: the data set and its licence (attribution).
        sdist: the checked obp sdist the logs were read from.
        sha256: its sha256.
        settings: bootstrap resamples, Monte-Carlo draws, replay seeds.
        campaigns: the results of each campaign.
    """

    source: str
    sdist: Path
    sha256: str
    settings: BenchmarkSettings
    campaigns: tuple[CampaignResult, ...]


def default_obd_dir(config: KioskConfig) -> Path:
    """Where the obp sdist is cached when `--obd` is not given."""
    return config.paths.data_dir / "cache" / "obd"


def run_benchmark(
    config: KioskConfig,
    obd_dir: Path | None,
    settings: BenchmarkSettings,
    progress: Progress = SILENT,
) -> BenchmarkReport:
    """Fetch (or reuse) the obp sdist in `obd_dir` and benchmark on its Open Bandit logs.

    Raises:
        ObdUnavailableError: the sdist is not there and pip cannot download it.
        InputError: the sdist has another sha256 or its files are not the expected ones.
    """
    folder = obd_dir if obd_dir is not None else default_obd_dir(config)
    progress.start(f"obp=={obd.VERSION} sdist in {folder}", None)
    sdist = obd.ensure_sdist(folder)
    campaigns = tuple(run_campaign(sdist, c, settings, progress) for c in settings.campaigns)
    return BenchmarkReport(obd.ATTRIBUTION, sdist, obd.SDIST_SHA256, settings, campaigns)
