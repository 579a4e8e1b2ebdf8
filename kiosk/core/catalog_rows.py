"""Catalog import rows: validate every row of a parsed CSV or JSON file (pure, no I/O).

Columns (CSV header or JSON object keys):

- ``sku`` (required): letters, digits, ``-`` and ``_``, at most 40 characters; unique in a file.
- ``name`` (required): what the shopper reads, at most 80 characters.
- ``category`` (required): a slug, lowercase letters, digits, ``-`` and ``_``.
- ``price`` (required): a decimal amount with at most two decimals, e.g. ``"12.50"``; stored as
  integer cents (1250). Negative amounts, three decimals and non-numbers are rejected.
- ``description`` (optional), ``category_display`` (optional, default: the slug capitalised).
- ``tags`` (optional): CSV ``"salty;crunchy"``; JSON a list of strings (or the same string).
- ``image`` (optional): a path relative to the catalog file (checked by the store, not here).
- ``active`` (optional, default true): ``1/0``, ``true/false``, ``yes/no``.
- ``was_price`` (optional): the price before an offer, higher than ``price``; the product then
  shows as "On offer".
- ``location`` (optional): where the product is in the store ("Aisle 3"), at most 60 characters.
- ``added`` (optional): the day the product arrived, ``YYYY-MM-DD``; for 7 days after it the
  product can show as "New this week".

Every error names its line: the CSV line (header is line 1) or the line a JSON object starts on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.core.catalog_files import COLUMNS, EXTRA, REQUIRED, RawRow, parse_csv, parse_json
from kiosk.core.untrusted import safe_relative_path, undo_defuse

__all__ = [  # the file parsers are re-exported: callers import one module
    "COLUMNS",
    "REQUIRED",
    "ProductRow",
    "RawRow",
    "RowError",
    "Validation",
    "parse_csv",
    "parse_json",
    "parse_price",
    "validate_row",
    "validate_rows",
]

_SKU = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_PRICE = re.compile(r"^(\d{1,7})(?:\.(\d{1,2}))?$")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n"}
_Fail = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one row: `line` in the file, the column, and what was wrong."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A validated product. `image` is still relative to the catalog file ("" for none)."""

    line: int
    sku: str
    name: str
    category: str
    category_display: str
    price_cents: int
    description: str
    tags: tuple[str, ...]
    image: str
    active: bool
    was_price_cents: int = 0
    location: str = ""
    added: str = ""


@dataclass(frozen=True, slots=True)
class Validation:
    """Rows that passed and every error found (an import writes only when `errors` is empty)."""

    rows: tuple[ProductRow, ...]
    errors: tuple[RowError, ...]


def parse_price(text: object) -> int:
    """A price as integer cents: "12.50" -> 1250, "3" -> 300, 12.5 -> 1250.

    Raises:
        ValueError: negative, more than two decimals, or not a number (message says which).
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ValueError(f"expected a price like 12.50, got {text!r}")
    value = repr(text) if isinstance(text, float) else str(text).strip()
    if value.startswith("-"):
        raise ValueError(f"price must not be negative, got {value}")
    match = _PRICE.match(value)
    if match is None:
        if re.match(r"^\d+\.\d{3,}$", value):
            raise ValueError(f"price has more than two decimals: {value}")
        raise ValueError(f"expected a price like 12.50, got {value!r}")
    whole, cents = match.group(1), (match.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(cents)


def validate_rows(raw: tuple[RawRow, ...]) -> Validation:
    """Validate every row and find duplicate SKUs; collect all errors, not just the first."""
    rows: list[ProductRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for record in raw:
        row, row_errors = validate_row(record)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.sku in first_line:
            errors.append(
                RowError(
                    row.line,
                    "sku",
                    f"duplicate sku {row.sku} (first on line {first_line[row.sku]})",
                )
            )
            continue
        first_line[row.sku] = row.line
        rows.append(row)
    return Validation(tuple(rows), tuple(errors))


def validate_row(record: RawRow) -> tuple[ProductRow | None, tuple[RowError, ...]]:
    """One row: the product, or None and the reasons (one error per bad column)."""
    errors: list[RowError] = []

    def fail(column: str, message: str) -> None:
        errors.append(RowError(record.line, column, message))

    values = record.values
    if EXTRA in values:
        fail("row", str(values[EXTRA]))
    text = _texts(values, fail)
    price = 0
    try:
        price = parse_price(values.get("price"))
    except ValueError as exc:
        fail("price", str(exc))
    tags = _tags(values.get("tags"), fail)
    active = _active(values.get("active"), fail)
    was_price = _was_price(values.get("was_price"), price, fail)
    added = _added(text["added"], fail)
    if len(text["location"]) > 60:
        fail("location", f"at most 60 characters, got {len(text['location'])}")
    if errors:
        return None, tuple(errors)
    display = text["category_display"] or text["category"].replace("_", " ").capitalize()
    return (
        ProductRow(
            line=record.line,
            sku=text["sku"],
            name=text["name"],
            category=text["category"],
            category_display=display,
            price_cents=price,
            description=text["description"],
            tags=tags,
            image=text["image"],
            active=active,
            was_price_cents=was_price,
            location=text["location"],
            added=added,
        ),
        (),
    )


def _texts(values: Mapping[str, Any], fail: _Fail) -> dict[str, str]:
    """The text columns, stripped, with required, sku, name and category checks."""
    numbers = {"price", "was_price", "tags", "active"}
    text = {c: _text(values.get(c)) for c in COLUMNS if c not in numbers}
    for column in ("sku", "name", "category"):
        if not text[column]:
            fail(column, "is required")
    if text["sku"] and not _SKU.match(text["sku"]):
        fail("sku", f"expected letters, digits, - or _ (max 40), got {text['sku']!r}")
    if len(text["name"]) > 80:
        fail("name", f"at most 80 characters, got {len(text['name'])}")
    if text["category"] and not _SLUG.match(text["category"]):
        fail("category", f"expected a lowercase slug like 'snacks', got {text['category']!r}")
    if not safe_relative_path(text["image"]):
        fail("image", f"must be a file inside the catalog's folder, got {text['image']!r}")
    return text


def _text(value: object) -> str:
    return "" if value is None else undo_defuse(str(value).strip())


def _tags(value: object, fail: _Fail) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list[object] = list(undo_defuse(value.strip()).split(";"))
    elif isinstance(value, list):
        items = value
    else:
        fail("tags", f"expected a list of strings or 'a;b', got {type(value).__name__}")
        return ()
    if not all(isinstance(t, str) for t in items):
        fail("tags", "every tag must be a string")
        return ()
    return tuple(dict.fromkeys(str(t).strip().lower() for t in items if str(t).strip()))


def _was_price(value: object, price_cents: int, fail: _Fail) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        cents = parse_price(value)
    except ValueError as exc:
        fail("was_price", str(exc))
        return 0
    if cents <= price_cents:
        fail("was_price", "must be higher than price (the price before the offer), or empty")
    return cents


def _added(text: str, fail: _Fail) -> str:
    if not text:
        return ""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError:
        fail("added", f"expected a date like 2025-03-31, got {text!r}")
        return ""


def _active(value: object, fail: _Fail) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        fail("active", f"expected true/false, 1/0 or yes/no, got {value!r}")
    return False
