"""Catalog: browse and search products (hidden ones too), show or hide them, import a file.

Re-importing a catalog keeps hidden what staff hid, unless "Show hidden products again" is
ticked; a file with problems is not imported, and each problem is listed on its own line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.core.catalog_rows import RowError
from kiosk.errors import KioskError
from kiosk.store.catalog import Catalog, ImportReport, Product
from kiosk.ui.money import Money
from kiosk.ui.widgets import WordyTab, button, fit_columns, label

COLUMNS = 7
MAX_ERRORS_SHOWN = 12


class CatalogTab(WordyTab):
    """A product table; the checkbox in the first column shows or hides a product."""

    def __init__(self, catalog: Catalog, audit: Callable[[str, str], None]) -> None:
        super().__init__()
        self.catalog = catalog
        self.money = Money()
        self._audit = audit
        self._filling = False
        self.search = QLineEdit()
        self.search.textChanged.connect(self.refresh)
        self.import_button = button("")
        self.import_button.clicked.connect(self.import_file)
        self.show_hidden = QCheckBox()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_hidden)
        top.addWidget(self.import_button)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.table)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._on_item_changed)
        self.status = label("", "cardReason", wrap=True)
        self.errors = label("", "error", wrap=True)
        self.errors.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.errors)
        self.retranslate()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.search.setPlaceholderText(
            self.tr("Search products, hidden ones too (name, tag, category)")
        )
        self.import_button.setText(self.tr("Import catalog file…"))
        self.show_hidden.setText(self.tr("Show hidden products again"))
        self.show_hidden.setToolTip(
            self.tr(
                "When ticked, an import shows again the products staff hid, if the file lists "
                "them as shown. When not ticked, hidden products stay hidden."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("shown"),
                self.tr("sku"),
                self.tr("name"),
                self.tr("category"),
                self.tr("price"),
                self.tr("where"),
                self.tr("tags"),
            ]
        )
        self.refresh_when_shown()

    def refresh(self) -> None:
        """Reload the table (every product, or the search hits, hidden ones included)."""
        text = self.search.text().strip()
        products = (
            self.catalog.search(text, include_hidden=True)
            if text
            else self.catalog.products(active_only=False)
        )
        self._filling = True
        self.table.setRowCount(len(products))
        for row, product in enumerate(products):
            self._fill(row, product)
        self._filling = False
        hidden = sum(1 for p in products if not p.active)
        if not products and not text:
            self.status.setText(
                self.tr("The catalog is empty: import a CSV or JSON file (see catalog/README.md).")
            )
            return
        self.status.setText(
            self.tr("{count} products, {hidden} hidden from suggestions.")
            .replace("{count}", str(len(products)))
            .replace("{hidden}", str(hidden))
        )

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
            self.money.text(product.price_cents),
            product.location,
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
        done = self.tr("{sku} is now shown.") if active else self.tr("{sku} is now hidden.")
        self.status.setText(done.replace("{sku}", sku))

    def import_file(self) -> None:
        """Import a CSV or JSON catalog: every row valid, or nothing is written."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import catalog"), "", self.tr("Catalog (*.csv *.json)")
        )
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> ImportReport | None:
        """Import `path` and report the outcome (each bad row on its own line)."""
        self.errors.hide()
        try:
            report = self.catalog.import_file(path, show_hidden=self.show_hidden.isChecked())
        except KioskError as exc:
            self.status.setText(self.tr("Not imported: {reason}").replace("{reason}", str(exc)))
            return None
        if not report.ok:
            self._show_errors(report)
            return report
        self._audit("catalog", f"imported {report.added} new, {report.updated} updated")
        self.refresh()
        text = (
            self.tr("Imported {file}: {added} new, {updated} updated.")
            .replace("{file}", path.name)
            .replace("{added}", str(report.added))
            .replace("{updated}", str(report.updated))
        )
        if report.kept_hidden:
            text += " " + self.tr(
                "{count} products you hid stay hidden (tick “Show hidden products again” to "
                "show them)."
            ).replace("{count}", str(report.kept_hidden))
        self.status.setText(text)
        return report

    def _show_errors(self, report: ImportReport) -> None:
        self.status.setText(
            self.tr("Nothing was imported from {file}: {count} problems. Fix them and try again:")
            .replace("{file}", report.path.name)
            .replace("{count}", str(len(report.errors)))
        )
        lines = [self._error_line(e) for e in report.errors[:MAX_ERRORS_SHOWN]]
        more = len(report.errors) - MAX_ERRORS_SHOWN
        if more > 0:
            lines.append(self.tr("… and {count} more").replace("{count}", str(more)))
        self.errors.setText("\n".join(lines))
        self.errors.show()

    def _error_line(self, error: RowError) -> str:
        return (
            self.tr("• line {line}, {column}: {problem}")
            .replace("{line}", str(error.line))
            .replace("{column}", error.column)
            .replace("{problem}", error.message)
        )
