"""The shop's bundle signing key (Ed25519) and the signature entry of a bundle.

The key is 32 random bytes (an Ed25519 seed) in ``<data dir>/bundle_signing.key``, created on the
first export with owner-only permissions, like the template key. The iPad pins the public key:
`kiosk people bundle-key` prints it and its fingerprint. A bundle's ``signature.json`` signs

    b"iface-bundle-signature-v2\\n" + sha256(manifest.json) hex + b"\\n" + sha256(gallery.enc) hex
    + b"\\n"

so the manifest (which holds the sha256 of every other entry, the counter, the expiry and the
rules) and the sealed gallery are both covered. Anyone with the passphrase can still decrypt; only
the holder of the signing key can make a bundle a pinned iPad accepts.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.errors import CryptoError, InputError
from kiosk.store.crypto import load_or_create_key

SIGNING_KEY_NAME = "bundle_signing.key"
ALGORITHM = "Ed25519"
_CONTEXT = b"iface-bundle-signature-v2\n"


@dataclass(frozen=True, slots=True)
class Signer:
    """A bundle signer's public key (32 raw bytes) and its fingerprint."""

    public_key: bytes

    @property
    def fingerprint(self) -> str:
        """sha256 of the raw public key, hex (64 characters)."""
        return hashlib.sha256(self.public_key).hexdigest()

    @property
    def public_key_b64(self) -> str:
        """The raw public key in base64 (what the iPad pins)."""
        return base64.b64encode(self.public_key).decode("ascii")


def signing_key_path(data_dir: Path) -> Path:
    """Where the shop's signing key lives."""
    return data_dir / SIGNING_KEY_NAME


def load_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """The shop's signing key, created (0600) on first use.

    Raises:
        CryptoError: the file is unreadable, of the wrong size, or readable by others.
    """
    return Ed25519PrivateKey.from_private_bytes(load_or_create_key(signing_key_path(data_dir)))


def signer_of(key: Ed25519PrivateKey) -> Signer:
    """The public half of `key`."""
    return Signer(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def signed_message(manifest: bytes, gallery: bytes) -> bytes:
    """The exact bytes the signature covers."""
    manifest_hex = hashlib.sha256(manifest).hexdigest().encode("ascii")
    gallery_hex = hashlib.sha256(gallery).hexdigest().encode("ascii")
    return _CONTEXT + manifest_hex + b"\n" + gallery_hex + b"\n"


def sign(key: Ed25519PrivateKey, manifest: bytes, gallery: bytes) -> bytes:
    """The ``signature.json`` entry for a bundle."""
    body = {
        "algorithm": ALGORITHM,
        "public_key": signer_of(key).public_key_b64,
        "signature": base64.b64encode(key.sign(signed_message(manifest, gallery))).decode(),
    }
    return json.dumps(body, indent=2).encode("utf-8")


def _field(body: dict[str, Any], name: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(str(body[name]), validate=True)
    except (KeyError, ValueError) as exc:
        raise InputError(f"signature.json: {name} is missing or not base64") from exc
    if len(raw) != size:
        raise InputError(f"signature.json: {name} has {len(raw)} bytes, expected {size}")
    return raw


def verify(signature_json: bytes, manifest: bytes, gallery: bytes) -> Signer:
    """Check ``signature.json`` against the manifest and gallery bytes; returns the signer.

    Raises:
        InputError: signature.json is malformed.
        CryptoError: the signature does not verify (the bundle was changed or forged).
    """
    try:
        body = json.loads(signature_json)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"signature.json is not JSON: {exc}") from exc
    if not isinstance(body, dict) or body.get("algorithm") != ALGORITHM:
        raise InputError(f"signature.json: expected algorithm {ALGORITHM!r}")
    public = _field(body, "public_key", 32)
    signature = _field(body, "signature", 64)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            signature, signed_message(manifest, gallery)
        )
    except InvalidSignature as exc:
        raise CryptoError(
            "the bundle's signature does not verify: it was changed after export, or forged"
        ) from exc
    return Signer(public)
