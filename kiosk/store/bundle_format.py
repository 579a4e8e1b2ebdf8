"""What the bundle writer and its readers agree on: format 2's names, sizes and key derivation.

Entry names, the cipher's byte sizes, the scrypt parameters, the file suffix, the timestamp form
(RFC 3339 UTC with `Z`), the passphrase -> key derivation and the manifest's description of the
cipher, as ios_companion/BUNDLE_FORMAT.md specifies them. kiosk.store.bundle writes with them;
kiosk.store.bundle_read and kiosk.store.bundle_validate read and check with them.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC, datetime
from typing import Any

FORMAT = "iface-bundle"
FORMAT_VERSION = 2
SUFFIX = ".ifacebundle"
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**15, 8, 1, 32
SALT_BYTES, NONCE_BYTES, TAG_BYTES = 16, 12, 16
MANIFEST, SIGNATURE, GALLERY, CATALOG = (
    "manifest.json",
    "signature.json",
    "gallery.enc",
    "catalog.json",
)


def rfc3339(moment: datetime) -> str:
    """UTC, seconds precision, `Z` suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    """The inverse of `rfc3339`; ValueError for anything else."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """scrypt(NFC UTF-8 passphrase, salt, N=2^15, r=8, p=1) -> 32 bytes."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(
        secret, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES, maxmem=64 << 20
    )


def gallery_cipher() -> dict[str, Any]:
    """The manifest's "gallery" section: how gallery.enc is encrypted (a fresh dict)."""
    return {
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "kdf_params": {"N": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        | {"salt_bytes": SALT_BYTES, "key_bytes": KEY_BYTES},
        "nonce_bytes": NONCE_BYTES,
        "tag_bytes": TAG_BYTES,
        "aad": MANIFEST,
    }
