"""`kiosk fleet init|join|sync|status|forget|catalog|report`: a chain of kiosks on PostgreSQL.

The chain's DSN is `[fleet] dsn` (or KIOSK_FLEET_DSN): HQ's admin role for init, forget,
catalog and report; after `join`, the kiosk's own role (written to kiosk.toml by join).
Passphrases come from `--passphrase-file FILE` (first line) or `-` for a prompt, never from the
command line.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import logging
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json
from kiosk.config import KioskConfig
from kiosk.config.loading import write_setting
from kiosk.errors import InputError
from kiosk.fleet import admin, hq
from kiosk.fleet.sync import ChainSync

log = logging.getLogger(__name__)


def register(nouns: Subparsers) -> None:
    """Add `kiosk fleet ...`."""
    cmd = nouns.add_parser(
        "fleet",
        help="a chain of kiosks sharing one PostgreSQL database",
        description="Many kiosks, one chain: people enrolled at any kiosk are recognised at "
        "every kiosk after a sync, a forget anywhere is a forget everywhere, and everything "
        "personal is encrypted with the chain key before it leaves a kiosk.",
    )
    verbs = cmd.add_subparsers(title="verbs", metavar="VERB", required=True)
    p = verbs.add_parser("init", help="create (or check) the chain at [fleet] dsn (HQ)")
    _passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_init)
    p = verbs.add_parser("join", help="register this kiosk in the chain and unwrap its key")
    p.add_argument("--name", required=True, help="this kiosk's name in the chain (a slug)")
    p.add_argument("--store", default="main", help="the store it stands in (catalog visibility)")
    p.add_argument("--admin-dsn", help="HQ's admin DSN (default: [fleet] dsn)")
    _passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_join)
    p = verbs.add_parser("sync", help="run one sync round now")
    add_json(p)
    p.set_defaults(handler=_cmd_sync)
    p = verbs.add_parser("status", help="each kiosk, its last sync and what it has pending")
    add_json(p)
    p.set_defaults(handler=_cmd_status)
    p = verbs.add_parser("forget", help="forget a person everywhere, by uid (HQ)")
    p.add_argument("uid", help="the person's uid (`kiosk people list --json` at a kiosk)")
    p.set_defaults(handler=_cmd_forget)
    p = verbs.add_parser("catalog", help="publish a catalog file to the chain's kiosks (HQ)")
    p.add_argument("file", type=Path, help="catalog CSV or JSON (the import format)")
    p.add_argument("--stores", help="comma-separated stores that show it (default: all)")
    p.set_defaults(handler=_cmd_catalog)
    p = verbs.add_parser("report", help="chain-wide visits and suggestions per kiosk (HQ)")
    p.add_argument("--days", type=int, default=7, help="period in days (default 7)")
    add_json(p)
    p.set_defaults(handler=_cmd_report)


def _passphrase(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        required=True,
        metavar="FILE",
        help="file whose first line is the chain passphrase, or - to type it",
    )


def read_passphrase(source: str, confirm: bool = False) -> str:
    """The passphrase from a file's first line, or typed (twice when `confirm`)."""
    if source == "-":
        first = getpass.getpass("Chain passphrase: ")
        if confirm and getpass.getpass("Again: ") != first:
            raise InputError("the two passphrases differ")
        return first
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"passphrase file {source} cannot be read: {exc.strerror}") from exc
    if not lines or not lines[0]:
        raise InputError(f"passphrase file {source} is empty")
    return lines[0]


