"""`kiosk recommend evaluate|simulate|benchmark`: judge suggestion policies offline."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, err, progress, to_json
from kiosk.commands.recommend import (
    run_benchmark,
    run_evaluate,
    simulate_policies,
)
from kiosk.config import KioskConfig
from kiosk.core.vocabulary import ObdCampaign
from kiosk.recommend.benchmark import BenchmarkSettings, CampaignResult
from kiosk.recommend.policies import POLICY_NAMES
from kiosk.recommend.simulator import SimConfig, SimReport


def register(nouns: Subparsers) -> None:
    """Add `kiosk recommend evaluate` and `kiosk recommend simulate`."""
    cmd = nouns.add_parser(
        "recommend",
        help="evaluate suggestion policies offline, or in simulation",
        description="Estimate how well a policy would do before it goes live.",
    )
    verbs = cmd.add_subparsers(title="verbs", metavar="VERB", required=True)
    ev = verbs.add_parser(
        "evaluate",
        help="IPS and doubly-robust estimates from the kiosk's logged suggestions",
        description="Value = expected reward per slate shown (tap 1, valence credit). "
        "Estimated from logged impressions and their propensities, next to what the logging "
        "policy actually got.",
    )
    ev.add_argument("--policy", choices=POLICY_NAMES, help="only this candidate (default: all)")
    add_json(ev)
    ev.set_defaults(handler=_cmd_evaluate)
    sim = verbs.add_parser(
        "simulate",
        help="run every policy on simulated shoppers: reward and regret",
        description="Simulated shoppers with hidden tastes react to suggestions; each policy "
        "(random, popularity, rules, bandit) learns from scratch on the same shoppers.",
    )
    defaults = SimConfig()
    sim.add_argument("--shoppers", type=int, default=defaults.shoppers)
    sim.add_argument("--steps", type=int, default=defaults.steps, help="slates shown")
    sim.add_argument("--seed", type=int, default=defaults.seed)
    sim.add_argument("--warmup", type=int, default=defaults.warmup, help="steps of warm-up")
    sim.add_argument("--png", type=Path, metavar="OUT", help="write the learning curves")
    add_json(sim)
    sim.set_defaults(handler=_cmd_simulate)
    _register_benchmark(verbs)


def _register_benchmark(verbs: Subparsers) -> None:
    bench = verbs.add_parser(
        "benchmark",
        help="off-policy estimates and replay on a real shop's logs (Open Bandit Dataset)",
        description="The Open Bandit Dataset sample (ZOZOTOWN, CC BY 4.0), read from the sdist "
        "of obp==0.5.7 (downloaded with pip into DIR when missing, checked by sha256): "
        "IPS, self-normalised IPS and DR estimates of each logging policy's click rate from "
        "the other's log, with bootstrap 95 % intervals, against the truth; then the "
        "kiosk's LinUCB and an epsilon-greedy baseline replayed on the random log.",
    )
    defaults = BenchmarkSettings()
    bench.add_argument(
        "--obd", type=Path, metavar="DIR", help="folder of the obp sdist (default: data dir/cache)"
    )
    bench.add_argument(
        "--campaign",
        action="append",
        choices=[str(c) for c in ObdCampaign],
        help="campaign (repeatable; default: all three)",
    )
    bench.add_argument("--resamples", type=int, default=defaults.resamples, help="bootstrap")
    bench.add_argument("--draws", type=int, default=defaults.draws, help="BTS Monte-Carlo draws")
    bench.add_argument("--seeds", type=int, default=len(defaults.seeds), help="replay seeds")
    bench.add_argument("--png", type=Path, metavar="OUT", help="write the estimates and replay")
    add_json(bench)
    bench.set_defaults(handler=_cmd_benchmark)


def _cmd_evaluate(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = run_evaluate(config, (args.policy,) if args.policy else POLICY_NAMES)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
        return 0
    value, se = report.logged_value
    logged_by = ", ".join(report.logging_policies)
    table = Table(
        "policy", "IPS", "± se", "DR", "± se", "slot IPS", "± se",
        title=f"{report.slates} logged slates",
    )  # fmt: skip
    table.add_row(f"logged ({logged_by})", f"{value:.3f}", f"{se:.3f}", "", "", "", "")
    for e in report.estimates:
        slot = ("", "") if e.slot_ips is None else (f"{e.slot_ips:.3f}", f"{e.slot_ips_stderr:.3f}")
        table.add_row(
            e.policy,
            f"{e.ips:.3f}",
            f"{e.ips_stderr:.3f}",
            f"{e.dr:.3f}",
            f"{e.dr_stderr:.3f}",
            *slot,
        )
    console.print(table)
    console.print(
        "value = expected reward per slate; the logged row is what was observed; slot IPS "
        "uses each card's slot propensity (only when every impression logged one)"
    )
    return 0


def _cmd_simulate(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = simulate_policies(config, args.shoppers, args.steps, args.seed, args.warmup)
    if args.png is not None:
        from kiosk.charts.recommend import learning_curves_png  # matplotlib only when asked

        learning_curves_png(report.runs, report.config.warmup, args.png)
    if args.json:
        print(json.dumps(simulation_summary(report), indent=2))
        return 0
    _print_simulation(report, console)
    if args.png is not None:
        err.print(f"learning curves: {args.png}")
    return 0


def simulation_summary(report: SimReport) -> dict[str, Any]:
    """The simulation's settings and per-policy totals, as JSON-ready data."""
    warmup = report.config.warmup
    tail = max(report.config.steps - warmup, 1)
    return {
        "config": dataclasses.asdict(report.config),
        "policies": [
            {
                "policy": run.policy,
                "cumulative_reward": round(run.cumulative_reward, 3),
                "cumulative_regret": round(run.cumulative_regret, 3),
                "reward_per_step_after_warmup": round(run.mean_reward_after(warmup), 4),
                "regret_per_step_after_warmup": round(sum(run.regrets[warmup:]) / tail, 4),
            }
            for run in report.runs
        ],
    }


