"""Who may enter staff mode: the PIN set from a terminal, checked with a lock-out that
survives restarts, and audited.

Staff mode never lets anyone choose the PIN: on a fresh install it stays locked (and the
full-screen kiosk refuses to start) until someone with a terminal on the PC runs
`kiosk staff set-pin`. A passer-by who long-presses "Staff" learns only how to set it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.config import StaffConfig
from kiosk.core.pin import LockoutPolicy, PinAttempt, attempt, hash_pin, locked_for, pin_problem
from kiosk.errors import ConfigError, InputError
from kiosk.store.staff_pin import PinFile

NO_PIN_MESSAGE = (
    "Staff mode is locked: no staff PIN has been set on this kiosk. On this PC, open a "
    "terminal and run `kiosk staff set-pin --staff YOUR-NAME`, then try again."
)


@dataclass(slots=True)
class StaffAccess:
    """The PIN check of one kiosk (one data directory).

    Attributes:
        pin_file: where the hash and the lock-out state live.
        settings: failures before a lock-out and its length.
        clock: wall-clock Unix seconds (injectable for tests).
    """

    pin_file: PinFile
    settings: StaffConfig
    clock: Callable[[], float] = time.time

    @property
    def policy(self) -> LockoutPolicy:
        """The lock-out policy from the settings."""
        return LockoutPolicy(self.settings.max_failures, self.settings.lock_s)

    def is_set(self) -> bool:
        """Whether a staff PIN exists (a damaged PIN file counts as not set)."""
        try:
            return self.pin_file.read() is not None
        except ConfigError:
            return False

    def locked_for(self) -> float:
        """Seconds until the keypad accepts a PIN again."""
        record = self.pin_file.read()
        return 0.0 if record is None else locked_for(record.state, self.clock())

    def attempt(self, pin: str) -> PinAttempt:
        """Check a PIN (about half a second) and remember the outcome across restarts.

        Raises:
            ConfigError: no PIN is set (`NO_PIN_MESSAGE`), or the PIN file cannot be written.
        """
        record = self.pin_file.read()
        if record is None:
            raise ConfigError(NO_PIN_MESSAGE)
        outcome = attempt(pin, record.pin_hash, record.state, self.policy, self.clock())
        if outcome.state != record.state:
            self.pin_file.write_state(outcome.state)
        return outcome

    def set_pin(self, pin: str) -> None:
        """Store a new PIN's hash (the caller audits who did it).

        Raises:
            InputError: the PIN breaks the policy; nothing changed.
        """
        problem = pin_problem(pin)
        if problem is not None:
            raise InputError(f"{problem}; nothing changed")
        self.pin_file.write_hash(hash_pin(pin))
