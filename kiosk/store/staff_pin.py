"""The staff PIN file (`paths.pin_path`: `<data dir>/staff_pin.json`), 0600, replaced atomically.

It holds the PIN's salted scrypt hash and the lock-out state (wrong PINs in a row, locked
until when), so a restart does not hand an attacker a fresh set of guesses. It lives apart
from the database on purpose: restoring a backup must not bring back an old PIN, and it is
never in kiosk.toml, which people copy, paste into tickets and leave world-readable.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core.pin import PinState
from kiosk.errors import ConfigError
from kiosk.paths import make_private_dir, make_private_file, write_private_file

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PinRecord:
    """What the PIN file holds."""

    pin_hash: str
    set_at: str
    state: PinState


class PinFile:
    """The PIN file of one data directory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> PinRecord | None:
        """The record, or None when no PIN was ever set.

        Raises:
            ConfigError: the file exists but is not a PIN record (staff mode stays locked;
                `kiosk staff set-pin` writes a new one).
        """
        if not self.path.exists():
            return None
        make_private_file(self.path)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            state = PinState(int(data["failures"]), float(data["locked_until_s"]))
            return PinRecord(str(data["pin_hash"]), str(data["set_at"]), state)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"the staff PIN file {self.path} is damaged ({exc}); set a new PIN with "
                f"`kiosk staff set-pin`"
            ) from exc

    def write_hash(self, pin_hash: str) -> PinRecord:
        """Store a new PIN hash (the lock-out starts afresh)."""
        record = PinRecord(pin_hash, datetime.now(UTC).isoformat(timespec="seconds"), PinState())
        self._write(record)
        return record

    def write_state(self, state: PinState) -> None:
        """Remember the lock-out state after an attempt.

        Raises:
            ConfigError: no PIN was set.
        """
        record = self.read()
        if record is None:
            raise ConfigError("no staff PIN is set")
        self._write(PinRecord(record.pin_hash, record.set_at, state))

    def _write(self, record: PinRecord) -> None:
        data = {
            "pin_hash": record.pin_hash,
            "set_at": record.set_at,
            "failures": record.state.failures,
            "locked_until_s": record.state.locked_until_s,
        }
        try:
            make_private_dir(self.path.parent)
            write_private_file(self.path, json.dumps(data, indent=1).encode("utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
