"""`kiosk backup create|list|restore`: verified copies of the database in <data dir>/backups.

The encryption key is never copied with a backup: back it up separately (see
`kiosk.store.backup`). Restore needs the kiosk stopped, `--staff NAME` for the audit log, and
`--yes` when not asked interactively.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import Subparsers, add_json
from kiosk.commands import backup
from kiosk.commands.backup import KEEP
from kiosk.config import KioskConfig
from kiosk.errors import InputError


def register(nouns: Subparsers) -> None:
    """Add `kiosk backup create|list|restore`."""
    cmd = nouns.add_parser(
        "backup",
        help="back up, list and restore the database",
        description="Verified copies of the kiosk database in <data dir>/backups (the last "
        f"{KEEP} are kept). The encryption key is NOT included: keep a copy of it apart.",
    )
    verbs = cmd.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = verbs.add_parser("create", help="back up the database now (online, verified)")
    add_json(p)
    p.set_defaults(handler=_cmd_create)
    p = verbs.add_parser("list", help="list the backups, newest last")
    p.add_argument("--check", action="store_true", help="also run the integrity check on each")
    add_json(p)
    p.set_defaults(handler=_cmd_list)
    p = verbs.add_parser(
        "restore",
        help="replace the database by a backup (stop the kiosk first)",
        description="Verify FILE (integrity, schema version), keep the current database as "
        "kiosk.db.before-restore, swap FILE in atomically and audit it.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--staff", required=True, metavar="NAME", help="staff member (audit log)")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_json(p)
    p.set_defaults(handler=_cmd_restore)


def _cmd_create(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    made = backup.backup_now(config)
    info = made.backup
    if args.json:
        data = {"path": str(info.path), "size_bytes": info.size_bytes, "pruned": made.pruned}
        print(json.dumps(data | {"taken_at": info.taken_at.isoformat()}, indent=2))
        return 0
    console.print(f"backed up to {info.path} ({info.size_bytes} bytes, integrity ok)")
    console.print(f"the key {config.paths.key_path} is not in the backup: keep a copy apart")
    return 0


def _cmd_list(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    rows = []
    for listed in backup.list_all(config, args.check):
        info = listed.backup
        row: dict[str, object] = {
            "path": str(info.path),
            "taken_at": info.taken_at.isoformat(),
            "size_bytes": info.size_bytes,
        }
        if listed.check is not None:
            row |= {"ok": listed.check.ok, "schema_version": listed.check.schema_version}
        rows.append(row)
    if args.json:
        print(json.dumps({"backups": rows}, indent=2))
        return 0
    table = Table("file", "taken (UTC)", "bytes", *(("check",) if args.check else ()))
    for row in rows:
        extra = (("ok" if row["ok"] else "DAMAGED"),) if args.check else ()
        cells = (Path(str(row["path"])).name, str(row["taken_at"]), str(row["size_bytes"]))
        table.add_row(*cells, *extra)
    table.title = f"{len(rows)} backups in {config.paths.data_dir / 'backups'}"
    console.print(table)
    return 0


def _cmd_restore(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError("restore replaces the database: confirm with --yes")
        answer = input(f"replace the kiosk database by {args.file}? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            console.print("not restored")
            return 1
    report = backup.restore(config, args.file, args.staff)
    previous = str(report.previous) if report.previous else None
    if args.json:
        data = {"backup": str(report.backup), "schema_version": report.schema_version}
        data |= {"previous": previous, "forgotten_again": list(report.forgotten_again)}
        print(json.dumps(data | {"forgets_unchecked": report.forgets_unchecked}, indent=2))
        return 0
    kept = f"; the previous database is kept as {previous}" if previous else ""
    console.print(f"restored {report.backup} (schema {report.schema_version}){kept}")
    if report.forgotten_again:
        ids = ", ".join(str(i) for i in report.forgotten_again)
        console.print(f"forgotten again (they asked after this backup was taken): person {ids}")
    if report.forgets_unchecked:
        console.print(
            f"[yellow]people forgotten since the backup were not checked: "
            f"{report.forgets_unchecked}; review the gallery[/yellow]"
        )
    return 0
