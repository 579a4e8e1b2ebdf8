"""Display names and other short texts people type: what is accepted, and how folders become
names.

A name is shown on the shopper screen, in staff tables and in a terminal, so it must be
printable: no control characters (terminal escapes, newlines) and no bidirectional overrides
(which make "evil.exe" read as "exe.live"), at most `MAX_NAME_CHARS` characters.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.core.untrusted import BIDI_CONTROLS

MAX_NAME_CHARS = 80
_SPACES = re.compile(r"\s+")


def clean_name(raw: str) -> str:
    """`raw` trimmed, with runs of white space made one space.

    Raises:
        ValueError: empty, too long, or holding control or bidirectional-override characters.
    """
    name = _SPACES.sub(" ", raw).strip()
    if not name:
        raise ValueError("a name must not be empty")
    if len(name) > MAX_NAME_CHARS:
        raise ValueError(f"a name has at most {MAX_NAME_CHARS} characters, got {len(name)}")
    bad = [c for c in name if unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS]
    if bad:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        raise ValueError(f"a name must not contain control characters ({codes})")
    return name


def name_from_folder(folder: str) -> str:
    """A display name from a folder name: underscores are spaces ("Jane_Doe" is "Jane Doe"),
    and an all-lower-case name is capitalised ("jane_doe", "mary-jo" become "Jane Doe",
    "Mary-Jo"); a name already written with capitals ("McAdams", "van_der_Berg") keeps them."""
    words = folder.replace("_", " ").split()
    if any(c.isupper() for c in folder):
        return " ".join(words)
    return " ".join("-".join(part.capitalize() for part in w.split("-")) for w in words)
