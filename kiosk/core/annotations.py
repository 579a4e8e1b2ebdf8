"""Labelled face boxes from the annotation formats people already have. Pure: text in, records out.

Formats (boxes become `xyxy` pixels):

- ``createml``: Create ML / IBM Cloud Annotations JSON, a list of
  ``{"image": "a.jpg", "annotations": [{"label": "Ann", "coordinates":
  {"x": cx, "y": cy, "width": w, "height": h}}]}`` where x, y is the box *centre*.
- ``turicreate``: CSV with a header naming the image path, the label and ``xMin, yMin, xMax,
  yMax`` (case and underscores ignored; ``path``/``image``/``filename``, ``label``/``name``).
- ``voc``: Pascal VOC XML as LabelImg writes it, one file per image: ``<filename>``, then
  ``<object><name>`` with ``<bndbox><xmin>..<ymax>``.

Bad entries do not stop a file: each becomes an `AnnotationProblem` naming the file and line
(for XML, the file and the object's number), and the good entries are still returned.
"""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.geometry import Box
from kiosk.core.untrusted import safe_relative_path

FORMATS = ("createml", "turicreate", "voc")


@dataclass(frozen=True, slots=True)
class Where:
    """A place in an annotation file: the file, and the line when the format has lines."""

    file: Path
    line: int | None = None
    item: str = ""

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line is not None else str(self.file)
        return f"{place} ({self.item})" if self.item else place


@dataclass(frozen=True, slots=True)
class AnnotatedFace:
    """One labelled box.

    Attributes:
        image: the image file (resolved against the images folder; may not exist).
        label: the person's name as written in the file.
        xyxy: the box in image pixels.
        where: where in the annotation file it came from.
    """

    image: Path
    label: str
    xyxy: Box
    where: Where


@dataclass(frozen=True, slots=True)
class AnnotationProblem:
    """An entry that was skipped, and why."""

    where: Where
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedAnnotations:
    """What a file held: the usable boxes, and the entries that were skipped."""

    faces: tuple[AnnotatedFace, ...]
    problems: tuple[AnnotationProblem, ...]