def _print_simulation(report: SimReport, console: Console) -> None:
    c = report.config
    table = Table(
        "policy",
        "cum. reward",
        "cum. regret",
        "reward/step after warm-up",
        "regret/step after warm-up",
        title=f"{c.steps} slates, {c.shoppers} shoppers, seed {c.seed}, warm-up {c.warmup}",
    )
    for row in simulation_summary(report)["policies"]:
        table.add_row(
            row["policy"],
            f"{row['cumulative_reward']:.1f}",
            f"{row['cumulative_regret']:.1f}",
            f"{row['reward_per_step_after_warmup']:.3f}",
            f"{row['regret_per_step_after_warmup']:.3f}",
        )
    console.print(table)


def _cmd_benchmark(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    if min(args.resamples, args.draws, args.seeds) < 1:
        err.print("--resamples, --draws and --seeds must be at least 1")
        return 2
    campaigns = tuple(ObdCampaign(c) for c in args.campaign) if args.campaign else None
    settings = BenchmarkSettings(
        campaigns=campaigns or tuple(ObdCampaign),
        resamples=args.resamples,
        draws=args.draws,
        seeds=tuple(range(args.seeds)),
    )
    with progress() as bar:
        report = run_benchmark(config, args.obd, settings, bar)
    if args.png is not None:
        from kiosk.charts.recommend import benchmark_png  # matplotlib only when asked

        benchmark_png(report.campaigns, args.png)
    if args.json:
        print(to_json(report))
        return 0
    for campaign in report.campaigns:
        _print_campaign(campaign, console)
    console.print(f"data: {report.source}")
    if args.png is not None:
        err.print(f"chart: {args.png}")
    return 0


def _print_campaign(result: CampaignResult, console: Console) -> None:
    random_log, bts_log = result.logs
    console.print(
        f"[bold]campaign {result.campaign}[/]: random log {random_log.clicks} clicks in "
        f"{random_log.impressions} impressions, BTS log {bts_log.clicks} in "
        f"{bts_log.impressions}: so few clicks that every interval below is wide."
    )
    table = Table(
        "estimate of",
        "from log",
        "estimator",
        "estimate",
        "95 % interval",
        "truth",
        "covers",
        title=f"{result.campaign}: off-policy estimates vs each policy's own log",
    )
    for row in result.ope:
        e = row.estimate
        table.add_row(
            f"{row.target} CTR",
            str(row.logged_by),
            str(row.estimator),
            f"{e.value:.4f}",
            f"[{e.low:.4f}, {e.high:.4f}]",
            f"{row.truth:.4f}",
            "yes" if row.covers else "NO",
        )
    console.print(table)
    slots = Table("log", "truth (95 %)", "clicks by slot 1/2/3", "examination 1/2/3")
    for facts in result.logs:
        slots.add_row(
            str(facts.policy),
            f"{facts.truth.value:.4f} [{facts.truth.low:.4f}, {facts.truth.high:.4f}]",
            " / ".join(f"{s.clicks}/{s.impressions}" for s in facts.slots),
            " / ".join(f"{x:.2f}" for x in facts.examination),
        )
    console.print(slots)
    a = result.bts_agreement
    console.print(
        f"BTS reproduced from prior_bts.yaml vs the BTS log: propensity correlation "
        f"{a.propensity_correlation:.2f}, median ratio {a.median_ratio:.2f}, (item, slot) "
        f"frequency correlation {a.frequency_correlation:.2f}"
    )
    replay = Table(
        "learner",
        "seeds",
        "CTR mean",
        "min..max",
        "counted impr.",
        "clicks",
        title=f"{result.campaign}: replay on the random log (random "
        f"{random_log.truth.value:.4f}, BTS {bts_log.truth.value:.4f})",
    )
    for r in result.replay_summary:
        replay.add_row(
            str(r.learner),
            str(r.seeds),
            f"{r.mean_rate:.4f}",
            f"{r.min_rate:.4f}..{r.max_rate:.4f}",
            f"{r.mean_matched:.0f}",
            str(r.total_clicks),
        )
    console.print(replay)
