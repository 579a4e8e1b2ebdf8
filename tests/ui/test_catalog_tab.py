"""The staff catalog tab: hidden products are found, stay hidden on re-import unless asked, and
a bad file is explained line by line in words."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.store.catalog import Catalog
from kiosk.store.db import Store
from kiosk.ui.staff.catalog_tab import CatalogTab

GOOD = (
    "sku,name,category,price,location\nA,Sea Salt Crisps,snacks,1.80,Aisle 1\nB,Cola,drinks,0.95,\n"
)


@pytest.fixture
def tab(qtbot: QtBot, tmp_path: Path) -> Iterator[CatalogTab]:
    with Store(tmp_path / "k.db") as store:
        widget = CatalogTab(Catalog(store), lambda _action, _detail: None)
        qtbot.addWidget(widget)
        widget.show()
        yield widget


def test_hidden_products_are_found_and_stay_hidden_on_reimport(
    tab: CatalogTab, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(GOOD, encoding="utf-8")
    report = tab.import_path(path)
    assert report is not None and report.ok and tab.table.rowCount() == 2
    tab.table.item(0, 0).setCheckState(Qt.CheckState.Unchecked)  # type: ignore[union-attr]
    hidden = tab.table.item(0, 0).data(Qt.ItemDataRole.UserRole)  # type: ignore[union-attr]
    tab.search.setText("crisps")
    assert tab.table.rowCount() == 1  # the search finds the hidden product
    assert tab.table.item(0, 0).checkState() == Qt.CheckState.Unchecked  # type: ignore[union-attr]
    again = tab.import_path(path)
    assert again is not None and again.kept_hidden == 1
    assert "stay hidden" in tab.status.text()
    assert not tab.catalog.get(str(hidden)).active  # type: ignore[union-attr]
    tab.show_hidden.setChecked(True)
    tab.import_path(path)
    assert tab.catalog.get(str(hidden)).active  # type: ignore[union-attr]


def test_a_bad_file_is_explained_line_by_line(tab: CatalogTab, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("sku,name,category,price\nA,Crisps,Snacks!,abc\nB,,drinks,1\n")
    tab.import_path(path)
    assert "Nothing was imported from bad.csv: 3 problems" in tab.status.text()
    lines = tab.errors.text().splitlines()
    assert lines[0].startswith("• line 2, category: expected a lowercase slug")
    assert any(line.startswith("• line 2, price: expected a price like 12.50") for line in lines)
    assert any(line.startswith("• line 3, name: is required") for line in lines)
    assert "[" not in tab.errors.text() and "RowError" not in tab.errors.text()
    (tmp_path / "cols.csv").write_text("sku,name,category,price,colour\n")
    tab.import_path(tmp_path / "cols.csv")
    assert "unknown column(s) colour; the columns are sku, name" in tab.status.text()
