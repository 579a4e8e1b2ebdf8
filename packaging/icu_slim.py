"""Slim Qt's ICU data library for the bundle: 31 MB of locale data the kiosk never reads.

PySide6 ships ICU 73 with its whole data package (`libicudata.so.73`: collation, converters,
time zones, unit and language display names, break dictionaries for every locale). Qt uses
ICU only for what the kiosk does not do (legacy text codecs, locale-aware collation, ICU
break iterators and time-zone names); Qt's own tables format numbers, prices and dates. So
the bundle carries the same package with only the items a kiosk in English, German or
Chinese could touch: every non-locale item (properties, normalisation, supplemental data,
indexes), and the root, en*, de* and zh* locale items of each tree. Converters, break
dictionaries and transliterators go.

The package format (ICU's `ucmndata.h`): a 16-byte-aligned header (`CmnD`), then a table of
contents `count, (name offset, data offset) * count` relative to its start, the names, and the
items, each aligned to 16 bytes, sorted by name. The rebuilt blob is linked into a shared
library with the same soname and data symbol (`icudt73_dat`), which libicuuc loads as before.

Usage: python packaging/icu_slim.py IN.so OUT.so   (Linux, needs nm and gcc)
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

KEEP_LANGUAGES = ("root", "en", "de", "zh")
_LOCALE = re.compile(r"^(root|[a-z]{2,3})(_[A-Za-z0-9]+)*$")
_DROP_SUFFIXES = (".cnv", ".dict")
_DROP_TREES = ("translit",)
_INDEXES = frozenset({"res_index", "pool"})  # each tree's locale list and shared strings
_ALIGN = 16
_PAD = b"\xaa"  # what icupkg pads with (a rewritten full package is byte-identical)


@dataclass(frozen=True, slots=True)
class Package:
    """An ICU common data package: its header bytes and its named items, in name order."""

    header: bytes
    items: tuple[tuple[str, bytes], ...]


def read_package(blob: bytes) -> Package:
    """Parse a `CmnD` package (little-endian, offset TOC).

    Raises:
        ValueError: not an ICU common data package.
    """
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package (CmnD)")
    base = header_size
    (count,) = struct.unpack_from("<I", blob, base)
    toc = [struct.unpack_from("<II", blob, base + 4 + 8 * k) for k in range(count)]
    items = []
    for k, (name_at, data_at) in enumerate(toc):
        end = toc[k + 1][1] if k + 1 < count else len(blob) - base
        name = blob[base + name_at : blob.index(b"\0", base + name_at)].decode("ascii")
        items.append((name, blob[base + data_at : base + end]))
    return Package(blob[:header_size], tuple(items))


def write_package(package: Package) -> bytes:
    """The package as bytes, laid out as ICU's `icupkg` writes it."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in package.items)
    toc_size = 4 + 8 * len(package.items)
    data_at = _aligned(toc_size + len(names))
    entries, body, name_at = [], bytearray(), toc_size
    for name, data in package.items:
        entries.append(struct.pack("<II", name_at, data_at + len(body)))
        name_at += len(name) + 1
        body += data + _PAD * (_aligned(len(data)) - len(data))
    toc = struct.pack("<I", len(package.items)) + b"".join(entries)
    head = toc + names
    return package.header + head + _PAD * (data_at - len(head)) + bytes(body)


def _aligned(size: int) -> int:
    return (size + _ALIGN - 1) // _ALIGN * _ALIGN


def keep(name: str) -> bool:
    """Whether an item (e.g. `icudt73l/coll/de.res`) stays in the slim package."""
    parts = name.split("/")[1:]
    stem = parts[-1].rsplit(".", 1)[0]
    if name.endswith(_DROP_SUFFIXES) or (len(parts) > 1 and parts[0] in _DROP_TREES):
        return False
    if not name.endswith(".res") or stem in _INDEXES or not _LOCALE.match(stem):
        return True  # properties, normalisation, indexes, supplemental data
    return stem.split("_")[0] in KEEP_LANGUAGES


def slim(package: Package) -> Package:
    """The package with only the items `keep` accepts (still in name order)."""
    return Package(package.header, tuple(item for item in package.items if keep(item[0])))


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the `icudt*_dat` data in an ICU data library."""
    out = subprocess.run(
        ["nm", "-D", "-S", "--defined-only", str(library)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        address, size, _kind, symbol = line.split()
        if re.fullmatch(r"icudt\d+_dat", symbol):
            return symbol, int(address, 16), int(size, 16)
    raise ValueError(f"{library}: no icudt*_dat symbol")


def rebuild(library: Path, out: Path) -> tuple[int, int]:
    """Write a slim copy of ICU data `library` to `out`; (bytes before, bytes after).

    The data symbol's address equals its file offset in PySide6's library (one loadable
    segment from offset 0); the package read from there is checked before it is trusted.
    """
    symbol, offset, size = data_symbol(library)
    blob = library.read_bytes()[offset : offset + size]
    slim_blob = write_package(slim(read_package(blob)))
    soname = library.name
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "icudata.dat"
        data.write_bytes(slim_blob)
        asm = Path(tmp) / "icudata.S"
        asm.write_text(
            f".section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n"
            f'{symbol}:\n.incbin "{data}"\n.size {symbol}, .-{symbol}\n'
            '.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        subprocess.run(
            ["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)],
            check=True,
        )
    return library.stat().st_size, out.stat().st_size


if __name__ == "__main__":
    before, after = rebuild(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{sys.argv[1]}: {before / 2**20:.1f} MiB -> {after / 2**20:.1f} MiB")
