"""Bad input everywhere: every case ends in a clear InputError naming the problem, or works.

Images (corrupt, truncated, empty, huge, odd modes), videos, unusual paths, malformed annotation
and catalog files. Nothing here needs the real models.
"""

from __future__ import annotations

import shutil
import struct
import time
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera.image_header import declared_size
from kiosk.camera.sources import MAX_FILE_BYTES, VideoFileSource, read_image
from kiosk.errors import InputError
from kiosk.services.people_import import read_annotations
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store

REPO = Path(__file__).resolve().parents[2]
PHOTO = REPO / "tests" / "fixtures" / "faces" / "obama" / "obama_1.jpg"
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png(width: int, height: int, colour_type: int, rows: bytes, extra: bytes = b"") -> bytes:
    """A PNG with 8-bit samples, built by hand (OpenCV cannot write every colour type)."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + extra
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """SOI, an APP0 segment and a baseline SOF0 declaring width x height (no image data)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


@pytest.fixture
def photo_bgr() -> np.ndarray:
    image = cv2.imread(str(PHOTO))
    assert image is not None
    return cv2.resize(image, (91, 114))


# --- images -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jpg", b"", r"is empty \(0 bytes\)"),
        ("truncated.jpg", PHOTO.read_bytes()[:4000], "is not a readable image"),
        ("random.png", np.random.default_rng(0).bytes(5000), "is not a readable image"),
        ("text.jpg", b"this is not an image\n" * 50, "is not a readable image"),
        ("huge.png", png(100_000, 100_000, 2, b"\x00" * 64), "100000 x 100000 pixels, over"),
        ("60mp.png", png(10_000, 6_000, 2, b"\x00" * 64), "10000 x 6000 pixels, over the limit"),
        ("huge.jpg", jpeg_header(65_000, 65_000), "65000 x 65000 pixels, over the limit"),
        ("huge.bmp", b"BM" + bytes(16) + struct.pack("<ii", 90_000, -90_000), "90000 x 90000"),
    ],
)
def test_unreadable_or_huge_images_are_refused_by_name(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    started = time.monotonic()
    with pytest.raises(InputError, match=message) as info:
        read_image(path)
    assert name in str(info.value)
    assert time.monotonic() - started < 2.0  # refused before decoding, not after


def test_a_file_over_the_size_limit_is_not_even_read(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    with path.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(InputError, match="MiB, over the limit of 256 MiB"):
        read_image(path)


@pytest.mark.parametrize("target", ["missing.jpg", "a_folder"])
def test_missing_file_or_a_folder_is_named(tmp_path: Path, target: str) -> None:
    (tmp_path / "a_folder").mkdir()
    with pytest.raises(InputError, match=f"cannot read image .*{target}"):
        read_image(tmp_path / target)


def test_declared_size_reads_headers_and_never_raises() -> None:
    assert declared_size(PHOTO.read_bytes()) == (910, 1137)
    assert declared_size(png(7, 5, 2, b"")) == (7, 5)
    assert declared_size(jpeg_header(640, 480)) == (640, 480)
    for junk in (b"", b"\x89PNG", b"\xff\xd8\xff", b"BM", b"RIFF\x00\x00\x00\x00WEBPVP8X"):
        assert declared_size(junk) is None


def _grey_alpha(grey: np.ndarray) -> bytes:
    pairs = np.dstack([grey, np.full_like(grey, 255)])
    rows = b"".join(b"\x00" + pairs[y].tobytes() for y in range(grey.shape[0]))
    return png(grey.shape[1], grey.shape[0], 4, rows)


def _palette(grey: np.ndarray) -> bytes:
    plte = _chunk(b"PLTE", bytes(v for i in range(256) for v in (i, i, i)))
    rows = b"".join(b"\x00" + grey[y].tobytes() for y in range(grey.shape[0]))
    return png(grey.shape[1], grey.shape[0], 3, rows, plte)


@pytest.mark.parametrize("mode", ["grey", "bgra", "grey_alpha", "palette", "rgb16", "grey16"])
def test_every_common_image_mode_becomes_bgr8(
    tmp_path: Path, photo_bgr: np.ndarray, mode: str
) -> None:
    grey = cv2.cvtColor(photo_bgr, cv2.COLOR_BGR2GRAY)
    path = tmp_path / f"{mode}.png"
    if mode == "grey_alpha":
        path.write_bytes(_grey_alpha(grey))
    elif mode == "palette":
        path.write_bytes(_palette(grey))
    else:
        pixels = {
            "grey": grey,
            "bgra": cv2.cvtColor(photo_bgr, cv2.COLOR_BGR2BGRA),
            "rgb16": photo_bgr.astype(np.uint16) * 257,
            "grey16": grey.astype(np.uint16) * 257,
        }[mode]
        assert cv2.imwrite(str(path), pixels)
    image = read_image(path)
    assert image.dtype == np.uint8 and image.shape == (*photo_bgr.shape[:2], 3)
    expected = photo_bgr if mode in {"bgra", "rgb16"} else cv2.merge([grey, grey, grey])
    assert np.abs(image.astype(int) - expected.astype(int)).max() <= 1


def test_float_pixels_are_refused_naming_the_type(tmp_path: Path, photo_bgr: np.ndarray) -> None:
    path = tmp_path / "float.tiff"
    assert cv2.imwrite(str(path), photo_bgr.astype(np.float32) / 255)
    with pytest.raises(InputError, match="unsupported pixel type float32"):
        read_image(path)


UNUSUAL = ["with space", "ünïcödé 顔", 'quote\'s "double"', "-leading dash", "semi;colon $HOME"]


@pytest.mark.parametrize("folder", UNUSUAL)
def test_unusual_characters_in_paths_work(tmp_path: Path, folder: str) -> None:
    where = tmp_path / folder
    where.mkdir()
    image = shutil.copy(PHOTO, where / f"{folder}.jpg")
    assert read_image(Path(image)).shape == (1137, 910, 3)
    clip = Path(shutil.copy(CLIP, where / f"{folder}.mp4"))
    with VideoFileSource(clip) as video:
        first = next(iter(video.frames()))
    assert first.image_bgr.ndim == 3


# --- videos -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.mp4", b""),
        ("random.mp4", np.random.default_rng(1).bytes(100_000)),
        ("truncated.mp4", CLIP.read_bytes()[:1000]),
        ("tenth.mp4", CLIP.read_bytes()[: CLIP.stat().st_size // 10]),
    ],
)
def test_corrupt_videos_are_refused_by_name(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"{name} is not a readable video"):
        VideoFileSource(path)


def test_a_video_damaged_in_the_middle_plays_what_it_can(tmp_path: Path) -> None:
    data = bytearray(CLIP.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 50_000] = np.random.default_rng(2).bytes(50_000)
    path = tmp_path / "damaged.mp4"
    path.write_bytes(bytes(data))
    with VideoFileSource(path) as video:
        frames = sum(1 for _ in video.frames())
    assert frames > 0


def test_a_missing_video_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope.mp4 does not exist"):
        VideoFileSource(tmp_path / "nope.mp4")


# --- annotation files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "text", "problem"),
    [
        ("createml", "a.json", '[{"image": "a.jpg", "annotations": [', "invalid JSON"),
        ("createml", "b.json", '{"not": "a list"}', "expected a JSON list"),
        ("createml", "c.json", "", "expected a JSON list"),
        ("turicreate", "d.csv", "", "the file is empty"),
        ("turicreate", "e.csv", "path,label\na.jpg,Ann\n", "header has no xmin column"),
        (
            "turicreate",
            "f.csv",
            'path,label,xMin,yMin,xMax,yMax\n"a.jpg,Ann,1',
            "expected at least",
        ),
        ("voc", "g.xml", "<annotation><filename>a.jpg</filename><object>", "bad XML"),
        ("voc", "h.xml", "", "bad XML"),
    ],
)
def test_malformed_annotation_files_report_file_and_problem(
    tmp_path: Path, fmt: str, name: str, text: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    parsed = read_annotations(path, fmt)
    assert not parsed.faces
    assert any(problem in p.message and p.where.file == path for p in parsed.problems), parsed


@pytest.mark.parametrize("fmt", ["createml", "turicreate", "voc"])
def test_binary_annotation_files_are_refused_as_not_text(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "binary.dat"
    path.write_bytes(b"\xff\xfe\x00\x81" + np.random.default_rng(3).bytes(500))
    with pytest.raises(InputError, match=r"binary.dat is not UTF-8 text"):
        read_annotations(path, fmt)


def test_xml_entity_tricks_are_neither_expanded_nor_followed(tmp_path: Path) -> None:
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l0 "lol">{laughs}]>'
    bomb += "<annotation><filename>a.jpg</filename><object><name>&l9;</name></object></annotation>"
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<annotation><filename>a.jpg</filename><object><name>&x;</name>"
        "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox>"
        "</object></annotation>"
    )
    for name, text in (("bomb.xml", bomb), ("xxe.xml", xxe)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        started = time.monotonic()
        parsed = read_annotations(path, "voc")
        assert time.monotonic() - started < 2.0
        assert not parsed.faces and parsed.problems, name
        assert "root:" not in str(parsed)


# --- catalog files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", b'[{"sku": "A1", "name": ', "not valid JSON"),
        ("obj.json", b'{"sku": "A1"}', "expected a JSON list of products"),
        ("head.csv", b"sku,name\nA1,Tea\n", "missing column"),
        ("bin.csv", b"\xff\xfe\x00\x81garbage", "bin.csv"),
        ("empty.csv", b"", "empty.csv"),
    ],
)
def test_malformed_catalog_files_write_nothing(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    store = Store(tmp_path / "kiosk.db")
    try:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError, match=message):
            Catalog(store).import_file(path)
        assert store.db.execute("SELECT count(*) FROM products").fetchone()[0] == 0
    finally:
        store.close()


