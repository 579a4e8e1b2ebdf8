"""The enrolment review page: every capture as a face chip with its quality, before saving.

Staff can drop a capture (eyes closed, a bad angle); the enrolment then asks for another.
The chips exist only in memory: nothing here is stored unless staff keep photos.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGridLayout, QScrollArea, QToolButton, QVBoxLayout, QWidget

from kiosk.services.enrol_capture import CaptureView
from kiosk.ui.widgets import label

COLUMNS = 5
THUMB_PX = 112


def chip_pixmap(chip_rgb: npt.NDArray[np.uint8], size: int = THUMB_PX) -> QPixmap:
    """A thumbnail of an RGB uint8 (H, W, 3) face chip."""
    pixels = np.ascontiguousarray(chip_rgb, dtype=np.uint8)
    height, width = pixels.shape[:2]
    image = QImage(pixels.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class ReviewGrid(QWidget):
    """A grid of capture thumbnails; tapping one asks to drop it (`sig_drop(index)`)."""

    sig_drop = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.summary = label("", "subtitle", wrap=True)
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_host)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        self.tiles: list[QToolButton] = []

    def show_captures(self, captures: Sequence[CaptureView]) -> None:
        """Replace the grid with these captures."""
        for tile in self.tiles:
            self._grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = []
        for index, capture in enumerate(captures):
            quality = capture.quality
            tile = QToolButton()
            tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            tile.setIcon(chip_pixmap(capture.chip_rgb))
            tile.setIconSize(chip_pixmap(capture.chip_rgb).size())
            tile.setText(
                self.tr("{pose} · {size} px\nsharpness {sharp} · turn {yaw}°")
                .replace("{pose}", self._pose(capture.step))
                .replace("{size}", f"{quality.size_px:.0f}")
                .replace("{sharp}", f"{quality.sharpness:.0f}")
                .replace("{yaw}", f"{quality.yaw_deg:+.0f}")
            )
            tile.setToolTip(self.tr("Tap to drop this capture and take another"))
            tile.clicked.connect(lambda _=False, i=index: self.sig_drop.emit(i))
            self._grid.addWidget(tile, index // COLUMNS, index % COLUMNS)
            self.tiles.append(tile)
        sharp = sorted(c.quality.sharpness for c in captures)
        median = sharp[len(sharp) // 2] if sharp else 0.0
        self.summary.setText(
            self.tr(
                "{count} captures, median sharpness {sharp}. Look through them: tap any with "
                "closed eyes or a bad angle to drop it and take another."
            )
            .replace("{count}", str(len(captures)))
            .replace("{sharp}", f"{median:.0f}")
        )

    def _pose(self, step: str) -> str:
        names = {
            "straight": self.tr("facing"),
            "side": self.tr("turned"),
            "other_side": self.tr("turned the other way"),
        }
        return names.get(step, step)
