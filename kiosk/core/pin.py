"""Staff PIN: salted scrypt hashes and a lock-out that grows with each run of failures.

The PIN itself is never stored; kiosk.toml holds `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`.
After `max_failures` wrong PINs in a row, entry is refused for `base_lock_s`, doubling with
each further failure (30 s, 60 s, 120 s, ... up to `max_lock_s`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

_N, _R, _P = 2**14, 8, 1
MIN_PIN_DIGITS = 4


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A storable salted scrypt hash of `pin` (digits only, at least 4)."""
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        raise ValueError(f"a staff PIN is at least {MIN_PIN_DIGITS} digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


@dataclass(frozen=True, slots=True)
class PinAttempt:
    """Outcome of one PIN entry.

    Attributes:
        accepted: the PIN was right and entry was allowed.
        locked_for_s: seconds until the next attempt is allowed (0 when not locked).
        failures: wrong PINs in a row so far.
    """

    accepted: bool
    locked_for_s: float
    failures: int


@dataclass(slots=True)
class PinGuard:
    """Checks PIN entries against a stored hash and enforces the lock-out. Time is injected."""

    stored_hash: str
    max_failures: int = 5
    base_lock_s: float = 30.0
    max_lock_s: float = 3600.0
    _failures: int = 0
    _locked_until: float = 0.0

    def locked_for(self, now_s: float) -> float:
        """Seconds of lock-out left at `now_s`."""
        return max(0.0, self._locked_until - now_s)

    def attempt(self, pin: str, now_s: float) -> PinAttempt:
        """Try a PIN at time `now_s` (seconds, monotonic)."""
        wait = self.locked_for(now_s)
        if wait > 0:
            return PinAttempt(False, wait, self._failures)
        if verify_pin(pin, self.stored_hash):
            self._failures = 0
            return PinAttempt(True, 0.0, 0)
        self._failures += 1
        if self._failures >= self.max_failures:
            extra = self._failures - self.max_failures
            lock = min(self.max_lock_s, self.base_lock_s * (2**extra))
            self._locked_until = now_s + lock
            return PinAttempt(False, lock, self._failures)
        return PinAttempt(False, 0.0, self._failures)
