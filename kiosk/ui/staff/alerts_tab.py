"""Alerts: shoppers who tapped "I'm interested" or asked for help, newest first.

The shopper's name shows only when the kiosk recognised them and the liveness check passed; the
list is kept in memory (since the kiosk started) and never written anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.alerts import AlertKind, StaffAlert
from kiosk.ui.widgets import button, fit_columns, label


class AlertsTab(QWidget):
    """A table of recent alerts with time, request, product and shopper."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        fit_columns(self.table)
        self.table.verticalHeader().hide()
        self.clear_button = button("")
        self.summary = label("", "subtitle", wrap=True)
        self.hint = label("", "help", wrap=True)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self._alerts: tuple[StaffAlert, ...] = ()
        self.retranslate()

    def show_alerts(self, alerts: Sequence[StaffAlert]) -> None:
        """Fill the table (newest first)."""
        self._alerts = tuple(alerts)
        self.table.setRowCount(len(self._alerts))
        for row, alert in enumerate(self._alerts):
            cells = (
                alert.at.strftime("%H:%M:%S"),
                self._what(alert.kind),
                alert.product or "-",
                alert.shopper or self.tr("not recognised"),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self._summarise()

    def _what(self, kind: AlertKind) -> str:
        if kind is AlertKind.HELP:
            return self.tr("asked for help")
        return self.tr("interested in")

    def _summarise(self) -> None:
        count = len(self._alerts)
        if not count:
            self.summary.setText(
                self.tr(
                    "No alerts. Shoppers' taps on “I'm interested” and “Call staff” appear here."
                )
            )
        else:
            self.summary.setText(
                self.tr("Alerts since the kiosk started: {count}").replace("{count}", str(count))
            )

    def retranslate(self) -> None:
        """Words in the current language."""
        self.table.setHorizontalHeaderLabels(
            [self.tr("time"), self.tr("request"), self.tr("product"), self.tr("shopper")]
        )
        self.clear_button.setText(self.tr("Clear the list"))
        self.hint.setText(
            self.tr(
                "A name is shown only for an enrolled shopper the kiosk recognised as a live "
                "person. Switch on a sound for new alerts in Settings."
            )
        )
        self.show_alerts(self._alerts)
