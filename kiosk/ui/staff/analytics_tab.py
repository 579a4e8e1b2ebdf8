"""Analytics: visits per hour, known vs unknown, valence while suggestions showed, per policy.

The charts are drawn by `kiosk.charts.analytics` (matplotlib, off screen) at the widget's size
and shown as a picture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.charts import DPI, render_rgba
from kiosk.charts.analytics import analytics_figure
from kiosk.store.analytics import Analytics, analytics
from kiosk.store.db import Store
from kiosk.ui.widgets import button, label

PERIODS = {"Today": 1, "Last 7 days": 7, "Last 30 days": 30}
REDRAW_AFTER_RESIZE_MS = 150


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
        self.chart = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.chart.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.chart.setMinimumSize(320, 200)
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_AFTER_RESIZE_MS)
        self._redraw.timeout.connect(self._draw)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(refresh)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 1)
        self.last: Analytics | None = None

    def refresh(self) -> None:
        """Query the database and redraw."""
        days = PERIODS[self.period.currentText()]
        self.last = data = analytics(self.store, datetime.now(UTC) - timedelta(days=days))
        total = data.visits_known + data.visits_unknown
        self.summary.setText(
            f"{total} visits · {data.visits_known} known · {data.visits_unknown} unknown"
        )
        self._draw()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.last is not None:
            self._redraw.start()

    def _draw(self) -> None:
        if self.last is None:
            return
        ratio = self.devicePixelRatioF()
        width = max(self.chart.width(), 320) * ratio
        height = max(self.chart.height(), 200) * ratio
        pixels = render_rgba(analytics_figure(self.last, width / DPI, height / DPI))
        image = QImage(
            pixels.data,
            pixels.shape[1],
            pixels.shape[0],
            pixels.strides[0],
            QImage.Format.Format_RGBA8888,
        ).copy()  # QImage does not copy the array
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.chart.setPixmap(pixmap)