def _tiff(width: int, height: int, ifd_at_end: bool) -> bytes:
    """A little-endian TIFF whose first IFD declares `width` x `height` (deflate), optionally
    placed after a padding blob so that it sits beyond the first 64 KiB."""
    pad = b"\x00" * (100_000 if ifd_at_end else 0)
    offset = 8 + len(pad)
    entries = [(256, 4, 1, width), (257, 4, 1, height), (259, 3, 1, 8)]  # 8: deflate
    ifd = struct.pack("<H", len(entries))
    ifd += b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", offset) + pad + ifd


@pytest.mark.parametrize("ifd_at_end", [False, True])
def test_a_huge_deflated_tiff_is_refused_before_decoding(tmp_path: Path, ifd_at_end: bool) -> None:
    """A 120 KB TIFF declaring 60,000 x 60,000 pixels (it decodes to gigabytes)."""
    path = tmp_path / "bomb.tif"
    path.write_bytes(_tiff(60_000, 60_000, ifd_at_end))
    with pytest.raises(InputError, match="60000 x 60000 pixels, over the limit"):
        read_image(path)


def test_a_format_whose_size_cannot_be_read_first_is_not_decoded(tmp_path: Path) -> None:
    path = tmp_path / "image.jpg"
    path.write_bytes(b"P6\n60000 60000\n255\n" + b"\x00" * 64)  # a PNM header, any suffix
    with pytest.raises(InputError, match="not a PNG, JPEG, BMP, WebP or TIFF"):
        read_image(path)
