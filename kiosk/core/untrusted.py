"""Rules for text that comes from files and people: nothing in it may act as a command.

A cell may not run as a spreadsheet formula, a path may not leave its folder, and what is
printed to a terminal or a log cannot move the cursor or reverse the text direction.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: object) -> object:
    """A CSV cell a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+cmd`, `@SUM`),
    written with a leading apostrophe so it is shown as text; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def undo_defuse(text: str) -> str:
    """The text `defuse_formula` protected, without its apostrophe (imports round-trip)."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def safe_relative_path(text: str) -> bool:
    """Whether `text` names a file inside the folder it is relative to: not absolute, no
    drive or UNC prefix, no `..` step (a catalog or annotation file must not reach outside)."""
    if not text:
        return True
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        return False
    return ".." not in text.replace("\\", "/").split("/")


def printable(text: str) -> str:
    """`text` with control and bidirectional-override characters shown as `\\xNN` escapes
    (for terminals and logs of anything that came from a file or a person)."""
    return "".join(
        c.encode("unicode_escape").decode("ascii")
        if unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS
        else c
        for c in text
    )
