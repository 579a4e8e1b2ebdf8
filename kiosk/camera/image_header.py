"""The width and height an image file declares in its header, read before decoding it.

So that a tiny file claiming 100,000 x 100,000 pixels is refused before the decoder allocates
memory for it. PNG, JPEG, BMP, WebP and TIFF (the first image's IFD, wherever it sits in the
file); `is_known_format` tells whether a file is one of these, and the kiosk decodes nothing
else (a format whose size cannot be read first, such as a deflated TIFF variant it does not
know, could take gigabytes). Pure: bytes in, numbers out, never raises.
"""

from __future__ import annotations

import struct

_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_NO_LENGTH = frozenset(range(0xD0, 0xDA)) | {0x01}


_TIFF_LE, _TIFF_BE = b"II*\x00", b"MM\x00*"
_TIFF_WIDTH, _TIFF_LENGTH = 256, 257


def is_known_format(data: bytes) -> bool:
    """Whether `data` (the file's first bytes) starts like a PNG, JPEG, BMP, WebP or TIFF."""
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"BM", _TIFF_LE, _TIFF_BE)) or (
        data.startswith(b"RIFF") and data[8:12] == b"WEBP"
    )


def declared_size(data: bytes) -> tuple[int, int] | None:  # noqa: PLR0911 (one per format)
    """(width, height) in pixels from the header of a PNG, JPEG, BMP, WebP or TIFF file (the
    whole file for TIFF, whose header may sit at its end), else None."""
    try:
        if data.startswith((_TIFF_LE, _TIFF_BE)):
            return _tiff_size(data)
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data.startswith(b"\xff\xd8"):
            return _jpeg_size(data)
        if data.startswith(b"BM"):
            width, height = struct.unpack("<ii", data[18:26])
            return abs(int(width)), abs(int(height))
        if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
            return _webp_size(data)
    except (struct.error, IndexError):
        return None
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _JPEG_NO_LENGTH:
            i += 2
            continue
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    order = "<" if data.startswith(_TIFF_LE) else ">"
    (offset,) = struct.unpack(order + "I", data[4:8])
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    size: dict[int, int] = {}
    for i in range(min(count, 4096)):
        at = offset + 2 + 12 * i
        tag, kind = struct.unpack(order + "HH", data[at : at + 4])
        if tag in (_TIFF_WIDTH, _TIFF_LENGTH):
            fmt = "H" if kind == 3 else "I"  # SHORT or LONG
            (size[tag],) = struct.unpack(order + fmt, data[at + 8 : at + 8 + struct.calcsize(fmt)])
    if _TIFF_WIDTH in size and _TIFF_LENGTH in size:
        return size[_TIFF_WIDTH], size[_TIFF_LENGTH]
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 30:
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    return None
