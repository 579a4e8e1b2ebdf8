"""A pure-Python reader of dlib's binary serialisation (integers, floats, tensors, strings).

See docs in models/build/dlib_resnet/__init__.py for the format facts it relies on.
"""

from __future__ import annotations

import numpy as np


class DlibReader:
    """Sequential reader of dlib's ``serialize()`` binary format."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise ValueError(f"unexpected end of file at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def read_int(self) -> int:
        """Control byte (low 4 bits: byte count, bit 7: sign), then little-endian magnitude."""
        control = self._take(1)[0]
        size = control & 0x0F
        if size > 8 or control & 0x70:
            raise ValueError(f"bad integer control byte 0x{control:02x} at byte {self.pos - 1}")
        magnitude = int.from_bytes(self._take(size), "little")
        return -magnitude if control & 0x80 else magnitude

    def read_float(self) -> float:
        """A scalar float: mantissa then exponent, value = mantissa * 2**exponent."""
        mantissa = self.read_int()
        exponent = self.read_int()
        if exponent in (32000, 32001, 32002):  # dlib's is_inf, is_ninf, is_nan markers
            raise ValueError(f"non-finite float in file at byte {self.pos}")
        return float(np.ldexp(np.float64(mantissa), exponent))

    def read_bool(self) -> bool:
        """ASCII '1' or '0'."""
        char = self._take(1)
        if char not in (b"0", b"1"):
            raise ValueError(f"bad bool {char!r} at byte {self.pos - 1}")
        return char == b"1"

    def read_str(self) -> str:
        """Length, then that many bytes."""
        return self._take(self.read_int()).decode("ascii")

    def read_tensor(self) -> np.ndarray:
        """Tensor version 2: dims (n, k, nr, nc), then little-endian float32 values."""
        self.expect_int(2, "tensor version")
        shape = tuple(self.read_int() for _ in range(4))
        count = int(np.prod(shape))
        values = np.frombuffer(self._take(4 * count), dtype="<f4")
        return values.reshape(shape).astype(np.float32)

    def expect_int(self, allowed: int | tuple[int, ...], what: str) -> int:
        """Read an integer and fail unless it is one of ``allowed``."""
        allowed = (allowed,) if isinstance(allowed, int) else allowed
        value = self.read_int()
        if value not in allowed:
            raise ValueError(f"{what}: expected {allowed}, found {value} at byte {self.pos}")
        return value

    def expect_str(self, allowed: str | tuple[str, ...], what: str) -> str:
        """Read a string and fail unless it is one of ``allowed``."""
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        value = self.read_str()
        if value not in allowed:
            raise ValueError(f"{what}: expected {allowed}, found {value!r} at byte {self.pos}")
        return value

    def at_end(self) -> bool:
        return self.pos == len(self.data)
