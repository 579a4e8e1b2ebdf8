"""Bundle passphrases: refuse the ones an offline guesser tries first.

A bundle's gallery is only as safe as its passphrase: anyone holding the file can guess offline,
and scrypt only makes each guess cost ~0.1 s. This check blocks the obviously weak choices
(too short, one repeated character or block, a keyboard or alphabet run, a handful of distinct
characters, a famous password) and estimates the rest crudely: characters after collapsing runs
times log2 of the character classes used. It is not a dictionary check: "correct horse battery"
passes and so would a short quotation; staff are told to use four or more unrelated words.
"""

from __future__ import annotations

import math
import unicodedata

MIN_PASSPHRASE = 10
MIN_DISTINCT = 6
MIN_BITS = 50.0
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_LEET = str.maketrans("0134578@$", "oieastbas")
_FAMOUS = frozenset(
    {
        "password",
        "passwort",
        "passphrase",
        "letmein",
        "iloveyou",
        "welcome",
        "admin",
        "qwerty",
        "secret",
        "iface",
        "kiosk",
    }
)


def _pool(text: str) -> int:
    pool = 0
    pool += 26 if any(c.islower() and c.isascii() for c in text) else 0
    pool += 26 if any(c.isupper() and c.isascii() for c in text) else 0
    pool += 10 if any(c.isdigit() and c.isascii() for c in text) else 0
    pool += 33 if any(not c.isalnum() and c.isascii() for c in text) else 0
    pool += 100 if any(not c.isascii() for c in text) else 0
    return max(pool, 1)


def _repeats_a_block(text: str) -> bool:
    size = len(text)
    return any(size % n == 0 and text == text[:n] * (size // n) for n in range(1, size // 2 + 1))


def _is_a_run(text: str) -> bool:
    lowered = text.lower()
    return any(lowered in run or lowered in run[::-1] for run in _RUNS)


def _collapsed(text: str) -> str:
    return "".join(c for i, c in enumerate(text) if i == 0 or c != text[i - 1])


def estimated_bits(passphrase: str) -> float:
    """A crude entropy estimate: collapsed length times log2 of the character classes used."""
    text = unicodedata.normalize("NFC", passphrase)
    return len(_collapsed(text)) * math.log2(_pool(text))


def passphrase_problem(passphrase: str) -> str | None:
    """Why `passphrase` is too weak for a bundle, or None when it is acceptable."""
    text = unicodedata.normalize("NFC", passphrase)
    core = text.strip()
    letters = "".join(c for c in core.lower().translate(_LEET) if c.isalpha())
    bits = estimated_bits(core)
    checks = (
        (
            len(text) < MIN_PASSPHRASE,
            f"the bundle passphrase needs at least {MIN_PASSPHRASE} characters, got {len(text)}",
        ),
        (
            not core or any(unicodedata.category(c) in {"Cc", "Cf"} for c in text),
            "the bundle passphrase must be visible characters, not only spaces or control codes",
        ),
        (
            _repeats_a_block(core) or _is_a_run(core),
            "the bundle passphrase repeats one character or block, or is a keyboard run",
        ),
        (
            len(set(core.lower())) < MIN_DISTINCT,
            f"the bundle passphrase needs at least {MIN_DISTINCT} different characters",
        ),
        (
            any(w in letters and len(letters) - len(w) <= 3 for w in _FAMOUS),
            "the bundle passphrase is a well-known password",
        ),
        (
            bits < MIN_BITS,
            f"the bundle passphrase is too guessable (about {bits:.0f} bits, need "
            f"{MIN_BITS:.0f}): use four or more unrelated words",
        ),
    )
    return next((message for failed, message in checks if failed), None)
