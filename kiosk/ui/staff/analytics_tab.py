"""Analytics: visits per hour, known vs unknown, valence while suggestions showed, per policy."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

os.environ.setdefault("QT_API", "pyside6")

from matplotlib.axes import Axes
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.store.analytics import Analytics, analytics
from kiosk.store.db import Store
from kiosk.ui.widgets import button, label

PERIODS = {"Today": 1, "Last 7 days": 7, "Last 30 days": 30}
INK, MUTED, GREEN, BLUE, AMBER, RED = (
    "#e6e9f2",
    "#9aa4bf",
    "#3ddc97",
    "#7aa7ff",
    "#ffd166",
    "#ff6b6b",
)


class AnalyticsTab(QWidget):
    """Four charts over a chosen period, refreshed on demand."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.period = QComboBox()
        self.period.addItems(list(PERIODS))
        self.period.setCurrentText("Last 7 days")
        self.period.currentTextChanged.connect(lambda _: self.refresh())
        refresh = button("Refresh")
        refresh.clicked.connect(self.refresh)
        self.summary = label("", "subtitle")
        self.figure = Figure(figsize=(10, 6), facecolor="#0b0f19", layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(refresh)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        self.last: Analytics | None = None

    def refresh(self) -> None:
        """Query the database and redraw."""
        days = PERIODS[self.period.currentText()]
        self.last = data = analytics(self.store, datetime.now(UTC) - timedelta(days=days))
        total = data.visits_known + data.visits_unknown
        self.summary.setText(
            f"{total} visits · {data.visits_known} known · {data.visits_unknown} unknown"
        )
        self.figure.clear()
        axes = self.figure.subplots(2, 2, squeeze=False)
        self._hours(axes[0][0], data)
        self._known(axes[0][1], data)
        self._valence(axes[1][0], data)
        self._policies(axes[1][1], data)
        self.canvas.draw_idle()  # type: ignore[no-untyped-call]

    @staticmethod
    def _style(ax: Axes, title: str) -> None:
        ax.set_facecolor("#10151f")
        ax.set_title(title, color=INK, fontsize=11, loc="left")
        ax.tick_params(colors=MUTED, labelsize=8)
        for spine in ax.spines.values():
            spine.set_color("#232b40")

    def _hours(self, ax: Axes, data: Analytics) -> None:
        hours = [h.hour for h in data.per_hour]
        known = [h.known for h in data.per_hour]
        unknown = [h.unknown for h in data.per_hour]
        ax.bar(hours, known, color=GREEN, label="known")
        ax.bar(hours, unknown, bottom=known, color=BLUE, label="unknown")
        ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
        self._style(ax, "Visits per hour of day")

    def _known(self, ax: Axes, data: Analytics) -> None:
        values = [data.visits_known, data.visits_unknown]
        ax.barh(["known", "unknown"], values, color=[GREEN, BLUE])
        self._style(ax, "Known vs unknown visitors")

    def _valence(self, ax: Axes, data: Analytics) -> None:
        names = [v.valence for v in data.valence]
        counts = [v.impressions for v in data.valence]
        colours = [GREEN, MUTED, RED, "#4a5470"][: len(names)]
        ax.bar(names, counts, color=colours)
        self._style(ax, "Shopper valence while suggestions were shown")

    def _policies(self, ax: Axes, data: Analytics) -> None:
        names = [p.policy for p in data.per_policy] or ["(none yet)"]
        shown = [p.shown for p in data.per_policy] or [0]
        tapped = [p.tapped for p in data.per_policy] or [0]
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], shown, width=0.4, color=BLUE, label="shown")
        ax.bar([x + 0.2 for x in xs], tapped, width=0.4, color=AMBER, label="tapped")
        ax.set_xticks(list(xs), names)
        ax.legend(facecolor="#151b2b", labelcolor=INK, fontsize=8)
        self._style(ax, "Suggestions shown and tapped, per policy")
