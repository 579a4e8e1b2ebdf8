"""The encrypted gallery bundle another kiosk or the iPad imports (ios_companion/BUNDLE_FORMAT.md).

A ZIP (``.ifacebundle``): ``manifest.json`` first (plain JSON: format, version, created_at,
embedding model key + ONNX sha256 + dim + threshold, counts, cipher parameters, sha256 of every
plain entry), then ``gallery.enc`` = salt (16) || nonce (12) || AES-256-GCM ciphertext || tag
(16), key = scrypt(NFC-normalised UTF-8 passphrase, salt, N=2^15, r=8, p=1, dkLen=32),
associated data = the exact ``manifest.json`` bytes; optionally ``catalog.json`` and
``images/<sha256>.jpg``. The plaintext is JSON ``{"people": [{id, display_name, consent,
preferences, templates_b64, template_count, mean_b64}]}`` with raw float32 little-endian
descriptors. No face image is ever exported.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.core.types import FloatArray, readonly
from kiosk.errors import CryptoError, InputError, ModelMismatchError

FORMAT = "iface-bundle"
FORMAT_VERSION = 1
SUFFIX = ".ifacebundle"
MIN_PASSPHRASE = 10
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES = 2**15, 8, 1, 32
SALT_BYTES, NONCE_BYTES, TAG_BYTES = 16, 12, 16
MANIFEST, GALLERY = "manifest.json", "gallery.enc"
_WRONG = "wrong passphrase or damaged bundle"


@dataclass(frozen=True, slots=True)
class EmbeddingInfo:
    """The model that made the templates: manifest key, ONNX sha256, dim, distance threshold."""

    model_key: str
    onnx_sha256: str
    dim: int
    max_distance: float


@dataclass(frozen=True, slots=True)
class BundlePerson:
    """One person in a bundle.

    Attributes:
        id: a stable opaque id (UUID text).
        display_name: the name staff entered.
        consent_given_at: RFC 3339 UTC with `Z`.
        consent_scope: e.g. ("recognition", "suggestions").
        preferences: JSON object text.
        templates: float32 (T, D) raw descriptors, read-only.
    """

    id: str
    display_name: str
    consent_given_at: str
    consent_scope: tuple[str, ...]
    preferences: str
    templates: FloatArray

    @property
    def mean(self) -> FloatArray:
        """The mean template (D,)."""
        return readonly(self.templates.mean(axis=0))


@dataclass(frozen=True, slots=True)
class BundleExtras:
    """Plain entries to add: catalog.json bytes and images/<name> -> bytes, with counts."""

    catalog_json: bytes
    images: Mapping[str, bytes] = field(default_factory=dict)
    products: int = 0


@dataclass(frozen=True, slots=True)
class GalleryBundle:
    """A read bundle: its manifest fields and the decrypted people."""

    created_at: str
    embedding: EmbeddingInfo
    people: tuple[BundlePerson, ...]
    templates: int
    extra_entries: tuple[str, ...]


def rfc3339(moment: datetime) -> str:
    """UTC, seconds precision, `Z` suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """scrypt(NFC UTF-8 passphrase, salt, N=2^15, r=8, p=1) -> 32 bytes."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.scrypt(
        secret, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES, maxmem=64 << 20
    )


def _b64_matrix(matrix: FloatArray) -> str:
    return base64.b64encode(np.asarray(matrix, dtype="<f4").tobytes()).decode("ascii")


def _manifest(
    people: Sequence[BundlePerson],
    embedding: EmbeddingInfo,
    *,
    created_by: str,
    now: datetime,
    extras: BundleExtras | None,
    plain: Mapping[str, bytes],
) -> bytes:
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": rfc3339(now),
        "created_by": created_by,
        "embedding": {
            "model_key": embedding.model_key,
            "onnx_sha256": embedding.onnx_sha256,
            "dim": embedding.dim,
            "metric": "euclidean",
            "max_distance": embedding.max_distance,
        },
        "counts": {
            "people": len(people),
            "templates": sum(int(p.templates.shape[0]) for p in people),
            "products": extras.products if extras else 0,
            "images": len(extras.images) if extras else 0,
        },
        "gallery": {
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            "kdf_params": {"N": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
            | {"salt_bytes": SALT_BYTES, "key_bytes": KEY_BYTES},
            "nonce_bytes": NONCE_BYTES,
            "tag_bytes": TAG_BYTES,
            "aad": MANIFEST,
        },
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in plain.items()},
    }
    return json.dumps(manifest, indent=2).encode("utf-8")


def write_bundle(
    path: Path,
    people: Sequence[BundlePerson],
    embedding: EmbeddingInfo,
    passphrase: str,
    *,
    created_by: str,
    extras: BundleExtras | None = None,
    now: datetime | None = None,
) -> GalleryBundle:
    """Write a bundle (atomically: beside `path`, then renamed).

    Raises:
        InputError: the passphrase is shorter than MIN_PASSPHRASE, or the file cannot be written.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(f"the bundle passphrase needs at least {MIN_PASSPHRASE} characters")
    plain: dict[str, bytes] = {}
    if extras is not None:
        plain["catalog.json"] = extras.catalog_json
        plain |= {f"images/{name}": data for name, data in extras.images.items()}
    moment = now or datetime.now(UTC)
    manifest = _manifest(
        people, embedding, created_by=created_by, now=moment, extras=extras, plain=plain
    )
    body = {
        "people": [
            {"id": p.id, "display_name": p.display_name}
            | {"consent": {"given_at": p.consent_given_at, "scope": list(p.consent_scope)}}
            | {"preferences": json.loads(p.preferences or "{}")}
            | {"templates_b64": _b64_matrix(p.templates), "template_count": len(p.templates)}
            | {"mean_b64": _b64_matrix(p.mean)}
            for p in people
        ]
    }
    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(derive_key(passphrase, salt)).encrypt(
        nonce, json.dumps(body).encode("utf-8"), manifest
    )
    tmp = path.with_name(path.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest)
            archive.writestr(GALLERY, salt + nonce + sealed, zipfile.ZIP_STORED)
            for name, data in plain.items():
                archive.writestr(name, data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write bundle {path}: {exc.strerror or exc}") from exc
    total = sum(len(p.templates) for p in people)
    return GalleryBundle(rfc3339(moment), embedding, tuple(people), total, tuple(plain))


def _safe_names(archive: zipfile.ZipFile, path: Path) -> None:
    names = archive.namelist()
    if not names or names[0] != MANIFEST:
        raise InputError(f"{path}: not a gallery bundle ({MANIFEST} must be the first entry)")
    for name in names:
        parts = PurePosixPath(name).parts
        allowed = name in {MANIFEST, GALLERY, "catalog.json"} or (
            len(parts) == 2 and parts[0] == "images"
        )
        if not allowed or name.startswith("/") or ".." in parts or not name.isascii():
            raise InputError(f"{path}: unexpected or unsafe entry {name!r} in the bundle")


def _check_manifest(manifest: Any, path: Path, onnx_sha256: str) -> EmbeddingInfo:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{path}: not a gallery bundle (format is not {FORMAT!r})")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError(
            f"{path}: bundle format version {version!r}; this kiosk reads up to "
            f"{FORMAT_VERSION}: update the kiosk"
        )
    emb = manifest.get("embedding") or {}
    theirs = str(emb.get("onnx_sha256", ""))
    if theirs != onnx_sha256:
        raise ModelMismatchError(
            f"{path}: bundle made with embedding model {theirs or '(none)'}, this kiosk has "
            f"{onnx_sha256}: export again from a kiosk with the same model"
        )
    return EmbeddingInfo(
        str(emb.get("model_key", "")),
        theirs,
        int(emb.get("dim", 0)),
        float(emb.get("max_distance", 0)),
    )


