from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.vocabulary import RewardKind
from kiosk.errors import InputError
from kiosk.paths import demo_catalog
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.store.learning import ImpressionRecord, LearningLog

HEADER = "sku,name,category,price,tags,image\n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "k.db")
    yield s
    s.close()


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "img").mkdir(exist_ok=True)
    (tmp_path / "img" / "a.png").write_bytes(b"png")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_writes_products_categories_and_resolved_images(
    store: Store, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "c.csv",
        HEADER + "A,Sea Salt Crisps,snacks,1.80,salty;crunchy,img/a.png\nB,Cola,drinks,0.95,,\n",
    )
    report = Catalog(store).import_file(path)
    assert (report.ok, report.rows, report.added, report.updated) == (True, 2, 2, 0)
    catalog = Catalog(store)
    crisps = catalog.get("A")
    assert crisps is not None
    assert (crisps.price_cents, crisps.tags) == (180, ("salty", "crunchy"))
    assert Path(crisps.image_path) == (tmp_path / "img" / "a.png").resolve()
    assert [c.name for c in catalog.categories()] == ["snacks", "drinks"]
    again = catalog.import_file(path)  # upsert: nothing new
    assert (again.added, again.updated) == (0, 2)
    assert len(catalog.products()) == 2


def test_one_bad_row_imports_nothing_and_names_its_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1.80,,\nB,Cola,drinks,-1,,\n")
    report = Catalog(store).import_file(path)
    assert not report.ok
    assert [str(e) for e in report.errors] == ["line 3: price: price must not be negative, got -1"]
    assert store.db.table("products").count == 0
    assert store.db.table("categories").count == 0


def test_duplicate_sku_and_missing_image_are_errors(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.csv",
        HEADER
        + "A,Crisps,snacks,1,,img/a.png\nA,Crisps 2,snacks,1,,\nC,Nuts,snacks,2,,img/no.png\n",
    )
    report = Catalog(store).import_file(path)
    assert [(e.line, e.column) for e in report.errors] == [(3, "sku"), (4, "image")]
    assert "does not exist" in report.errors[1].message
    assert store.db.table("products").count == 0


def test_dry_run_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1,,\n")
    report = Catalog(store).import_file(path, dry_run=True)
    assert report.ok and report.dry_run and report.added == 1
    assert store.db.table("products").count == 0


def test_json_import_reports_the_object_line(store: Store, tmp_path: Path) -> None:
    good = {"sku": "A", "name": "Crisps", "category": "snacks", "price": "1.5", "tags": ["x"]}
    bad = {**good, "sku": "B", "price": "1.555"}
    text = json.dumps([good, bad], indent=2)
    path = write(tmp_path, "c.json", text)
    report = Catalog(store).import_file(path)
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
    assert [e.line for e in report.errors] == [starts[1]]
    path.write_text(json.dumps([good]), encoding="utf-8")
    assert Catalog(store).import_file(path).ok
    assert Catalog(store).products()[0].tags == ("x",)


def test_unreadable_files_raise_input_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.csv or \.json"):
        Catalog(store).import_file(write(tmp_path, "c.txt", "x"))
    with pytest.raises(InputError, match="cannot read"):
        Catalog(store).import_file(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="missing column"):
        Catalog(store).import_file(write(tmp_path, "c.csv", "sku\nA\n"))


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_export_round_trips(store: Store, tmp_path: Path, suffix: str) -> None:
    catalog = Catalog(store)
    path = write(
        tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1.05,salty,img/a.png\nB,Cola,drinks,2,,\n"
    )
    assert catalog.import_file(path).ok
    catalog.set_active("B", False)
    out = tmp_path / "out" / f"export{suffix}"
    out.parent.mkdir()
    assert catalog.export(out) == 2
    other = Store(tmp_path / "other.db")
    try:
        assert Catalog(other).import_file(out).ok
        again = Catalog(other).products(active_only=False)
        before = catalog.products(active_only=False)
        assert [replace(p, image_path="") for p in again] == [
            replace(p, image_path="") for p in before
        ]
        # the image lived outside the export's folder: it was copied beside the export
        assert Path(again[0].image_path).read_bytes() == Path(before[0].image_path).read_bytes()
        assert Path(again[0].image_path).is_relative_to(out.parent)
    finally:
        other.close()


def test_search_activate_and_category_filter(store: Store, tmp_path: Path) -> None:
    catalog = Catalog(store)
    path = write(
        tmp_path,
        "c.csv",
        HEADER
        + "A,Sea Salt Crisps,snacks,1,salty,\nB,Cola,drinks,2,sweet,\nC,Salted Nuts,snacks,3,,\n",
    )
    assert catalog.import_file(path).ok
    assert {p.sku for p in catalog.search("salt")} == {"A", "C"}
    assert [p.sku for p in catalog.search("sweet")] == ["B"]
    assert catalog.search('"') == catalog.products()  # quotes alone: no query, no crash
    assert [p.sku for p in catalog.products(category="drinks")] == ["B"]
    catalog.set_active("A", False)
    assert {p.sku for p in catalog.search("salt")} == {"C"}
    assert "A" not in {p.sku for p in catalog.products()}
    with pytest.raises(InputError, match="no product"):
        catalog.set_active("Z", True)


