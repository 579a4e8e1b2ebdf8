from __future__ import annotations

import pytest

from kiosk.core.catalog_rows import (
    RawRow,
    parse_csv,
    parse_json,
    parse_price,
    validate_row,
    validate_rows,
)

GOOD = {"sku": "A-1", "name": "Crisps", "category": "snacks", "price": "1.80"}


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12.50", 1250), ("12.5", 1250), ("3", 300), ("0.95", 95), ("0", 0), (12.5, 1250), (7, 700)],
)
def test_price_to_cents(text: object, cents: int) -> None:
    assert parse_price(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-1.00", "negative"),
        ("1.999", "more than two decimals"),
        ("abc", "expected a price"),
        ("", "expected a price"),
        ("1,50", "expected a price"),
        (None, "expected a price"),
        (True, "expected a price"),
    ],
)
def test_bad_prices_are_rejected(text: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_price(text)


def test_good_row_is_normalised() -> None:
    row, errors = validate_row(
        RawRow(2, {**GOOD, "tags": "Salty; crunchy;salty", "active": "no", "image": "i.png"})
    )
    assert errors == ()
    assert row is not None
    assert (row.price_cents, row.tags, row.active, row.category_display) == (
        180,
        ("salty", "crunchy"),
        False,
        "Snacks",
    )


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"sku": ""}, "sku"),
        ({"sku": "has space"}, "sku"),
        ({"name": ""}, "name"),
        ({"category": "Snacks!"}, "category"),
        ({"price": "-2"}, "price"),
        ({"tags": 5}, "tags"),
        ({"tags": ["ok", 3]}, "tags"),
        ({"active": "maybe"}, "active"),
    ],
)
def test_each_bad_field_is_reported_with_its_line(change: dict[str, object], column: str) -> None:
    row, errors = validate_row(RawRow(7, {**GOOD, **change}))
    assert row is None
    assert [(e.line, e.column) for e in errors] == [(7, column)]
    assert str(errors[0]).startswith("line 7: ")


def test_duplicate_sku_names_both_lines() -> None:
    result = validate_rows((RawRow(2, GOOD), RawRow(3, {**GOOD, "name": "Other"})))
    assert len(result.rows) == 1
    assert [str(e) for e in result.errors] == ["line 3: sku: duplicate sku A-1 (first on line 2)"]


def test_csv_lines_count_the_header_and_skip_blank_lines() -> None:
    text = "sku,name,category,price\nA,Crisps,snacks,1\n\nB,Nuts,snacks,x\n"
    result = validate_rows(parse_csv(text))
    assert [r.sku for r in result.rows] == ["A"]
    assert [e.line for e in result.errors] == [4]


def test_csv_header_must_have_required_and_known_columns() -> None:
    with pytest.raises(ValueError, match="missing column"):
        parse_csv("sku,name\nA,B\n")
    with pytest.raises(ValueError, match="unknown column"):
        parse_csv("sku,name,category,price,colour\nA,B,c,1,red\n")


def test_json_rows_carry_the_line_their_object_starts_on() -> None:
    text = (
        '[\n  {"sku": "A", "name": "x{", "category": "c", "price": "1"},\n\n'
        '  {"sku": "B",\n   "name": "y", "category": "c", "price": "-1"}\n]'
    )
    raw = parse_json(text)
    assert [r.line for r in raw] == [2, 4]
    assert [e.line for e in validate_rows(raw).errors] == [4]
    wrapped = parse_json('{"products": [\n{"sku": "A", "name": "x", "category": "c", "price": 1}]}')
    assert [r.line for r in wrapped] == [2]


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not valid JSON"), ('{"a": 1}', "expected a JSON list"), ("[1]", "expected an object")],
)
def test_malformed_json_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_json(text)


def test_csv_row_with_too_many_values_is_an_error() -> None:
    result = validate_rows(parse_csv("sku,name,category,price\nA,Crisps,snacks,1,2\n"))
    assert [str(e) for e in result.errors] == ["line 2: row: 5 values, but the header has 4"]