def _person(raw: Any, dim: int) -> BundlePerson:
    data = base64.b64decode(raw["templates_b64"], validate=True)
    count = int(raw["template_count"])
    if len(data) != 4 * count * dim or count < 1:
        raise ValueError(f"{count} templates of {dim} floats need {4 * count * dim} bytes")
    consent = raw.get("consent") or {}
    return BundlePerson(
        id=str(raw["id"]),
        display_name=str(raw["display_name"]),
        consent_given_at=str(consent.get("given_at", "")),
        consent_scope=tuple(str(s) for s in consent.get("scope", ())),
        preferences=json.dumps(raw.get("preferences") or {}),
        templates=readonly(np.frombuffer(data, dtype="<f4").reshape(count, dim)),
    )


def read_bundle(path: Path, passphrase: str, onnx_sha256: str) -> GalleryBundle:
    """Open a bundle made for the embedding model `onnx_sha256`.

    Raises:
        InputError: not a readable bundle, unsafe entries, a plain entry fails its hash.
        ModelMismatchError: made with another embedding model (both sha256 named).
        CryptoError: wrong passphrase or damaged gallery.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            _safe_names(archive, path)
            manifest_bytes = archive.read(MANIFEST)
            manifest = json.loads(manifest_bytes)
            embedding = _check_manifest(manifest, path, onnx_sha256)
            for name, digest in (manifest.get("files") or {}).items():
                if hashlib.sha256(archive.read(name)).hexdigest() != digest:
                    raise InputError(f"{path}: {name} does not match its sha256 in the manifest")
            blob = archive.read(GALLERY)
            extras = tuple(n for n in archive.namelist() if n not in {MANIFEST, GALLERY})
    except (OSError, zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable gallery bundle: {exc}") from exc
    salt, nonce = blob[:SALT_BYTES], blob[SALT_BYTES : SALT_BYTES + NONCE_BYTES]
    try:
        plain = AESGCM(derive_key(passphrase, salt)).decrypt(
            nonce, blob[SALT_BYTES + NONCE_BYTES :], manifest_bytes
        )
    except (InvalidTag, ValueError) as exc:
        raise CryptoError(f"{path}: {_WRONG}") from exc
    try:
        people = tuple(_person(p, embedding.dim) for p in json.loads(plain)["people"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path}: the gallery does not match the manifest: {exc}") from exc
    counts = manifest.get("counts") or {}
    total = sum(len(p.templates) for p in people)
    if counts.get("people") != len(people) or counts.get("templates") != total:
        raise InputError(f"{path}: the gallery's counts do not match the manifest")
    return GalleryBundle(str(manifest.get("created_at", "")), embedding, people, total, extras)
