"""`kiosk staff set-pin`: the staff PIN, stored only as a salted scrypt hash."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import KioskConfig, write_setting
from kiosk.core.pin import hash_pin
from kiosk.errors import InputError


def set_pin(config: KioskConfig, pin: str) -> Path:
    """Store the hash of `pin`; the file it went to.

    Raises:
        InputError: the PIN is too short or not digits (nothing changed).
    """
    try:
        stored = hash_pin(pin)
    except ValueError as exc:
        raise InputError(f"{exc}; nothing changed") from exc
    target = config.source_file or config.paths.data_dir / "kiosk.toml"
    write_setting(target, "staff", "pin_hash", stored)
    return target