def test_impressions_rewards_popularity_and_state(store: Store, tmp_path: Path) -> None:
    assert Catalog(store).import_file(write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1,,\n")).ok
    log = LearningLog(store)
    (first,) = log.log_impressions([ImpressionRecord("A", 0, "rules", 0.5, "{}")])
    log.add_reward(first, RewardKind.TAP, 1.0)
    log.add_reward(first, RewardKind.VALENCE, 0.1)
    assert log.popularity() == {"A": 1.0}
    (row,) = log.logged()
    assert (row.explicit_reward, row.valence_reward, row.propensity) == (1.0, 0.1, 0.5)
    log.save_state("global", "bandit", b"state", None)
    assert log.load_state("global") == b"state"
    assert log.load_state("person:1") is None


def test_demo_catalog_imports_cleanly(store: Store) -> None:
    report = Catalog(store).import_file(demo_catalog())
    assert report.ok, [str(e) for e in report.errors]
    products = Catalog(store).products()
    assert len(products) >= 40
    assert len({p.category for p in products}) >= 6
    assert all(Path(p.image_path).is_file() for p in products)


def test_cli_import_demo_list_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    path = write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,abc,,\n")
    assert main(["catalog", "import", str(path)]) == 4
    assert main(["catalog", "demo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 40
    assert main(["catalog", "list", "--search", "tea", "--json"]) == 0
    skus = {p["sku"] for p in json.loads(capsys.readouterr().out)}
    assert {"DRK-004", "WEL-002"} <= skus
    assert main(["catalog", "export", str(tmp_path / "out.json")]) == 0
    assert len(json.loads((tmp_path / "out.json").read_text())) == 40


def test_staff_hidden_products_stay_hidden_on_reimport_unless_asked(
    store: Store, tmp_path: Path
) -> None:
    catalog = Catalog(store)
    path = write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1.80,,\nB,Cola,drinks,0.95,,\n")
    assert catalog.import_file(path).ok
    catalog.set_active("A", False)  # staff hid it
    again = catalog.import_file(path)
    assert again.ok and again.kept_hidden == 1
    assert catalog.get("A") is not None and not catalog.get("A").active  # type: ignore[union-attr]
    shown = catalog.import_file(path, show_hidden=True)
    assert shown.ok and shown.kept_hidden == 0
    assert catalog.get("A").active  # type: ignore[union-attr]
    hidden_by_file = write(
        tmp_path, "h.csv", "sku,name,category,price,active\nB,Cola,drinks,1,no\n"
    )
    assert catalog.import_file(hidden_by_file).ok
    assert not catalog.get("B").active  # type: ignore[union-attr]  # the file may hide


def test_staff_search_finds_hidden_products(store: Store, tmp_path: Path) -> None:
    catalog = Catalog(store)
    path = write(tmp_path, "c.csv", HEADER + "A,Sea Salt Crisps,snacks,1.80,salty,\n")
    assert catalog.import_file(path).ok
    catalog.set_active("A", False)
    assert catalog.search("crisps") == ()  # shoppers never see it
    assert [p.sku for p in catalog.search("crisps", include_hidden=True)] == ["A"]
    assert [p.sku for p in catalog.search("", include_hidden=True)] == ["A"]


def test_offer_location_and_arrival_round_trip(store: Store, tmp_path: Path) -> None:
    catalog = Catalog(store)
    text = (
        "sku,name,category,price,was_price,location,added\n"
        "A,Crisps,snacks,1.80,2.40,Aisle 1,2025-03-28\n"
        "B,Cola,drinks,0.95,,,\n"
    )
    assert catalog.import_file(write(tmp_path, "c.csv", text)).ok
    crisps = catalog.get("A")
    assert crisps is not None and crisps.on_offer
    assert (crisps.was_price_cents, crisps.location, crisps.added) == (240, "Aisle 1", "2025-03-28")
    out = tmp_path / "out.csv"
    catalog.export(out)
    assert "2.40,Aisle 1,2025-03-28" in out.read_text()
    bad = "sku,name,category,price,was_price,added\nC,Tea,drinks,2.00,1.50,31/03/2025\n"
    report = catalog.import_file(write(tmp_path, "bad.csv", bad))
    assert [(e.column, e.message) for e in report.errors] == [
        ("was_price", "must be higher than price (the price before the offer), or empty"),
        ("added", "expected a date like 2025-03-31, got '31/03/2025'"),
    ]


def test_unknown_columns_are_named_in_words_not_a_python_list(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        Catalog(store).import_file(write(tmp_path, "c.csv", "sku,name,category,price,colour\n"))
    message = str(info.value)
    assert "unknown column(s) colour; the columns are sku, name, category, price" in message
    assert "[" not in message.split(":", 2)[-1]


def test_cli_reimport_keeps_hidden_unless_show_hidden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    path = write(tmp_path, "c.csv", HEADER + "A,Crisps,snacks,1.80,,\n")
    assert main(["catalog", "import", str(path)]) == 0
    with Store(tmp_path / "data" / "kiosk.db") as store:
        Catalog(store).set_active("A", False)
    capsys.readouterr()
    assert main(["catalog", "import", str(path)]) == 0
    assert "1 product(s) staff hid stay hidden" in capsys.readouterr().out
    assert main(["catalog", "import", str(path), "--show-hidden"]) == 0
    with Store(tmp_path / "data" / "kiosk.db") as store:
        assert Catalog(store).get("A").active  # type: ignore[union-attr]
