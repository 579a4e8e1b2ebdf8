"""Catalog import rows: parse CSV or JSON text and validate every row (pure, no I/O).

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

Every error names its line: the CSV line (header is line 1) or the line a JSON object starts on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core.untrusted import safe_relative_path, undo_defuse

COLUMNS = (
    "sku",
    "name",
    "category",
    "price",
    "description",
    "category_display",
    "tags",
    "image",
    "active",
)
REQUIRED = ("sku", "name", "category", "price")
_SKU = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_PRICE = re.compile(r"^(\d{1,7})(?:\.(\d{1,2}))?$")
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n"}
_Fail = Callable[[str, str], None]
_EXTRA = "(extra values)"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record as read from the file, before validation."""

    line: int
    values: Mapping[str, Any]


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


def parse_csv(text: str) -> tuple[RawRow, ...]:
    """Records of a CSV file with a header line; blank lines are skipped.

    Raises:
        ValueError: the header lacks a required column or names an unknown one, or the text is
            not CSV (naming the line).
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader, [])]
        _check_columns(header, 1)
        rows: list[RawRow] = []
        start = reader.line_num + 1
        for record in reader:
            if any(v.strip() for v in record):
                values: dict[str, Any] = dict(zip(header, record, strict=False))
                if len(record) > len(header):
                    values[_EXTRA] = f"{len(record)} values, but the header has {len(header)}"
                rows.append(RawRow(start, values))
            start = reader.line_num + 1
    except csv.Error as exc:  # a stray carriage return, an unclosed quote swallowing the file
        raise ValueError(f"line {reader.line_num}: not valid CSV: {exc}") from exc
    return tuple(rows)


def parse_json(text: str) -> tuple[RawRow, ...]:
    """Records of a JSON array of objects (or ``{"products": [...]}``), with their lines.

    Raises:
        ValueError: not JSON, not a list of objects, or an object with an unknown key.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise ValueError("not a catalog: JSON nested too deeply") from exc
    if isinstance(data, dict) and "products" in data:
        data = data["products"]
    if not isinstance(data, list):
        raise ValueError(f"expected a JSON list of products, got {type(data).__name__}")
    lines = _object_lines(text)
    rows: list[RawRow] = []
    for index, item in enumerate(data):
        line = lines[index] if index < len(lines) else index + 1
        if not isinstance(item, dict):
            raise ValueError(f"line {line}: expected an object, got {type(item).__name__}")
        _check_columns(list(item), line, require=False)
        rows.append(RawRow(line, item))
    return tuple(rows)


def _object_lines(text: str) -> list[int]:
    """Line on which each top-level-array object starts (depth-2 `{` in the products list)."""
    lines: list[int] = []
    depth, line, in_string, escaped = 0, 1, False, False
    target = 2 if text.lstrip().startswith("{") else 1
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            escaped = char == "\\" and not escaped
            in_string = escaped or char != '"'
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            if char == "{" and depth == target:
                lines.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
    return lines


def _check_columns(names: list[str], line: int, require: bool = True) -> None:
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ValueError(f"line {line}: unknown column(s) {unknown}; expected {list(COLUMNS)}")
    missing = [n for n in REQUIRED if n not in names]
    if require and missing:
        raise ValueError(f"line {line}: missing column(s) {missing}; required {list(REQUIRED)}")


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
    if _EXTRA in values:
        fail("row", str(values[_EXTRA]))
    text = _texts(values, fail)
    price = 0
    try:
        price = parse_price(values.get("price"))
    except ValueError as exc:
        fail("price", str(exc))
    tags = _tags(values.get("tags"), fail)
    active = _active(values.get("active"), fail)
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
        ),
        (),
    )


def _texts(values: Mapping[str, Any], fail: _Fail) -> dict[str, str]:
    """The text columns, stripped, with required, sku, name and category checks."""
    text = {c: _text(values.get(c)) for c in COLUMNS if c not in {"price", "tags", "active"}}
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
