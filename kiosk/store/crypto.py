"""Biometric data at rest: AES-256-GCM with a key kept outside the database file.

The key is 32 random bytes in a file created on first run with owner-only permissions. Each
stored value gets a fresh 12-byte nonce, and associated data binds the ciphertext to its row
(e.g. "template:<person>:<model>"), so a ciphertext moved to another row does not decrypt.
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import CryptoError

KEY_BYTES = 32
NONCE_BYTES = 12


@dataclass(frozen=True, slots=True)
class Sealed:
    """A ciphertext and the nonce it was sealed with."""

    nonce: bytes
    ciphertext: bytes


class Vault:
    """Seals and opens bytes and float32 vectors with the kiosk's key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise CryptoError(f"encryption key must be {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, data: bytes, context: str) -> Sealed:
        """Encrypt `data`, bound to `context` (authenticated, not secret)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return Sealed(nonce, self._aead.encrypt(nonce, data, context.encode()))

    def open(self, sealed: Sealed, context: str) -> bytes:
        """Decrypt; CryptoError if the key, the context or the bytes are wrong."""
        try:
            return self._aead.decrypt(sealed.nonce, sealed.ciphertext, context.encode())
        except InvalidTag as exc:
            raise CryptoError(
                "stored data does not decrypt: wrong key, or the database was altered "
                f"({context.split(':', maxsplit=1)[0]})"
            ) from exc

    def seal_vector(self, vector: npt.ArrayLike, context: str) -> Sealed:
        """Encrypt a float32 vector (little-endian bytes)."""
        return self.seal(np.asarray(vector, dtype="<f4").tobytes(), context)

    def open_vector(self, sealed: Sealed, context: str) -> npt.NDArray[np.float32]:
        """Decrypt a float32 vector sealed by `seal_vector`."""
        return np.frombuffer(self.open(sealed, context), dtype="<f4").astype(np.float32)


def load_or_create_key(path: Path, create: bool = True) -> bytes:
    """Read the key file, or create it (0600) when `create` and it does not exist.

    Raises:
        CryptoError: the file is missing (and not to be created), unreadable, of the wrong size,
            or readable by other users.
    """
    if not path.exists():
        if not create:
            raise CryptoError(
                f"encryption key {path} is missing: without it the stored templates cannot be "
                f"read; restore the key file from backup"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        return key
    try:
        mode = path.stat().st_mode
        key = path.read_bytes()
    except OSError as exc:
        raise CryptoError(f"encryption key {path} cannot be read: {exc.strerror or exc}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CryptoError(f"encryption key {path} is readable by others; chmod 600 it")
    if len(key) != KEY_BYTES:
        raise CryptoError(f"encryption key {path} has {len(key)} bytes, expected {KEY_BYTES}")
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """Write a key file that does not exist yet, owner-only (0600), flushed to disk.

    Raises:
        CryptoError: the file exists already or cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise CryptoError(f"key file {path} cannot be written: {exc.strerror or exc}") from exc
