"""`kiosk recommend evaluate|simulate`: judge suggestion policies offline."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json, err
from kiosk.commands.recommend import run_evaluate, simulate_policies
from kiosk.config import KioskConfig
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


def _cmd_evaluate(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = run_evaluate(config, (args.policy,) if args.policy else POLICY_NAMES)
    if args.json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
        return 0
    value, se = report.logged_value
    logged_by = ", ".join(report.logging_policies)
    table = Table("policy", "IPS", "± se", "DR", "± se", title=f"{report.slates} logged slates")
    table.add_row(f"logged ({logged_by})", f"{value:.3f}", f"{se:.3f}", "", "")
    for e in report.estimates:
        table.add_row(
            e.policy, f"{e.ips:.3f}", f"{e.ips_stderr:.3f}", f"{e.dr:.3f}", f"{e.dr_stderr:.3f}"
        )
    console.print(table)
    console.print("value = expected reward per slate; the logged row is what was observed")
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
