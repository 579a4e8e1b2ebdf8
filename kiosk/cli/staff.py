"""`kiosk staff set-pin`: set or change the staff PIN (staff mode cannot set it).

The PIN itself is never written anywhere: a private file in the data directory holds its
salted scrypt hash (`kiosk.core.pin`) and the lock-out state. The PIN is read twice without
echo, or from `--pin-file` for automation. Setting it is audited with `--staff`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rich.console import Console

from kiosk.cli.common import Subparsers, add_staff
from kiosk.commands.staff import set_pin
from kiosk.config import KioskConfig
from kiosk.core.pin import MAX_PIN_DIGITS, MIN_PIN_DIGITS
from kiosk.errors import InputError


def register(nouns: Subparsers) -> None:
    """Add `kiosk staff set-pin`."""
    cmd = nouns.add_parser("staff", help="staff mode: set the PIN", description=__doc__)
    verbs = cmd.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = verbs.add_parser(
        "set-pin",
        help="set the staff PIN (stored only as a salted scrypt hash)",
        description=f"Ask for the new PIN ({MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits, not one "
        "repeated digit or a run like 123456) twice, or read it from --pin-file, and store "
        "its salted scrypt hash in <data dir>/staff_pin.json (0600). Audited.",
    )
    p.add_argument("--pin-file", type=Path, metavar="FILE", help="read the PIN from FILE")
    add_staff(p)
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
    target = set_pin(config, _read_pin(args.pin_file), args.staff)
    console.print(f"staff PIN set (its salted hash is in {target}, readable by you only)")
    return 0
