"""The signed, encrypted gallery bundle another kiosk or the iPad imports (format 2).

ios_companion/BUNDLE_FORMAT.md is the specification; in short: a ZIP (``.ifacebundle``) whose
entries are all stored uncompressed, in this order:

- ``manifest.json``: plain JSON: format, version, created_at, expires_at, an increasing counter,
  the signer's fingerprint, the embedding model (key, ONNX sha256, dim, threshold), counts, the
  cipher parameters, the shop's recognition and liveness rules, the sha256 of every plain entry;
- ``signature.json``: Ed25519 over the sha256 of manifest.json and of gallery.enc
  (kiosk.store.bundle_signing);
- ``gallery.enc``: salt (16) || nonce (12) || AES-256-GCM ciphertext || tag (16), key =
  scrypt(NFC UTF-8 passphrase, salt, N=2^15, r=8, p=1, 32 bytes), associated data = the exact
  manifest.json bytes. Plaintext: JSON ``{"people": [{id, display_name, consent, preferences,
  templates_b64, template_count}], "forgotten": [id, ...]}``; ids are the people's stable uids
  (32 hex), templates raw float32 little-endian;
- optionally ``catalog.json`` and ``images/<sha256>.<jpg|png>``.

No face image is ever exported. Reading (caps, signature, validation) is kiosk.store.bundle_read;
the names, sizes and key derivation both sides use are kiosk.store.bundle_format.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.core.types import FloatArray
from kiosk.errors import InputError
from kiosk.store import bundle_signing
from kiosk.store.bundle_format import (
    CATALOG,
    FORMAT,
    FORMAT_VERSION,
    GALLERY,
    MANIFEST,
    NONCE_BYTES,
    SALT_BYTES,
    SIGNATURE,
    derive_key,
    gallery_cipher,
    rfc3339,
)
from kiosk.store.bundle_passphrase import passphrase_problem

__all__ = [
    "DEFAULT_VALID_DAYS",
    "MAX_VALID_DAYS",
    "BundleExtras",
    "BundlePerson",
    "EmbeddingInfo",
    "GalleryBundle",
    "Sealing",
    "write_bundle",
]

DEFAULT_VALID_DAYS, MAX_VALID_DAYS = 14, 90


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
        id: the person's stable id (people.uid: 32 lowercase hex), the same on every kiosk.
        display_name: the name staff entered.
        consent_given_at: RFC 3339 UTC with `Z`.
        consent_scope: e.g. ("recognition", "suggestions").
        preferences: JSON object text, e.g. '{"categories": ["tea"]}'.
        templates: float32 (T, D) raw descriptors, read-only.
    """

    id: str
    display_name: str
    consent_given_at: str
    consent_scope: tuple[str, ...]
    preferences: str
    templates: FloatArray


@dataclass(frozen=True, slots=True)
class BundleExtras:
    """Plain entries to add: catalog.json bytes and images/<name> -> bytes, with counts."""

    catalog_json: bytes
    images: Mapping[str, bytes] = field(default_factory=dict)
    products: int = 0


@dataclass(frozen=True, slots=True)
class GalleryBundle:
    """A bundle's manifest facts and its decrypted people and tombstones.

    Attributes:
        created_at, expires_at: RFC 3339 UTC.
        counter: the exporting kiosk's export counter (increases with every export).
        signer: fingerprint (sha256 hex) of the signing key.
        embedding: the model that made the templates.
        people: the people, in bundle order.
        forgotten: ids of people who were forgotten and must not come back.
        templates: total templates.
        extra_entries: plain entries (catalog.json, images/...).
        rules: the exporting kiosk's recognition and liveness rules (JSON object).
    """

    created_at: str
    expires_at: str
    counter: int
    signer: str
    embedding: EmbeddingInfo
    people: tuple[BundlePerson, ...]
    forgotten: tuple[str, ...]
    templates: int
    extra_entries: tuple[str, ...]
    rules: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sealing:
    """How a bundle is sealed: who signs it, its counter and validity, its randomness.

    `salt` and `nonce` are None (fresh random bytes) except when writing test vectors.
    """

    key: Ed25519PrivateKey
    counter: int
    created_by: str
    valid_days: int = DEFAULT_VALID_DAYS
    now: datetime | None = None
    salt: bytes | None = None
    nonce: bytes | None = None


