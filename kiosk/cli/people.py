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

from kiosk import __version__
from kiosk.cli.common import Subparsers, add_json, err, progress, with_threads
from kiosk.commands import session
from kiosk.config import KioskConfig
from kiosk.core.annotations import FORMATS
from kiosk.errors import InputError
from kiosk.services.people_import import (
    ImportSummary,
    folder_items,
    import_annotations,
    import_folder,
    read_annotations,
)
from kiosk.store.bundle import SUFFIX, EmbeddingInfo
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import Consent, PeopleStore, open_people, purge_unknown
from kiosk.vision.manifest import load_manifest
from kiosk.vision.models import EMBEDDER_KEY

PASSPHRASE_ENV = "KIOSK_BUNDLE_PASSPHRASE"


def register(nouns: Subparsers) -> None:
    """Add `kiosk people list|show|rename|forget|purge|export|import|import-bundle`."""
    cmd = nouns.add_parser(
        "people",
        help="enrolled people: list, show, rename, forget, purge, export, import",
        description="The people enrolled with their consent. Templates are encrypted at rest.",
    )
    verbs = cmd.add_subparsers(title="actions", metavar="ACTION", required=True)

    def verb(name: str, help_text: str, description: str | None = None) -> argparse.ArgumentParser:
        return verbs.add_parser(name, help=help_text, description=description or help_text)

    p = verb("list", "list enrolled people (id, name, templates, photos)")
    add_json(p)
    p.set_defaults(handler=_cmd_list)
    p = verb("show", "one person: consents, model, visits (never biometric data)")
    p.add_argument("person", type=int, metavar="ID")
    add_json(p)
    p.set_defaults(handler=_cmd_show)
    p = verb("rename", "change a person's display name")
    p.add_argument("person", type=int, metavar="ID")
    p.add_argument("name")
    _add_staff(p)
    p.set_defaults(handler=_cmd_rename)
    p = verb(
        "forget",
        "delete everything about a person (forget me)",
        "Delete the person, consents, templates, photos, visits, events, suggestions shown to "
        "them and learner state, then rewrite the database file so the bytes are gone.",
    )
    p.add_argument("person", type=int, metavar="ID")
    _add_staff(p)
    add_json(p)
    p.set_defaults(handler=_cmd_forget)
    p = verb("purge", "delete unknown visitors' visits and events older than the retention")
    p.add_argument("--days", type=int, help="retention in days (default: privacy.retention_days)")
    add_json(p)
    p.set_defaults(handler=_cmd_purge)
    _register_bundles(verb)
    _register_import(verb)


def _add_staff(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--staff", required=True, metavar="NAME", help="staff member doing this (audit log)"
    )


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
        "write an encrypted gallery bundle for another kiosk or the iPad",
        "A ZIP (ios_companion/BUNDLE_FORMAT.md): manifest.json and gallery.enc, AES-256-GCM "
        "with a key from the passphrase (scrypt). Only consented people; never face images.",
    )
    p.add_argument("out", type=Path, metavar=f"OUT{SUFFIX}")
    _add_staff(p)
    _add_passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_export)
    p = verb(
        "import-bundle",
        "add the people of a gallery bundle",
        "Refuses a bundle made with another embedding model or a wrong passphrase. A person "
        "whose name matches exactly one enrolled person is merged into them.",
    )
    p.add_argument("bundle", type=Path)
    _add_staff(p)
    _add_passphrase(p)
    add_json(p)
    p.set_defaults(handler=_cmd_import_bundle)


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
    _add_staff(p)
    add_json(p)
    p.set_defaults(handler=_cmd_import)


def _open(config: KioskConfig, purge: bool = True) -> PeopleStore:
    return open_people(config.paths, config.privacy.retention_days if purge else None)


def _emit(console: Console, args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, indent=2, default=str))
    else:
        console.print(text)


def _cmd_list(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config)
    try:
        rows = people.list_people()
    finally:
        people.close()
    if args.json:
        print(json.dumps({"people": [dataclasses.asdict(r) for r in rows]}, indent=2))
        return 0
    table = Table("id", "name", "templates", "photos", "enrolled", title=f"{len(rows)} people")
    for r in rows:
        table.add_row(str(r.id), r.name, str(r.templates), str(r.photos), r.created_at)
    console.print(table)
    return 0


