"""The chain key: wrapped by a passphrase at HQ, unwrapped once by each kiosk, sealing all data.

- The chain key is 32 random bytes made by `kiosk fleet init`. PostgreSQL stores it only
  wrapped: AES-256-GCM under a key derived from the chain passphrase with scrypt (salt and cost
  stored beside it), bound to the chain id. A wrong passphrase fails the GCM tag: nothing else
  is tried, nothing written.
- Every personal value is sealed by the kiosk before it leaves (`ChainSealer`): AES-256-GCM
  with a fresh nonce, bound by associated data to the chain, the kind of value and the uids
  it belongs to, so PostgreSQL (or anyone with its files) sees opaque bytes and cannot move a
  ciphertext to another row.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import struct
from dataclasses import dataclass

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.core.types import FloatArray, readonly
from kiosk.errors import ChainError, InputError

KEY_BYTES = 32
NONCE_BYTES = 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # ~32 MiB and ~0.1 s per try
MIN_PASSPHRASE = 12


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """The chain key as PostgreSQL stores it: scrypt parameters and the AES-GCM blob."""

    salt: bytes
    n: int
    r: int
    p: int
    blob: bytes  # nonce || ciphertext


def check_passphrase(passphrase: str) -> None:
    """Refuse passphrases that are short or nearly all one character.

    Raises:
        InputError: saying what a chain passphrase needs.
    """
    if len(passphrase) < MIN_PASSPHRASE or len(set(passphrase.strip())) < 6:
        raise InputError(
            f"a chain passphrase needs at least {MIN_PASSPHRASE} characters, 6 of them "
            f"different; got {len(passphrase)} characters"
        )


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def new_chain_key(passphrase: str, chain_id: str) -> tuple[bytes, WrappedKey]:
    """A fresh chain key and its passphrase-wrapped form."""
    check_passphrase(passphrase)
    key = secrets.token_bytes(KEY_BYTES)
    return key, wrap_key(key, passphrase, chain_id)


def wrap_key(key: bytes, passphrase: str, chain_id: str) -> WrappedKey:
    """Wrap `key` under scrypt(passphrase), bound to `chain_id`."""
    salt = secrets.token_bytes(16)
    kek = _kek(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    nonce = secrets.token_bytes(NONCE_BYTES)
    blob = nonce + AESGCM(kek).encrypt(nonce, key, f"chain-key:{chain_id}".encode())
    return WrappedKey(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, blob)


def unwrap_key(wrapped: WrappedKey, passphrase: str, chain_id: str) -> bytes:
    """The chain key, or ChainError when the passphrase (or the stored blob) is wrong."""
    if not (2**10 <= wrapped.n <= 2**20 and 1 <= wrapped.r <= 32 and 1 <= wrapped.p <= 16):
        raise ChainError(f"the chain's key parameters are implausible (n={wrapped.n})")
    kek = _kek(passphrase, wrapped.salt, wrapped.n, wrapped.r, wrapped.p)
    nonce, body = wrapped.blob[:NONCE_BYTES], wrapped.blob[NONCE_BYTES:]
    try:
        return AESGCM(kek).decrypt(nonce, body, f"chain-key:{chain_id}".encode())
    except InvalidTag as exc:
        raise ChainError(
            "the chain passphrase is wrong (it does not unwrap this chain's key); nothing "
            "was written"
        ) from exc


def key_check(key: bytes, chain_id: str) -> str:
    """A public fingerprint of the key (HMAC), stored centrally to catch a kiosk's wrong key."""
    return hmac.new(key, f"key-check:{chain_id}".encode(), hashlib.sha256).hexdigest()


class ChainSealer:
    """Seals and opens the chain's personal data with the chain key."""

    def __init__(self, key: bytes, chain_id: str) -> None:
        if len(key) != KEY_BYTES:
            raise ChainError(f"a chain key has {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(key)
        self._chain = chain_id

    def seal(self, data: bytes, *context: str) -> bytes:
        """nonce || AES-GCM(data), bound to the chain and `context` (kind, uids)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        aad = ":".join((self._chain, *context)).encode()
        return nonce + self._aead.encrypt(nonce, data, aad)

    def open(self, blob: bytes, *context: str) -> bytes:
        """Inverse of `seal`; ChainError if the key, the context or the bytes are wrong."""
        aad = ":".join((self._chain, *context)).encode()
        try:
            return self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag as exc:
            raise ChainError(
                f"a {context[0]} from the chain does not decrypt with this kiosk's chain key "
                f"(another chain's data, or altered in the database)"
            ) from exc

    def seal_json(self, value: object, *context: str) -> bytes:
        """Seal a JSON-serialisable value."""
        return self.seal(json.dumps(value, separators=(",", ":")).encode(), *context)

    def open_json(self, blob: bytes, *context: str) -> object:
        """Inverse of `seal_json`."""
        return json.loads(self.open(blob, *context))


_TEMPLATE_HEAD = struct.Struct("<fH")  # quality, length of the source label


def pack_template(source: str, quality: float, vector: FloatArray) -> bytes:
    """Template plaintext: quality (float32), source label, then the float32 vector."""
    label = source.encode()
    return _TEMPLATE_HEAD.pack(quality, len(label)) + label + vector.astype("<f4").tobytes()


def unpack_template(data: bytes) -> tuple[str, float, FloatArray]:
    """Inverse of `pack_template`: (source, quality, read-only float32 vector)."""
    quality, length = _TEMPLATE_HEAD.unpack_from(data)
    start = _TEMPLATE_HEAD.size
    source = data[start : start + length].decode()
    vector = np.frombuffer(data[start + length :], dtype="<f4").astype(np.float32)
    if vector.size == 0 or not np.all(np.isfinite(vector)):
        raise ChainError(f"a template from the chain is malformed ({vector.size} values)")
    return source, float(quality), readonly(vector)
