"""Analytics: visits per hour, enrolled vs other visitors, shoppers' mood while suggestions
showed, and suggestions shown and tapped by how they were picked (explained in plain words).

The charts are drawn by `kiosk.charts.analytics` (matplotlib, off screen) at the widget's size
and shown as a picture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.charts import DPI, render_rgba
from kiosk.charts.analytics import ChartWords, analytics_figure
from kiosk.store.analytics import Analytics, analytics
from kiosk.store.db import Store
from kiosk.ui.widgets import button, label

PERIODS = (1, 7, 30)  # days
REDRAW_AFTER_RESIZE_MS = 150


class AnalyticsTab(QWidget):
    """Four charts over a chosen period, refreshed on demand."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.period = QComboBox()
        self.period.addItems(["" for _ in PERIODS])
        self.period.setCurrentIndex(PERIODS.index(7))
        self.period.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh_button = button("")
        self.refresh_button.clicked.connect(self.refresh)
        self.summary = label("", "subtitle")
        self.legend = label("", "help", wrap=True)
        self.chart = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.chart.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.chart.setMinimumSize(320, 200)
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_AFTER_RESIZE_MS)
        self._redraw.timeout.connect(self._draw)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(self.refresh_button)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.legend)
        self.last: Analytics | None = None
        self.retranslate()

    def retranslate(self) -> None:
        """Words in the current language."""
        for i, text in enumerate(
            (self.tr("Today"), self.tr("Last 7 days"), self.tr("Last 30 days"))
        ):
            self.period.setItemText(i, text)
        self.refresh_button.setText(self.tr("Refresh"))
        self.legend.setText(
            self.tr(
                "Mood: how shoppers' faces looked (positive, neutral, negative) while "
                "suggestions were on screen, read from their expressions. “Learns from taps” "
                "(a contextual bandit) shows more of what shoppers tap; “rules” and "
                "“popularity” are fixed ways of picking."
            )
        )
        if self.last is not None:
            self._summarise(self.last)
            self._draw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self) -> None:
        """Query the database and redraw."""
        days = PERIODS[self.period.currentIndex()]
        self.last = data = analytics(self.store, datetime.now(UTC) - timedelta(days=days))
        self._summarise(data)
        self._draw()

    def _summarise(self, data: Analytics) -> None:
        total = data.visits_known + data.visits_unknown
        self.summary.setText(
            self.tr("{total} visits · {known} enrolled · {unknown} others")
            .replace("{total}", str(total))
            .replace("{known}", str(data.visits_known))
            .replace("{unknown}", str(data.visits_unknown))
        )

    def _words(self) -> ChartWords:
        return ChartWords(
            hours=self.tr("Visits per hour of day"),
            known_vs_unknown=self.tr("Enrolled vs other visitors"),
            mood=self.tr("Shoppers' mood while suggestions were shown"),
            policies=self.tr("Suggestions shown and tapped, by how they were picked"),
            known=self.tr("enrolled"),
            unknown=self.tr("others"),
            shown=self.tr("shown"),
            tapped=self.tr("tapped"),
            none_yet=self.tr("(none yet)"),
            names={
                "positive": self.tr("positive"),
                "neutral": self.tr("neutral"),
                "negative": self.tr("negative"),
                "unknown": self.tr("not read"),
                "bandit": self.tr("learns from taps"),
                "rules": self.tr("rules"),
                "popularity": self.tr("popularity"),
                "random": self.tr("random"),
            },
        )

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
        figure = analytics_figure(self.last, width / DPI, height / DPI, self._words())
        pixels = render_rgba(figure)
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