class _BadEntryError(ValueError):
    """An entry is malformed (the message says how)."""


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _BadEntryError(f"{name} must be a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise _BadEntryError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise _BadEntryError(f"{name} must be finite, got {value!r}")
    return number


def _box(x1: float, y1: float, x2: float, y2: float) -> Box:
    if not (x2 > x1 and y2 > y1):
        raise _BadEntryError(
            f"box must have positive width and height, got xyxy {(x1, y1, x2, y2)}"
        )
    return (x1, y1, x2, y2)


def _label(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _BadEntryError(f"label must be a non-empty string, got {value!r}")
    return value.strip()


def _image(value: object, images_dir: Path) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _BadEntryError(f"image must be a file name, got {value!r}")
    if not safe_relative_path(value.strip()):
        raise _BadEntryError(f"image must be a file inside {images_dir}, got {value.strip()!r}")
    return images_dir / value.strip()


def _json_items(text: str) -> tuple[list[tuple[int, object]], str | None, int]:
    """The elements of a top-level JSON array with the line each starts on.

    Returns the elements decoded so far, the error that stopped decoding (or None) and its line.
    Linear in the text's length (lines are counted once, as the scan moves on).
    """
    decoder = json.JSONDecoder()
    items: list[tuple[int, object]] = []
    pos = len(text) - len(text.lstrip())
    line, counted = 1 + text.count("\n", 0, pos), pos
    if not text.startswith("[", pos):
        return items, "expected a JSON list of images ('[')", line
    pos += 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            return items, "the list is not closed (']' missing)", text.count("\n") + 1
        if text[pos] == "]":
            return items, None, 0
        line, counted = line + text.count("\n", counted, pos), pos
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            return items, f"invalid JSON: {exc.msg}", exc.lineno
        except RecursionError:
            return items, "JSON nested too deeply", line
        items.append((line, value))


def _createml_entry(entry: object, images_dir: Path, where: Where) -> list[AnnotatedFace]:
    if not isinstance(entry, Mapping):
        raise _BadEntryError(
            f"expected an object with 'image' and 'annotations', got {entry!r:.60}"
        )
    image = _image(entry.get("image"), images_dir)
    annotations = entry.get("annotations")
    if not isinstance(annotations, list):
        raise _BadEntryError("'annotations' must be a list")
    faces = []
    for number, note in enumerate(annotations, start=1):
        at = Where(where.file, where.line, f"annotation {number}")
        if not isinstance(note, Mapping) or not isinstance(note.get("coordinates"), Mapping):
            raise _BadEntryError(f"annotation {number} needs 'label' and 'coordinates'")
        c = note["coordinates"]
        cx, cy = _number(c.get("x"), "x"), _number(c.get("y"), "y")
        w, h = _number(c.get("width"), "width"), _number(c.get("height"), "height")
        box = _box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        faces.append(AnnotatedFace(image, _label(note.get("label")), box, at))
    return faces


def parse_createml(text: str, source: Path, images_dir: Path) -> ParsedAnnotations:
    """Create ML / IBM Cloud Annotations JSON (box centre x, y plus width, height)."""
    entries, error, error_line = _json_items(text)
    faces: list[AnnotatedFace] = []
    problems: list[AnnotationProblem] = []
    for line, entry in entries:
        where = Where(source, line)
        try:
            faces.extend(_createml_entry(entry, images_dir, where))
        except _BadEntryError as exc:
            problems.append(AnnotationProblem(where, str(exc)))
    if error is not None:
        problems.append(AnnotationProblem(Where(source, error_line), f"{error}; rest skipped"))
    return ParsedAnnotations(tuple(faces), tuple(problems))


_CSV_COLUMNS = {
    "image": ("path", "image", "imagepath", "filename", "file"),
    "label": ("label", "name", "class"),
    "xmin": ("xmin",),
    "ymin": ("ymin",),
    "xmax": ("xmax",),
    "ymax": ("ymax",),
}


def _csv_header(header: list[str]) -> dict[str, int]:
    norm = [h.strip().lower().replace("_", "").replace(" ", "") for h in header]
    columns: dict[str, int] = {}
    for key, aliases in _CSV_COLUMNS.items():
        found = [i for i, name in enumerate(norm) if name in aliases]
        if not found:
            raise _BadEntryError(
                f"header has no {key} column (one of {', '.join(aliases)}); got {header}"
            )
        columns[key] = found[0]
    return columns


def _csv_rows(
    reader: Iterator[list[str]], source: Path, problems: list[AnnotationProblem]
) -> Iterator[list[str]]:
    """The reader's rows; malformed CSV (e.g. an unclosed quote) ends them with a problem."""
    try:
        yield from reader
    except csv.Error as exc:
        line = getattr(reader, "line_num", None)
        problems.append(AnnotationProblem(Where(source, line), f"bad CSV: {exc}; rest skipped"))


def parse_turicreate(text: str, source: Path, images_dir: Path) -> ParsedAnnotations:
    """Turi Create style CSV: path, label, xMin, yMin, xMax, yMax (any column order)."""
    reader = csv.reader(io.StringIO(text))
    try:
        columns = _csv_header(next(reader))
    except StopIteration:
        return ParsedAnnotations((), (AnnotationProblem(Where(source, 1), "the file is empty"),))
    except (_BadEntryError, csv.Error) as exc:
        return ParsedAnnotations((), (AnnotationProblem(Where(source, 1), str(exc)),))
    faces: list[AnnotatedFace] = []
    problems: list[AnnotationProblem] = []
    for row in _csv_rows(reader, source, problems):
        where = Where(source, reader.line_num)
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) <= max(columns.values()):
                raise _BadEntryError(
                    f"expected at least {max(columns.values()) + 1} fields, got {len(row)}"
                )
            coords = [_number(row[columns[k]], k) for k in ("xmin", "ymin", "xmax", "ymax")]
            faces.append(
                AnnotatedFace(
                    _image(row[columns["image"]], images_dir),
                    _label(row[columns["label"]]),
                    _box(*coords),
                    where,
                )
            )
        except _BadEntryError as exc:
            problems.append(AnnotationProblem(where, str(exc)))
    return ParsedAnnotations(tuple(faces), tuple(problems))


def _voc_object(obj: ET.Element, image: Path, where: Where) -> AnnotatedFace:
    box = obj.find("bndbox")
    if box is None:
        raise _BadEntryError("no <bndbox>")
    coords = [_number(box.findtext(k), k) for k in ("xmin", "ymin", "xmax", "ymax")]
    return AnnotatedFace(image, _label(obj.findtext("name")), _box(*coords), where)


def parse_voc(text: str, source: Path, images_dir: Path) -> ParsedAnnotations:
    """One Pascal VOC XML file (LabelImg): `<filename>` and its `<object>`s."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        return ParsedAnnotations((), (AnnotationProblem(Where(source, line), f"bad XML: {exc}"),))
    try:
        image = _image(root.findtext("filename"), images_dir)
    except _BadEntryError as exc:
        return ParsedAnnotations((), (AnnotationProblem(Where(source), f"<filename>: {exc}"),))
    faces: list[AnnotatedFace] = []
    problems: list[AnnotationProblem] = []
    for number, obj in enumerate(root.iter("object"), start=1):
        where = Where(source, None, f"object {number}")
        try:
            faces.append(_voc_object(obj, image, where))
        except _BadEntryError as exc:
            problems.append(AnnotationProblem(where, str(exc)))
    if not faces and not problems:
        problems.append(AnnotationProblem(Where(source), "no <object> in the file"))
    return ParsedAnnotations(tuple(faces), tuple(problems))


PARSERS: Mapping[str, Callable[[str, Path, Path], ParsedAnnotations]] = {
    "createml": parse_createml,
    "turicreate": parse_turicreate,
    "voc": parse_voc,
}


def parse(fmt: str, text: str, source: Path, images_dir: Path) -> ParsedAnnotations:
    """Parse `text` read from `source` in format `fmt` (one of FORMATS).

    Raises:
        ValueError: `fmt` is not one of FORMATS.
    """
    parser = PARSERS.get(fmt)
    if parser is None:
        raise ValueError(f"annotation format must be one of {FORMATS}, got {fmt!r}")
    return parser(text, source, images_dir)


def merge(parts: list[ParsedAnnotations]) -> ParsedAnnotations:
    """Several files' results as one."""
    return ParsedAnnotations(
        tuple(f for p in parts for f in p.faces), tuple(q for p in parts for q in p.problems)
    )
