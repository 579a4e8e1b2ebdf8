"""`kiosk staff set-pin`: store the staff PIN as a salted scrypt hash in kiosk.toml.

The PIN itself is never written anywhere: `[staff] pin_hash` holds `scrypt$n$r$p$salt$hash`
(`kiosk.core.pin`). The PIN is read twice without echo, or from `--pin-file` for automation.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rich.console import Console

from kiosk.cli.common import Subparsers
from kiosk.commands.staff import set_pin
from kiosk.config import KioskConfig
from kiosk.core.pin import MIN_PIN_DIGITS
from kiosk.errors import InputError


def register(nouns: Subparsers) -> None:
    """Add `kiosk staff set-pin`."""
    cmd = nouns.add_parser("staff", help="staff mode: set the PIN", description=__doc__)
    verbs = cmd.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = verbs.add_parser(
        "set-pin",
        help="set the staff PIN (stored only as a salted scrypt hash)",
        description=f"Ask for the new PIN ({MIN_PIN_DIGITS}+ digits) twice, or read it from "
        "--pin-file, and write its salted scrypt hash to [staff] pin_hash in the config file "
        "(--config, else <data dir>/kiosk.toml).",
    )
    p.add_argument("--pin-file", type=Path, metavar="FILE", help="read the PIN from FILE")
    p.set_defaults(handler=_cmd_set_pin)


def _read_pin(pin_file: Path | None) -> str:
    if pin_file is not None:
        try:
            return pin_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the PIN from {pin_file}: {exc}") from exc
    if not sys.stdin.isatty():
        raise InputError("no terminal to ask for the PIN: give --pin-file FILE")
    first = getpass.getpass("new staff PIN: ")
    if getpass.getpass("again: ") != first:
        raise InputError("the two PINs differ; nothing changed")
    return first


def _cmd_set_pin(args: argparse.Namespace, config: KioskConfig, console: Console) -> int:
    target = set_pin(config, _read_pin(args.pin_file))
    console.print(f"staff PIN set ([staff] pin_hash in {target})")
    return 0