def _cmd_show(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config)
    try:
        detail = people.detail(args.person)
    finally:
        people.close()
    p = detail.person
    consents = "; ".join(
        f"{c.scope} by {c.staff} ({c.method}) {c.given_at}" for c in detail.consents
    )
    text = (
        f"{p.id} {p.name}: {p.templates} templates, {p.photos} photos, "
        f"keep photos {'on' if p.keep_photos else 'off'}\nconsent: {consents}\n"
        f"model: {', '.join(detail.model_keys) or '-'}\n"
        f"visits {detail.visits}, events {detail.events}; enrolled {p.created_at}"
    )
    _emit(console, args, dataclasses.asdict(detail), text)
    return 0


def _cmd_rename(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config)
    try:
        people.rename(args.person, args.name, args.staff)
    finally:
        people.close()
    console.print(f"renamed person {args.person}")
    return 0


def _cmd_forget(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config)
    try:
        report = people.forget(args.person, args.staff)
    finally:
        people.close()
    rows = ", ".join(f"{table} {n}" for table, n in report.deleted if n)
    text = f"forgot person {report.person_id} (rows deleted: {rows}); database compacted"
    _emit(console, args, dataclasses.asdict(report), text)
    return 0


def _cmd_purge(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config, purge=False)
    try:
        days = config.privacy.retention_days if args.days is None else args.days
        report = purge_unknown(people.store, days)
    finally:
        people.close()
    text = (
        f"purged {report.visits} unknown visits and {report.events} events before {report.cutoff}"
    )
    _emit(console, args, dataclasses.asdict(report), text)
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


def _embedding(config: KioskConfig, people: PeopleStore) -> EmbeddingInfo:
    spec = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY)
    stored = people.templates(spec.sha256)
    dim = int(stored[0].vector.shape[0]) if stored else 128
    threshold = config.pipeline.max_distance or spec.threshold("max_distance")
    return EmbeddingInfo(spec.key, spec.sha256, dim, threshold)


def _cmd_export(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    people = _open(config)
    try:
        embedding = _embedding(config, people)
        bundle = export_gallery(
            people,
            args.out,
            embedding,
            _passphrase(args, confirm=True),
            staff=args.staff,
            created_by=f"iface-kiosk {__version__}",
        )
    finally:
        people.close()
    data = {"path": str(args.out), "people": len(bundle.people), "templates": bundle.templates}
    text = f"exported {data['people']} people ({bundle.templates} templates) to {args.out}"
    _emit(console, args, data | {"created_at": bundle.created_at}, text)
    return 0


def _cmd_import_bundle(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    sha = load_manifest(config.paths.models_dir).get(EMBEDDER_KEY).sha256
    people = _open(config)
    try:
        with progress() as bar:
            bar.add_task("decrypting", total=None)
            report = import_gallery(
                people, args.bundle, _passphrase(args, confirm=False), sha, staff=args.staff
            )
    finally:
        people.close()
    ignored = (
        f"; not imported here: {', '.join(report.ignored_entries)}"
        if report.ignored_entries
        else ""
    )
    text = (
        f"added {report.people_added} people, updated {report.people_updated}; "
        f"{report.templates_added} templates stored, {report.templates_skipped} already there"
        f"{ignored}"
    )
    _emit(console, args, dataclasses.asdict(report), text)
    return 0


def _cmd_import(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    consent = Consent(args.staff, args.scope, "import")
    parsed = (
        None if args.format is None else read_annotations(args.source, args.format, args.images)
    )
    total = len(folder_items(args.source)) if parsed is None else len(parsed.faces)
    models = session.load_models(with_threads(config, args.threads))
    people = _open(config)
    try:
        with progress() as bar:
            task = bar.add_task("importing", total=total)
            advance = lambda _: bar.advance(task)  # noqa: E731
            summary = (
                import_folder(people, models, args.source, consent, on_image=advance)
                if parsed is None
                else import_annotations(people, models, parsed, consent, on_image=advance)
            )
    finally:
        people.close()
        models.close()
    _print_import(console, args, summary)
    return 0 if summary.templates else InputError.exit_code


def _print_import(console: Console, args: argparse.Namespace, summary: ImportSummary) -> None:
    data = {
        f.name: getattr(summary, f.name) for f in dataclasses.fields(summary) if f.name != "gallery"
    }
    data["skipped"] = [dataclasses.asdict(s) for s in summary.skipped]
    if args.json:
        print(json.dumps(data, indent=2))
        return
    for skipped in summary.skipped:
        err.print(f"[yellow]skipped[/] {skipped.where}: {skipped.reason}")
    console.print(
        f"imported {summary.templates} templates from {summary.images} images: "
        f"{summary.people_added} new people, {summary.people_updated} updated; "
        f"{len(summary.skipped)} entries skipped"
    )
