"""Property-based tests (hypothesis) of the parsers and the image decoding entry point.

Parsers take any text and return records or problems, never raise anything else; what a
well-formed file says comes back unchanged. `read_image` on random or mutated bytes of real
fixture images gives a BGR uint8 image or an InputError, never a crash.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.camera.sources import read_image
from kiosk.config.loading import load_config
from kiosk.core.annotations import FORMATS, parse
from kiosk.core.catalog_rows import parse_csv, parse_json, parse_price, validate_rows
from kiosk.errors import ConfigError, InputError

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "fixtures" / "faces").rglob("*.*g"))
SRC, IMAGES = Path("ann.txt"), Path("/images")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

labels = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1)
labels = labels.filter(lambda s: s.strip() == s and s != "")
coords = st.integers(0, 5000)


@FAST
@given(fmt=st.sampled_from(FORMATS), text=st.text(max_size=400))
def test_annotation_parsers_never_raise_on_any_text(fmt: str, text: str) -> None:
    parsed = parse(fmt, text, SRC, IMAGES)
    for face in parsed.faces:
        assert face.xyxy[2] > face.xyxy[0] and face.xyxy[3] > face.xyxy[1]
        assert face.label.strip() == face.label != ""


boxes = st.tuples(coords, coords, st.integers(1, 500), st.integers(1, 500))
entries = st.lists(st.tuples(labels, boxes), min_size=1, max_size=8)


@FAST
@given(rows=entries)
def test_turicreate_round_trip(rows: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["path", "label", "xMin", "yMin", "xMax", "yMax"])
    for label, (x, y, w, h) in rows:
        writer.writerow(["a.jpg", label, x, y, x + w, y + h])
    parsed = parse("turicreate", out.getvalue(), SRC, IMAGES)
    assert not parsed.problems
    got = [(f.label, f.xyxy) for f in parsed.faces]
    assert got == [(lbl, (x, y, x + w, y + h)) for lbl, (x, y, w, h) in rows]


@FAST
@given(rows=entries)
def test_createml_round_trip(rows: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    notes = [
        {"label": label, "coordinates": {"x": x + w / 2, "y": y + h / 2, "width": w, "height": h}}
        for label, (x, y, w, h) in rows
    ]
    text = json.dumps([{"image": "a.jpg", "annotations": notes}], indent=1)
    parsed = parse("createml", text, SRC, IMAGES)
    assert not parsed.problems
    assert [f.label for f in parsed.faces] == [label for label, _ in rows]
    for face, (_, (x, y, w, h)) in zip(parsed.faces, rows, strict=True):
        assert face.xyxy == pytest.approx((x, y, x + w, y + h))


xml_labels = labels.filter(lambda s: all(c.isprintable() for c in s))


@FAST
@given(rows=st.lists(st.tuples(xml_labels, boxes), min_size=1, max_size=6))
def test_voc_round_trip(rows: list[tuple[str, tuple[int, int, int, int]]]) -> None:
    from xml.sax.saxutils import escape

    objects = "".join(
        f"<object><name>{escape(label)}</name><bndbox><xmin>{x}</xmin><ymin>{y}</ymin>"
        f"<xmax>{x + w}</xmax><ymax>{y + h}</ymax></bndbox></object>"
        for label, (x, y, w, h) in rows
    )
    text = f"<annotation><filename>a.jpg</filename>{objects}</annotation>"
    parsed = parse("voc", text, SRC, IMAGES)
    assert not parsed.problems
    assert [(f.label, f.xyxy) for f in parsed.faces] == [
        (label, (x, y, x + w, y + h)) for label, (x, y, w, h) in rows
    ]


@FAST
@given(text=st.text(max_size=400))
def test_catalog_parsers_raise_only_value_error(text: str) -> None:
    for parser in (parse_csv, parse_json):
        with contextlib.suppress(ValueError):
            validate_rows(parser(text))


@FAST
@given(cents=st.integers(0, 999_999_999))
def test_price_round_trip(cents: int) -> None:
    assert parse_price(f"{cents // 100}.{cents % 100:02d}") == cents


@FAST
@given(value=st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parse_price_raises_only_value_error(value: object) -> None:
    with contextlib.suppress(ValueError):
        assert parse_price(value) >= 0


toml_values = st.one_of(
    st.integers(-(2**40), 2**40), st.booleans(), st.text(max_size=10), st.floats(allow_nan=False)
)
sections = st.sampled_from(["vision", "pipeline", "camera", "privacy", "staff", "bogus"])
names = st.sampled_from(["threads", "source", "min_votes", "retention_days", "pin_hash", "x"])


@FAST
@given(section=sections, name=names, value=toml_values)
def test_config_loading_gives_a_config_or_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, section: str, name: str, value: object
) -> None:
    import tomli_w

    path = tmp_path_factory.mktemp("cfg") / "kiosk.toml"
    path.write_text(tomli_w.dumps({section: {name: value}}), encoding="utf-8")
    try:
        load_config(path, {})
    except ConfigError as exc:
        assert str(exc)


@FAST
@given(text=st.text(max_size=200))
def test_config_loading_of_any_text_gives_a_config_or_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("cfg") / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(ConfigError):
        load_config(path, {})


def _check_decode(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("img") / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        image = read_image(path)
    except InputError:
        return
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(FIXTURES),
    edits=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1, max_size=8)), max_size=6
    ),
    cut=st.floats(0.05, 1.0),
)
def test_read_image_on_mutated_fixtures_never_crashes(
    tmp_path_factory: pytest.TempPathFactory,
    source: Path,
    edits: list[tuple[float, bytes]],
    cut: float,
) -> None:
    data = bytearray(source.read_bytes())
    for where, patch in edits:
        at = int(where * len(data))
        data[at : at + len(patch)] = patch
    _check_decode(tmp_path_factory, bytes(data[: max(1, int(cut * len(data)))]), source.suffix)


@settings(max_examples=60, deadline=None)
@given(
    head=st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM", b"RIFF"]),
    body=st.binary(max_size=300),
)
def test_read_image_on_random_bytes_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, head: bytes, body: bytes
) -> None:
    _check_decode(tmp_path_factory, head + body, ".png")
