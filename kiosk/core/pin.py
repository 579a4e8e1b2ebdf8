"""Staff PIN: policy, salted scrypt hashes, and a lock-out that grows with each run of failures.

The PIN itself is never stored: only `scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>`. One check
costs about half a second and 128 MiB on a PC (n = 2^17, r = 8), so guessing a stolen hash
offline costs days per million PINs rather than a minute. After `max_failures` wrong PINs in
a row, entry is refused for `base_lock_s`, doubling with each further failure (30 s, 60 s,
120 s, ... up to `max_lock_s`). The lock-out state is plain data (`PinState`), kept by the
caller across restarts; time is wall-clock seconds so it survives a reboot.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import secrets
from dataclasses import dataclass, replace

N, R, P = 2**17, 8, 1
_MAX_N = 2**20  # a hash file asking for more is refused rather than eating the machine's memory
MIN_PIN_DIGITS = 6
MAX_PIN_DIGITS = 12


def pin_problem(pin: str) -> str | None:
    """Why `pin` is not acceptable as a staff PIN, or None when it is."""
    if not pin.isascii() or not pin.isdigit():
        return "a staff PIN is made of digits only"
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        return f"a staff PIN has {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits"
    if len(set(pin)) == 1:
        return "a staff PIN must not repeat one digit"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {-1}):
        return "a staff PIN must not be a run of digits like 123456"
    return None


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    memory = 128 * r * n * p + 2**20
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=memory)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """A storable salted scrypt hash of `pin`.

    Raises:
        ValueError: the PIN breaks the policy (`pin_problem` says how).
    """
    problem = pin_problem(pin)
    if problem is not None:
        raise ValueError(problem)
    salt = salt or secrets.token_bytes(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_scrypt(pin, salt, N, R, P).hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when `pin` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
        if scheme != "scrypt" or not 2 <= int(n) <= _MAX_N or not 1 <= int(r) * int(p) <= 64:
            return False
        digest = _scrypt(pin, bytes.fromhex(salt_hex), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), hash_hex)


@dataclass(frozen=True, slots=True)
class PinState:
    """What the lock-out remembers (persisted by the caller).

    Attributes:
        failures: wrong PINs in a row.
        locked_until_s: wall-clock time (Unix seconds) before which entry is refused.
    """

    failures: int = 0
    locked_until_s: float = 0.0


@dataclass(frozen=True, slots=True)
class PinAttempt:
    """Outcome of one PIN entry.

    Attributes:
        accepted: the PIN was right and entry was allowed.
        locked_for_s: seconds until the next attempt is allowed (0 when not locked).
        failures: wrong PINs in a row so far.
        state: the lock-out state to keep after this attempt.
    """

    accepted: bool
    locked_for_s: float
    failures: int
    state: PinState


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """How failures lock the keypad."""

    max_failures: int = 5
    base_lock_s: float = 30.0
    max_lock_s: float = 3600.0


def locked_for(state: PinState, now_s: float) -> float:
    """Seconds of lock-out left at wall-clock time `now_s`."""
    return max(0.0, state.locked_until_s - now_s)


def attempt(
    pin: str, stored_hash: str, state: PinState, policy: LockoutPolicy, now_s: float
) -> PinAttempt:
    """Try a PIN at wall-clock time `now_s` (Unix seconds); the hash is not even computed
    while locked out."""
    wait = locked_for(state, now_s)
    if wait > 0:
        return PinAttempt(False, wait, state.failures, state)
    if verify_pin(pin, stored_hash):
        return PinAttempt(True, 0.0, 0, PinState())
    failures = state.failures + 1
    if failures >= policy.max_failures:
        extra = failures - policy.max_failures
        lock = min(policy.max_lock_s, policy.base_lock_s * (2**extra))
        return PinAttempt(False, lock, failures, PinState(failures, now_s + lock))
    return PinAttempt(False, 0.0, failures, replace(state, failures=failures))
