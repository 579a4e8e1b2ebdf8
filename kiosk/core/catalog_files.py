"""Catalog files: CSV or JSON text as raw records with their line numbers (pure, no I/O).

The columns are documented in `kiosk.core.catalog_rows`, which validates the records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    "was_price",
    "location",
    "added",
)
REQUIRED = ("sku", "name", "category", "price")
EXTRA = "(extra values)"  # key of a CSV record that had more values than the header


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record as read from the file, before validation."""

    line: int
    values: Mapping[str, Any]


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
                    values[EXTRA] = f"{len(record)} values, but the header has {len(header)}"
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
        raise ValueError(
            f"line {line}: unknown column(s) {_listed(unknown)}; the columns are "
            f"{', '.join(COLUMNS)}"
        )
    missing = [n for n in REQUIRED if n not in names]
    if require and missing:
        raise ValueError(
            f"line {line}: missing column(s) {_listed(missing)}; every file needs "
            f"{', '.join(REQUIRED)}"
        )


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) if not n or n != n.strip() else n for n in names)
