"""Charts as PNG files or pixels: the only package that imports matplotlib.

Figures are plain `matplotlib.figure.Figure`s drawn by the Agg renderer: no pyplot, no global
backend, no display or GUI toolkit, nothing left open. Each module draws one family of charts
(`vision`, `soak`, `recommend`, `analytics`) and writes it with `save_png`; the staff screen
shows charts as pixels from `render_rgba`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kiosk.errors import InputError

DPI = 120


def new_figure(width_in: float, height_in: float) -> Figure:
    """A figure of `width_in` x `height_in` inches on its own Agg canvas."""
    figure = Figure(figsize=(width_in, height_in))
    FigureCanvasAgg(figure)
    return figure


def save_png(figure: Figure, path: Path) -> None:
    """Write `figure` as a PNG to `path`.

    Raises:
        InputError: the file cannot be written (naming it and why).
    """
    try:
        figure.savefig(path, format="png", dpi=DPI, bbox_inches="tight")
    except OSError as exc:
        raise InputError(f"cannot write chart {path}: {exc.strerror or exc}") from exc


def render_rgba(figure: Figure, dpi: float = DPI) -> npt.NDArray[np.uint8]:
    """The figure's pixels: uint8 (H, W, 4) RGBA, a copy the caller owns."""
    figure.set_dpi(dpi)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    buffer = canvas.buffer_rgba()  # type: ignore[no-untyped-call]
    return np.array(buffer, dtype=np.uint8, copy=True)
