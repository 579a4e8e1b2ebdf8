"""A contact sheet PNG of the worst evaluation errors: thumbnails with truth and prediction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from kiosk.core.scoring import ImageRow
from kiosk.errors import InputError
from kiosk.vision.runtime import ImageBGR

THUMB_PX = 128
COLUMNS = 8


def contact_sheet(
    root: Path, rows: Sequence[ImageRow], read: Callable[[Path], ImageBGR], out: Path
) -> None:
    """Write thumbnails of `rows` (photos under `root`), each captioned "label > prediction".

    Raises:
        InputError: the PNG cannot be written.
    """
    cell_h = THUMB_PX + 30
    count = max(1, len(rows))
    sheet = np.full(
        (cell_h * -(-count // COLUMNS), THUMB_PX * min(COLUMNS, count), 3), 255, np.uint8
    )
    for i, row in enumerate(rows):
        image = read(root / row.file)
        scale = THUMB_PX / max(image.shape[:2])
        thumb = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        top, left = (i // COLUMNS) * cell_h, (i % COLUMNS) * THUMB_PX
        sheet[top : top + thumb.shape[0], left : left + thumb.shape[1]] = thumb
        for line, text in enumerate((row.label, f"> {row.prediction} {row.confidence:.2f}")):
            cv2.putText(
                sheet,
                text[:22],
                (left + 2, top + THUMB_PX + 12 + 12 * line),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.35,
                (0, 0, 160) if line else (0, 0, 0),
                1,
                cv2.LINE_AA,
            )
    if not cv2.imwrite(str(out), sheet):
        raise InputError(f"cannot write contact sheet {out} (expected a writable .png path)")
