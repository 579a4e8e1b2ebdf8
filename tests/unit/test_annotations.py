from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.annotations import parse, parse_createml, parse_turicreate, parse_voc

SRC = Path("/data/ann.json")
IMG = Path("/data/images")

CREATEML_GOOD = """[
  {"image": "a.jpg", "annotations": [
    {"label": "Ann", "coordinates": {"x": 50, "y": 60, "width": 20, "height": 40}}]},
  {"image": "b.jpg", "annotations": [
    {"label": "Bob", "coordinates": {"x": 10.5, "y": 10, "width": 5, "height": 4}},
    {"label": "Ann", "coordinates": {"x": 100, "y": 100, "width": 10, "height": 10}}]}
]"""


def test_createml_centre_coordinates_become_xyxy() -> None:
    parsed = parse_createml(CREATEML_GOOD, SRC, IMG)
    assert not parsed.problems
    assert [(f.image.name, f.label, f.xyxy) for f in parsed.faces] == [
        ("a.jpg", "Ann", (40.0, 40.0, 60.0, 80.0)),
        ("b.jpg", "Bob", (8.0, 8.0, 13.0, 12.0)),
        ("b.jpg", "Ann", (95.0, 95.0, 105.0, 105.0)),
    ]
    assert parsed.faces[0].image == IMG / "a.jpg"
    assert str(parsed.faces[1].where) == f"{SRC}:4 (annotation 1)"


def test_createml_bad_entries_are_reported_with_line_and_skipped() -> None:
    text = """[
  {"image": "a.jpg", "annotations": [
    {"label": "Ann", "coordinates": {"x": "left", "y": 60, "width": 20, "height": 40}}]},
  {"image": "b.jpg", "annotations": [
    {"label": "Bob", "coordinates": {"x": 10, "y": 10, "width": 5, "height": 4}}]},
  {"image": "c.jpg", "annotations": [{"label": "Cy", "coordinates": {"x": 1,, }}]}
]"""
    parsed = parse_createml(text, SRC, IMG)
    assert [f.label for f in parsed.faces] == ["Bob"]
    assert [(p.where.line, p.message.split(":")[0]) for p in parsed.problems] == [
        (2, "x must be a number, got 'left'"),
        (6, "invalid JSON"),
    ]
    assert str(parsed.problems[0]).startswith(f"{SRC}:2")


def test_createml_not_a_list() -> None:
    parsed = parse_createml('{"image": "a.jpg"}', SRC, IMG)
    assert not parsed.faces and "expected a JSON list" in parsed.problems[0].message


def test_turicreate_csv_any_column_order_and_names() -> None:
    text = "label,path,xMin,yMin,xMax,yMax\nAnn,a.jpg,1,2,30,40\n\nBob,b.jpg,5,5,9.5,9\n"
    parsed = parse_turicreate(text, Path("t.csv"), IMG)
    assert not parsed.problems
    assert [(f.label, f.image.name, f.xyxy, f.where.line) for f in parsed.faces] == [
        ("Ann", "a.jpg", (1.0, 2.0, 30.0, 40.0), 2),
        ("Bob", "b.jpg", (5.0, 5.0, 9.5, 9.0), 4),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("path,label,xmin,ymin,xmax\na.jpg,A,1,2,3\n", 1, "header has no ymax column"),
        ("path,label,xmin,ymin,xmax,ymax\na.jpg,A,1,two,3,4\n", 2, "ymin must be a number"),
        ("path,label,xmin,ymin,xmax,ymax\na.jpg,A,1,2\n", 2, "expected at least 6 fields"),
        ("path,label,xmin,ymin,xmax,ymax\na.jpg,A,5,2,3,4\n", 2, "positive width"),
        ("path,label,xmin,ymin,xmax,ymax\na.jpg,,1,2,3,4\n", 2, "label must be"),
        ("", 1, "empty"),
    ],
)
def test_turicreate_broken_rows(text: str, line: int, message: str) -> None:
    parsed = parse_turicreate(text, Path("t.csv"), IMG)
    assert not parsed.faces
    assert parsed.problems[0].where.line == line
    assert message in parsed.problems[0].message


VOC = """<annotation>
  <folder>imgs</folder><filename>a.jpg</filename>
  <object><name>Ann</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>50</xmax><ymax>80</ymax>
  </bndbox></object>
  <object><name>Bob</name><bndbox><xmin>x</xmin><ymin>20</ymin><xmax>50</xmax><ymax>80</ymax>
  </bndbox></object>
  <object><name>Cy</name></object>
</annotation>"""


def test_voc_objects_and_problems_name_the_file_and_object() -> None:
    parsed = parse_voc(VOC, Path("a.xml"), IMG)
    assert [(f.label, f.image, f.xyxy) for f in parsed.faces] == [
        ("Ann", IMG / "a.jpg", (10.0, 20.0, 50.0, 80.0))
    ]
    assert [str(p) for p in parsed.problems] == [
        "a.xml (object 2): xmin must be a number, got 'x'",
        "a.xml (object 3): no <bndbox>",
    ]


def test_voc_bad_xml_and_missing_filename() -> None:
    bad = parse_voc("<annotation><filename>a.jpg</filename>\n<object>", Path("b.xml"), IMG)
    assert bad.problems[0].where.line == 2 and "bad XML" in bad.problems[0].message
    nofile = parse_voc("<annotation><object/></annotation>", Path("c.xml"), IMG)
    assert "<filename>" in nofile.problems[0].message


def test_parse_dispatches_and_refuses_unknown_formats() -> None:
    assert parse("createml", CREATEML_GOOD, SRC, IMG).faces
    with pytest.raises(ValueError, match="one of"):
        parse("yolo", "", SRC, IMG)