def _b64_matrix(matrix: FloatArray) -> str:
    return base64.b64encode(np.asarray(matrix, dtype="<f4").tobytes()).decode("ascii")


def _manifest(
    people: Sequence[BundlePerson],
    *,
    forgotten: Sequence[str],
    embedding: EmbeddingInfo,
    sealing: Sealing,
    rules: Mapping[str, Any],
    extras: BundleExtras | None,
    plain: Mapping[str, bytes],
) -> bytes:
    moment = sealing.now or datetime.now(UTC)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": rfc3339(moment),
        "expires_at": rfc3339(moment + timedelta(days=sealing.valid_days)),
        "counter": sealing.counter,
        "created_by": sealing.created_by,
        "signer": bundle_signing.signer_of(sealing.key).fingerprint,
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
            "forgotten": len(forgotten),
            "products": extras.products if extras else 0,
            "images": len(extras.images) if extras else 0,
        },
        "gallery": gallery_cipher(),
        "rules": dict(rules),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in plain.items()},
    }
    return json.dumps(manifest, indent=2).encode("utf-8")


def _plaintext(people: Sequence[BundlePerson], forgotten: Sequence[str]) -> bytes:
    body = {
        "people": [
            {"id": p.id, "display_name": p.display_name}
            | {"consent": {"given_at": p.consent_given_at, "scope": list(p.consent_scope)}}
            | {"preferences": json.loads(p.preferences or "{}")}
            | {"templates_b64": _b64_matrix(p.templates), "template_count": len(p.templates)}
            for p in people
        ],
        "forgotten": list(forgotten),
    }
    return json.dumps(body).encode("utf-8")


def _check_writable(sealing: Sealing, passphrase: str) -> None:
    problem = passphrase_problem(passphrase)
    if problem is not None:
        raise InputError(problem)
    if not 1 <= sealing.valid_days <= MAX_VALID_DAYS:
        raise InputError(
            f"a bundle is valid for 1 to {MAX_VALID_DAYS} days, got {sealing.valid_days}"
        )
    if sealing.counter < 1:
        raise InputError(f"the export counter starts at 1, got {sealing.counter}")


def write_bundle(
    path: Path,
    people: Sequence[BundlePerson],
    embedding: EmbeddingInfo,
    passphrase: str,
    sealing: Sealing,
    *,
    forgotten: Sequence[str] = (),
    rules: Mapping[str, Any] | None = None,
    extras: BundleExtras | None = None,
) -> GalleryBundle:
    """Write a bundle (atomically: beside `path`, then renamed). Safe off the GUI thread.

    Raises:
        InputError: a weak passphrase, a validity outside 1..90 days, or the file cannot be
            written.
    """
    _check_writable(sealing, passphrase)
    plain: dict[str, bytes] = {}
    if extras is not None:
        plain[CATALOG] = extras.catalog_json
        plain |= {f"images/{name}": data for name, data in extras.images.items()}
    manifest = _manifest(
        people,
        forgotten=forgotten,
        embedding=embedding,
        sealing=sealing,
        rules=rules or {},
        extras=extras,
        plain=plain,
    )
    salt = sealing.salt or secrets.token_bytes(SALT_BYTES)
    nonce = sealing.nonce or secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(derive_key(passphrase, salt)).encrypt(
        nonce, _plaintext(people, forgotten), manifest
    )
    gallery = salt + nonce + sealed
    entries = [
        (MANIFEST, manifest),
        (SIGNATURE, bundle_signing.sign(sealing.key, manifest, gallery)),
        (GALLERY, gallery),
        *plain.items(),
    ]
    _write_zip(path, entries)
    facts = json.loads(manifest)
    return GalleryBundle(
        created_at=facts["created_at"],
        expires_at=facts["expires_at"],
        counter=sealing.counter,
        signer=facts["signer"],
        embedding=embedding,
        people=tuple(people),
        forgotten=tuple(forgotten),
        templates=facts["counts"]["templates"],
        extra_entries=tuple(plain),
        rules=facts["rules"],
    )


def _write_zip(path: Path, entries: Sequence[tuple[str, bytes]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    stamp = (1980, 1, 1, 0, 0, 0)  # fixed: the same content gives the same bytes
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o600 << 16
                archive.writestr(info, data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write bundle {path}: {exc.strerror or exc}") from exc
