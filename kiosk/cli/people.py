"""`kiosk people ...`: the enrolled people.

Write actions need `--staff NAME` (recorded with consent and in the audit log). Opening the
database purges unknown visitors' data older than privacy.retention_days. Bundle passphrases come
from `--passphrase-file`, else `$KIOSK_BUNDLE_PASSPHRASE`, else an interactive prompt.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from kiosk.cli.common import (
    Subparsers,
    add_json,
    add_staff,
    emit,
    err,
    progress,
    safe,
    to_json,
    with_threads,
)
from kiosk.commands import people
from kiosk.config import KioskConfig
from kiosk.core.annotations import FORMATS
from kiosk.errors import InputError
from kiosk.services.people_import import ImportSummary
from kiosk.store.bundle import DEFAULT_VALID_DAYS
from kiosk.store.bundle_format import SUFFIX
from kiosk.store.people import Consent

PASSPHRASE_ENV = "KIOSK_BUNDLE_PASSPHRASE"


def register(nouns: Subparsers) -> None:
    """Add `kiosk people list|show|rename|forget|purge|export|import|import-bundle|bundle-key`."""
    cmd = nouns.add_parser(
        "people",
        help="enrolled people: list, show, rename, forget, purge, export, import",
        description="The people enrolled with their consent. Templates are encrypted at rest.",
    )
    verbs = cmd.add_subparsers(title="actions", metavar="ACTION", required=True)

    def verb(name: str, help_text: str, description: str | None = None) -> argparse.ArgumentParser:
        return verbs.add_parser(name, help=help_text, description=description or help_text)

    p = verb("list", "list enrolled people (id, name, captures, templates, photos)")
    add_json(p)
    p.set_defaults(handler=_cmd_list)
    p = verb("show", "one person: consents, model, visits (never biometric data)")
    p.add_argument("person", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=_cmd_show)
    p = verb("rename", "change a person's display name")
    p.add_argument("person", type=int, metavar="ID")
    p.add_argument("name")
    add_staff(p)
    p.set_defaults(handler=_cmd_rename)
    p = verb(
        "forget",
        "delete everything about a person (forget me)",
        "Delete the person, consents, templates, photos, visits, events, suggestions shown to "
        "them and learner state, then rewrite the database file so the bytes are gone.",
    )
    p.add_argument("person", type=int, metavar="ID")
    add_staff(p)
    add_json(p)
    p.set_defaults(handler=_cmd_forget)
    p = verb("purge", "delete unknown visitors' visits and events older than the retention")
    p.add_argument("--days", type=int, help="retention in days (default: privacy.retention_days)")
    add_json(p)
    p.set_defaults(handler=_cmd_purge)
    _register_bundles(verb)
    _register_import(verb)


def _add_passphrase(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help=f"read the bundle passphrase from FILE (else ${PASSPHRASE_ENV}, else a prompt)",
    )


def _register_bundles(verb: Any) -> None:
    p = verb(
        "export",
        "write a signed, encrypted gallery + catalog bundle for another kiosk or the iPad",
        "A ZIP (ios_companion/BUNDLE_FORMAT.md): people's templates AES-256-GCM-encrypted with "
        "a key from the passphrase (scrypt), the catalog with prices as price_minor, the shop's "
        "recognition and liveness rules, the ids of people forgotten since earlier exports, an "
        "expiry and an increasing export number, all signed with the shop's Ed25519 key "
        "(`kiosk people bundle-key`). Only consented people; never face images. Weak "
        "passphrases are refused.",
    )
    p.add_argument("out", type=Path, metavar=f"OUT{SUFFIX}")
    p.add_argument(
        "--valid-days",
        type=int,
        default=DEFAULT_VALID_DAYS,
        help=f"days the bundle can be imported and used (1..90, default {DEFAULT_VALID_DAYS})",
    )
    add_staff(p)
    _add_passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_export)
    p = verb(
        "import-bundle",
        "add the people of a gallery bundle",
        "Refuses a bundle with a bad signature, made with another embedding model, expired, "
        "older than one already imported from the same kiosk, malformed in any field, or with "
        "a wrong passphrase. People are matched by their stable id, never by name; people the "
        "bundle lists as forgotten are forgotten here too, and nobody forgotten here comes back.",
    )
    p.add_argument("bundle", type=Path)
    p.add_argument("--signer", metavar="FINGERPRINT", help="accept only bundles signed by this key")
    add_staff(p)
    _add_passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_import_bundle)
    p = verb(
        "bundle-key",
        "show the shop's bundle signing key (the iPad pins it)",
        "Prints the public half and fingerprint of the Ed25519 key that signs exported "
        "bundles, creating the key (owner-only file in the data dir) if there is none yet.",
    )
    add_json(p)
    p.set_defaults(handler=_cmd_bundle_key)


def _register_import(verb: Any) -> None:
    p = verb(
        "import",
        "enrol people from labelled photos or an annotation file",
        "DIR/<person name>/<photos>, or an annotation FILE with --format: createml (Create ML / "
        "IBM Cloud Annotations JSON), turicreate (CSV: path,label,xMin,yMin,xMax,yMax) or voc "
        "(Pascal VOC XML file or folder of them). The box picks the face. Consent is recorded "
        "as given to --staff. Exit 0 if anything was imported (skipped entries are listed), "
        "4 if nothing was.",
    )
    p.add_argument("source", type=Path, metavar="DIR|FILE")
    p.add_argument("--format", choices=FORMATS, help="annotation format (omit for DIR/<person>)")
    p.add_argument("--images", type=Path, metavar="DIR", help="images folder (default: FILE's)")
    p.add_argument("--scope", default="recognition", help="consent scope (default: recognition)")
    p.add_argument("--threads", type=int, help="onnxruntime threads per model")
    add_staff(p)
    add_json(p)
    p.set_defaults(handler=_cmd_import)


def _cmd_list(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    rows = people.list_people(config)
    if args.json:
        print(to_json({"people": rows}))
        return 0
    table = Table(
        "id", "name", "captures", "templates", "photos", "enrolled", title=f"{len(rows)} people"
    )
    for r in rows:
        table.add_row(
            str(r.id), safe(r.name), str(r.captures), str(r.templates), str(r.photos), r.created_at
        )
    console.print("captures: faces enrolled or imported; templates: captures + mirrored + mean")
    console.print(table)
    return 0


def _cmd_show(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    detail = people.show_person(config, args.person)
    p = detail.person
    consents = "; ".join(
        f"{c.scope} by {c.staff} ({c.method}) {c.given_at}" for c in detail.consents
    )
    text = (
        f"{p.id} {p.name}: {p.captures} captures ({p.templates} templates with mirrored and "
        f"mean), {p.photos} photos, "
        f"keep photos {'on' if p.keep_photos else 'off'}\nconsent: {consents}\n"
        f"model: {', '.join(detail.model_keys) or '-'}\n"
        f"visits {detail.visits}, events {detail.events}; enrolled {p.created_at}"
    )
    emit(console, args.json, detail, safe(text))
    return 0


def _cmd_rename(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people.rename_person(config, args.person, args.name, args.staff)
    console.print(f"renamed person {args.person}")
    return 0


def _cmd_forget(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = people.forget_person(config, args.person, args.staff)
    rows = ", ".join(f"{table} {n}" for table, n in report.deleted if n)
    compacted = "database compacted"
    if report.compact_error:
        compacted = (
            f"[yellow]the file was not rewritten ({safe(report.compact_error)}): the rows are "
            f"deleted and overwritten; free disk space; the next forget compacts "
            f"it[/]"
        )
    text = f"forgot person {report.person_id} (rows deleted: {rows}); {compacted}"
    emit(console, args.json, report, text)
    return 0


def _cmd_purge(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    report = people.purge(config, args.days)
    text = (
        f"purged {report.visits} unknown visits and {report.events} events before {report.cutoff}"
    )
    emit(console, args.json, report, text)
    return 0


def _passphrase(args: argparse.Namespace, confirm: bool) -> str:
    if args.passphrase_file is not None:
        try:
            return str(args.passphrase_file.read_text(encoding="utf-8")).rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"cannot read {args.passphrase_file}: {exc.strerror}") from exc
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    if not sys.stdin.isatty():
        raise InputError(f"no passphrase: give --passphrase-file or set ${PASSPHRASE_ENV}")
    first = getpass.getpass("bundle passphrase: ")
    if confirm and getpass.getpass("again: ") != first:
        raise InputError("the two passphrases differ")
    return first


def _cmd_export(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    passphrase = _passphrase(args, confirm=True)
    result = people.export_bundle(config, args.out, args.staff, passphrase, args.valid_days)
    text = (
        f"exported {result.people} people ({result.templates} templates), {result.products} "
        f"products and {result.forgotten} forgotten ids to {result.path}: bundle "
        f"#{result.counter}, valid until {result.expires_at}, signed by {result.signer[:16]}…"
    )
    emit(console, args.json, result, text)
    return 0


def _cmd_import_bundle(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    passphrase = _passphrase(args, confirm=False)
    with progress() as bar:
        bar.start("checking and decrypting", None)
        report = people.import_bundle(config, args.bundle, args.staff, passphrase, args.signer)
    images = sum(1 for name in report.ignored_entries if name.startswith("images/"))
    others = [name for name in report.ignored_entries if not name.startswith("images/")]
    parts = others + ([f"{images} images"] if images else [])
    ignored = f"; not imported here: {', '.join(parts)}" if parts else ""
    text = (
        f"bundle #{report.counter} from {report.signer[:16]}…: added {report.people_added} "
        f"people, updated {report.people_updated}; {report.templates_added} templates stored, "
        f"{report.templates_skipped} already there; forgot {report.people_forgotten}, refused "
        f"{report.people_refused} forgotten here before{ignored}"
    )
    emit(console, args.json, report, safe(text))
    return 0


def _cmd_bundle_key(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    signer = people.bundle_key(config)
    data = {"public_key": signer.public_key_b64, "fingerprint": signer.fingerprint}
    text = (
        f"public key (pin it on the iPad): {signer.public_key_b64}\n"
        f"fingerprint: {signer.fingerprint}"
    )
    emit(console, args.json, data, text)
    return 0


def _cmd_import(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    consent = Consent(args.staff, args.scope, "import")
    with progress() as bar:
        summary = people.import_people(
            with_threads(config, args.threads),
            args.source,
            consent,
            fmt=args.format,
            images=args.images,
            progress=bar,
        )
    _print_import(console, args, summary)
    return 0 if summary.templates or summary.duplicates else InputError.exit_code


def _print_import(console: Console, args: argparse.Namespace, summary: ImportSummary) -> None:
    data = {
        f.name: getattr(summary, f.name) for f in dataclasses.fields(summary) if f.name != "gallery"
    }
    data["skipped"] = [dataclasses.asdict(s) for s in summary.skipped]
    if args.json:
        print(json.dumps(data, indent=2))
        return
    for skipped in summary.skipped:
        err.print(f"[yellow]skipped[/] {safe(skipped.where)}: {safe(skipped.reason)}")
    console.print(
        f"imported {summary.templates} captures from {summary.images} images: "
        f"{summary.people_added} new people, {summary.people_updated} updated; "
        f"{summary.duplicates} already enrolled (not stored twice); "
        f"{len(summary.skipped)} entries skipped"
    )
