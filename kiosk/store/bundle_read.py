"""Reading a bundle: sizes and counts capped before any entry is read, then signature, manifest,
expiry and counter, file hashes, decryption, and every field of the gallery (bundle_validate).

Order (cheap and passphrase-free checks first, so a hostile file costs nothing):

1. the file's size; the ZIP's end record (entry count, directory size, no ZIP64);
2. the directory: at most the expected entries, known names only, each stored uncompressed and
   within its size cap, manifest.json first;
3. signature.json verifies over manifest.json and gallery.enc (and matches the pinned signer);
4. manifest.json field by field; the embedding model and dim; not expired; its counter not below
   one already imported from the same signer;
5. every plain entry's sha256;
6. scrypt + AES-GCM with manifest.json as associated data;
7. the plaintext, field by field.

Safe off the GUI thread: no database access.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.errors import CryptoError, InputError
from kiosk.store import bundle_signing
from kiosk.store.bundle import GalleryBundle
from kiosk.store.bundle_format import (
    CATALOG,
    GALLERY,
    MANIFEST,
    NONCE_BYTES,
    SALT_BYTES,
    SIGNATURE,
    TAG_BYTES,
    derive_key,
    parse_rfc3339,
)
from kiosk.store.bundle_validate import (
    MAX_IMAGES,
    ManifestFacts,
    check_manifest,
    check_plaintext,
    loads,
)

MAX_BUNDLE_BYTES = 256 << 20
MAX_DIRECTORY_BYTES = 4 << 20
CAPS = {MANIFEST: 256 << 10, SIGNATURE: 4 << 10, GALLERY: 96 << 20, CATALOG: 8 << 20}
MAX_IMAGE_BYTES = 2 << 20
MAX_ENTRIES = len(CAPS) + MAX_IMAGES
_WRONG = "wrong passphrase or damaged bundle"
_IMAGE = re.compile(r"images/[0-9a-f]{64}\.(jpg|png)")
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the reading kiosk requires of a bundle.

    Attributes:
        onnx_sha256: its embedding model's sha256.
        dim: its descriptors' length.
        signer: a pinned signer fingerprint, or None to accept any valid signature.
        seen: signer fingerprint -> highest counter already imported (older ones are refused).
        now: the time to check expiry against (None: now).
    """

    onnx_sha256: str
    dim: int
    signer: str | None = None
    seen: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    now: datetime | None = None


def _cap(name: str) -> int | None:
    if name in CAPS:
        return CAPS[name]
    return MAX_IMAGE_BYTES if _IMAGE.fullmatch(name) else None