def _cmd_init(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    passphrase = read_passphrase(args.passphrase_file, confirm=True)
    info = admin.init_chain(config.fleet.dsn, passphrase, config.fleet.connect_timeout_s)
    if args.json:
        print(json.dumps(dataclasses.asdict(info)))
    else:
        what = "created" if info.created else "already exists; passphrase checked"
        console.print(f"chain {info.chain_id} {what}")
    return 0


def _cmd_join(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    passphrase = read_passphrase(args.passphrase_file)
    joined = admin.join_chain(
        args.admin_dsn or config.fleet.dsn,
        config.paths,
        args.name,
        store=args.store,
        passphrase=passphrase,
        timeout_s=config.fleet.connect_timeout_s,
    )
    target = config.source_file or config.paths.data_dir / "kiosk.toml"
    write_setting(target, "fleet", "dsn", joined.dsn)
    if args.json:
        print(json.dumps(dataclasses.asdict(joined) | {"config": str(target)}))
        return 0
    state = "was already in" if joined.already else "joined"
    console.print(f"kiosk {escape(args.name)} {state} chain {joined.chain_id} as {joined.role}")
    console.print(f"its DSN is in {target}; the next `kiosk fleet sync` (or kiosk run) syncs")
    return 0


def _cmd_sync(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    from kiosk.vision.manifest import load_manifest  # the embedder's model key, no model load
    from kiosk.vision.models import EMBEDDER_KEY

    model_key = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY).sha256
    sync = ChainSync(
        config.paths,
        config.fleet.dsn,
        model_key,
        connect_timeout_s=config.fleet.connect_timeout_s,
        retention_days=config.privacy.retention_days,
    )

    def progress(stage: str, count: int) -> None:
        log.info("sync: %s %d", stage, count)

    try:
        report = sync.run_once(progress)
    finally:
        sync.close()
    if args.json:
        print(json.dumps(dataclasses.asdict(report)))
        return 0
    console.print(
        f"pushed {report.people_out} people, {report.templates_out} templates, "
        f"{report.tombstones_out} forgets, {report.visits_out} visits, "
        f"{report.impressions_out} impressions, {report.rewards_out} rewards; pulled "
        f"{report.people_in} people, {report.templates_in} templates, {report.tombstones_in} "
        f"forgets ({report.forgotten_here} here), {report.products_in} products; "
        f"{report.pending_after} rows pending; {report.seconds:.2f} s"
    )
    return 0


def _cmd_status(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    status = hq.chain_status(config.fleet.dsn, config.fleet.connect_timeout_s)
    if args.json:
        print(json.dumps(dataclasses.asdict(status), indent=2))
        return 0
    title = (
        f"chain {status.chain_id}: {status.people} people, {status.templates} templates, "
        f"{status.tombstones} forgotten, {status.products} products"
    )
    table = Table("kiosk", "store", "last sync (UTC)", "pending", "people", title=title)
    for k in status.kiosks:
        last = k.last_sync_at or "never"
        table.add_row(escape(k.name), escape(k.store), last, str(k.pending), str(k.people))
    console.print(table)
    return 0


def _cmd_forget(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    hq.forget_everywhere(config.fleet.dsn, args.uid, config.fleet.connect_timeout_s)
    console.print(f"person {escape(args.uid)} forgotten in the chain; each kiosk at its next sync")
    return 0


def _cmd_catalog(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    stores = tuple(s.strip() for s in args.stores.split(",") if s.strip()) if args.stores else None
    count = hq.publish_catalog(config.fleet.dsn, args.file, stores, config.fleet.connect_timeout_s)
    where = ", ".join(stores) if stores else "every store"
    console.print(f"published {count} products to {escape(where)}")
    return 0


def _cmd_report(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    if args.days < 1:
        raise InputError(f"--days must be at least 1, got {args.days}")
    report = hq.chain_report(config.fleet.dsn, args.days, config.fleet.connect_timeout_s)
    if args.json:
        rows = [dataclasses.asdict(k) | {"tap_rate": k.tap_rate} for k in report.kiosks]
        print(json.dumps({"since": report.since, "kiosks": rows}, indent=2))
        return 0
    table = Table("kiosk", "known visits", "unknown", "impressions", "taps", "tap rate")
    for k in report.kiosks:
        table.add_row(
            escape(k.kiosk),
            str(k.visits_known),
            str(k.visits_unknown),
            str(k.impressions),
            str(k.explicit_rewards),
            f"{k.tap_rate:.1%}",
        )
    table.title = f"the chain since {report.since}"
    console.print(table)
    return 0
