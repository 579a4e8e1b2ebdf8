"""Catalog: browse and search products, show or hide them, import a catalog file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.services.shopper_session import price_text
from kiosk.store.catalog import Catalog, Product
from kiosk.ui.widgets import button, label

COLUMNS = ("shown", "sku", "name", "category", "price", "tags")


class CatalogTab(QWidget):
    """A product table; the checkbox in the first column shows or hides a product."""

    def __init__(self, catalog: Catalog, audit: Callable[[str, str], None]) -> None:
        super().__init__()
        self.catalog = catalog
        self._audit = audit
        self._filling = False
        self.search = QLineEdit(placeholderText="Search products (name, tag, category)")
        self.search.textChanged.connect(self.refresh)
        import_button = button("Import catalog file…")
        import_button.clicked.connect(self.import_file)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(import_button)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemChanged.connect(self._on_item_changed)
        self.status = label("", "cardReason", wrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """Reload the table (every product, or the search hits)."""
        text = self.search.text().strip()
        products = self.catalog.search(text) if text else self.catalog.products(active_only=False)
        self._filling = True
        self.table.setRowCount(len(products))
        for row, product in enumerate(products):
            self._fill(row, product)
        self._filling = False
        self.table.resizeColumnsToContents()
        hidden = sum(1 for p in products if not p.active)
        self.status.setText(f"{len(products)} products, {hidden} hidden from suggestions.")

    def _fill(self, row: int, product: Product) -> None:
        shown = QTableWidgetItem()
        shown.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        shown.setCheckState(Qt.CheckState.Checked if product.active else Qt.CheckState.Unchecked)
        shown.setData(Qt.ItemDataRole.UserRole, product.sku)
        self.table.setItem(row, 0, shown)
        values = (
            product.sku,
            product.name,
            product.category,
            price_text(product.price_cents),
            ", ".join(product.tags),
        )
        for column, value in enumerate(values, start=1):
            self.table.setItem(row, column, QTableWidgetItem(value))

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        sku = str(item.data(Qt.ItemDataRole.UserRole))
        active = item.checkState() == Qt.CheckState.Checked
        try:
            self.catalog.set_active(sku, active)
        except KioskError as exc:
            self.status.setText(str(exc))
            return
        self._audit("catalog", f"{'showed' if active else 'hid'} {sku}")
        self.status.setText(f"{sku} is now {'shown' if active else 'hidden'}.")

    def import_file(self) -> None:
        """Import a CSV or JSON catalog: every row valid, or nothing is written."""
        path, _ = QFileDialog.getOpenFileName(self, "Import catalog", "", "Catalog (*.csv *.json)")
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Import `path` and report the outcome (bad rows by line number)."""
        try:
            report = self.catalog.import_file(path)
        except KioskError as exc:
            self.status.setText(f"Not imported: {exc}")
            return
        if not report.ok:
            lines = "; ".join(str(e) for e in report.errors[:5])
            more = f" (+{len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
            self.status.setText(f"Nothing imported, {len(report.errors)} bad rows: {lines}{more}")
            return
        self._audit("catalog", f"imported {report.added} new, {report.updated} updated")
        self.refresh()
        self.status.setText(f"Imported {path.name}: {report.added} new, {report.updated} updated.")