def check_end_record(path: Path) -> None:
    """Refuse a file too large, or a ZIP whose end record promises too much, before parsing."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            handle.seek(max(0, size - (22 + 65535)))
            tail = handle.read()
    except OSError as exc:
        raise InputError(f"{path}: not a readable gallery bundle: {exc.strerror or exc}") from exc
    if size > MAX_BUNDLE_BYTES:
        raise InputError(f"{path}: {size} bytes; a bundle is at most {MAX_BUNDLE_BYTES} bytes")
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise InputError(f"{path}: not a gallery bundle (no ZIP end record)")
    if tail.rfind(_ZIP64_LOCATOR, 0, at) >= 0:
        raise InputError(f"{path}: ZIP64 archives are not bundles")
    entries, directory = struct.unpack_from("<HI", tail, at + 10)
    if entries > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        raise InputError(
            f"{path}: the ZIP directory lists {entries} entries in {directory} bytes; a bundle "
            f"has at most {MAX_ENTRIES} entries"
        )


def check_directory(archive: zipfile.ZipFile, path: Path) -> None:
    """Every entry known, unique, stored uncompressed and within its cap; manifest first."""
    infos = archive.infolist()
    names = [i.filename for i in infos]
    if not names or names[0] != MANIFEST or SIGNATURE not in names or GALLERY not in names:
        raise InputError(
            f"{path}: not a gallery bundle ({MANIFEST} first, {SIGNATURE} and {GALLERY} needed)"
        )
    if len(set(names)) != len(names) or len(names) > MAX_ENTRIES:
        raise InputError(f"{path}: duplicate entries, or more than {MAX_ENTRIES}")
    total = 0
    for info in infos:
        cap = _cap(info.filename)
        if cap is None:
            raise InputError(f"{path}: unexpected or unsafe entry {info.filename!r} in the bundle")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise InputError(
                f"{path}: entry {info.filename} is compressed; bundle entries are stored as is "
                f"(nothing is decompressed)"
            )
        if info.file_size > cap:
            raise InputError(f"{path}: entry {info.filename} has {info.file_size} bytes, cap {cap}")
        total += info.file_size
    if total > MAX_BUNDLE_BYTES:
        raise InputError(f"{path}: entries add up to {total} bytes, cap {MAX_BUNDLE_BYTES}")


def _check_fresh(facts: ManifestFacts, expect: Expectation, path: Path) -> None:
    now = expect.now or datetime.now(UTC)
    if now >= parse_rfc3339(facts.expires_at):
        raise InputError(
            f"{path}: the bundle expired at {facts.expires_at}; export a new one on the PC"
        )
    if expect.signer is not None and facts.signer != expect.signer:
        raise CryptoError(
            f"{path}: signed by key {facts.signer[:16]}…, expected {expect.signer[:16]}…"
        )
    newest = expect.seen.get(facts.signer, 0)
    if facts.counter < newest:
        raise InputError(
            f"{path}: export number {facts.counter} is older than number {newest} already "
            f"imported from the same kiosk; an old bundle could bring back forgotten people"
        )


def _open_gallery(blob: bytes, passphrase: str, manifest: bytes, path: Path) -> bytes:
    if len(blob) < SALT_BYTES + NONCE_BYTES + TAG_BYTES:
        raise InputError(f"{path}: gallery.enc is too short")
    salt, nonce = blob[:SALT_BYTES], blob[SALT_BYTES : SALT_BYTES + NONCE_BYTES]
    try:
        return AESGCM(derive_key(passphrase, salt)).decrypt(
            nonce, blob[SALT_BYTES + NONCE_BYTES :], manifest
        )
    except (InvalidTag, ValueError) as exc:
        raise CryptoError(f"{path}: {_WRONG}") from exc


def read_bundle(path: Path, passphrase: str, expect: Expectation) -> GalleryBundle:
    """Open, verify and decrypt a bundle (see the module docstring for the order).

    Raises:
        InputError: not a bundle, over a cap, malformed in any field, expired, or older than one
            already imported (exit 4).
        ModelMismatchError: made with another embedding model (both sha256 named).
        CryptoError: bad signature, another signer than the pinned one, or wrong passphrase.
    """
    check_end_record(path)
    try:
        with zipfile.ZipFile(path) as archive:
            check_directory(archive, path)
            manifest = archive.read(MANIFEST)
            signature = archive.read(SIGNATURE)
            blob = archive.read(GALLERY)
            signer = bundle_signing.verify(signature, manifest, blob)
            facts = check_manifest(loads(manifest, "manifest.json"), expect.onnx_sha256, expect.dim)
            if signer.fingerprint != facts.signer:
                raise CryptoError(f"{path}: manifest.json names another signer than the signature")
            _check_fresh(facts, expect, path)
            plain = [n for n in archive.namelist() if n not in {MANIFEST, SIGNATURE, GALLERY}]
            if sorted(plain) != sorted(facts.files):
                raise InputError(f"{path}: the entries differ from the manifest's file list")
            for name in plain:
                if hashlib.sha256(archive.read(name)).hexdigest() != facts.files[name]:
                    raise InputError(f"{path}: {name} does not match its sha256 in the manifest")
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{path}: not a readable gallery bundle: {exc}") from exc
    body = loads(_open_gallery(blob, passphrase, manifest, path), "the decrypted gallery")
    people, forgotten = check_plaintext(body, facts)
    return GalleryBundle(
        created_at=facts.created_at,
        expires_at=facts.expires_at,
        counter=facts.counter,
        signer=facts.signer,
        embedding=facts.embedding,
        people=people,
        forgotten=forgotten,
        templates=facts.counts["templates"],
        extra_entries=tuple(plain),
        rules=facts.rules,
    )
