"""Files `kiosk eval labels` writes beside its summary: the per-image CSV and a contact sheet."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kiosk.core.scoring import rows_csv, worst_errors
from kiosk.core.splits import Half, SplitItem, read_split, select
from kiosk.errors import InputError
from kiosk.vision.contact_sheet import contact_sheet
from kiosk.vision.evaluate import LabelsReport
from kiosk.vision.runtime import ImageBGR

WORST_ERRORS = 48


def labels_subset(split: Path | None, half: str | None) -> Mapping[str, SplitItem] | None:
    """The photos of a split manifest's half (both halves when `half` is None).

    Raises:
        InputError: `half` without `split`, or an unreadable manifest.
    """
    if split is None:
        if half is not None:
            raise InputError("--half needs --split FILE.csv (a split manifest)")
        return None
    return select(read_split(split), None if half is None else Half(half))


def write_label_outputs(
    report: LabelsReport,
    csv_out: Path | None,
    sheet_out: Path | None,
    read: Callable[[Path], ImageBGR],
) -> None:
    """Write the per-image CSV and the contact sheet of the worst errors, when asked for.

    Raises:
        InputError: a file cannot be written.
    """
    if csv_out is not None:
        labels = report.confusion.labels
        try:
            csv_out.write_text(rows_csv(report.rows, labels), encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {csv_out}: {exc.strerror or exc}") from exc
    if sheet_out is not None:
        contact_sheet(Path(report.root), worst_errors(report.rows, WORST_ERRORS), read, sheet_out)
