"""Every field of a bundle checked before anything is stored (BUNDLE_FORMAT.md, format 2).

A bundle that decrypts is authentic (it was made with the passphrase and, where pinned, the shop's
key) but not necessarily well formed: a bug, an old tool or a careless edit can produce templates
of the wrong size, NaN values or a name made of control characters, and the kiosk would then fail
at start-up on its own database. Each check raises InputError naming the field, what was expected
and what arrived; nothing here writes.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.core.types import readonly
from kiosk.errors import InputError, ModelMismatchError
from kiosk.store.bundle import BundlePerson, EmbeddingInfo
from kiosk.store.bundle_format import (
    FORMAT,
    FORMAT_VERSION,
    KEY_BYTES,
    NONCE_BYTES,
    SALT_BYTES,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    TAG_BYTES,
    parse_rfc3339,
)

MAX_PEOPLE = 10_000
MAX_TEMPLATES_PER_PERSON = 500
MAX_TEMPLATES = 100_000
MAX_FORGOTTEN = 100_000
MAX_PRODUCTS = 10_000
MAX_IMAGES = 5_000
MAX_NAME_CHARS = 100
MAX_PREFERENCES_BYTES = 4096
MAX_ABS_VALUE = 16.0  # dlib descriptors stay within about +-1
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SCOPE = re.compile(r"[a-z][a-z_-]{0,31}")
_BAD_CHARS = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, bidi overrides, separators
_GALLERY = {
    "cipher": "AES-256-GCM",
    "kdf": "scrypt",
    "kdf_params": {"N": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
    | {"salt_bytes": SALT_BYTES, "key_bytes": KEY_BYTES},
    "nonce_bytes": NONCE_BYTES,
    "tag_bytes": TAG_BYTES,
    "aad": "manifest.json",
}


@dataclass(frozen=True, slots=True)
class ManifestFacts:
    """What the rest of the reader needs from a checked manifest."""

    created_at: str
    expires_at: str
    counter: int
    signer: str
    embedding: EmbeddingInfo
    counts: Mapping[str, int]
    files: Mapping[str, str]
    rules: Mapping[str, Any]


def loads(data: bytes, what: str) -> Any:
    """JSON, with any parse failure (including absurd nesting) as InputError."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{what} is not valid JSON: {str(exc)[:120]}") from exc


_KINDS = {int: "an integer", float: "a number", str: "text", dict: "an object", list: "a list"}


def _get(body: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """`body[key]` if it has the type `kind` (a bool is never a number); else InputError."""
    value = body.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(_KINDS.get(k, k.__name__) for k in kinds)
        shown = json.dumps(value)[:40]
        raise InputError(f"{where}: {key} must be {wanted}, got {type(value).__name__} {shown}")
    return value


def _time(body: Mapping[str, Any], key: str, where: str) -> str:
    text = _get(body, key, str, where)
    try:
        parse_rfc3339(text)
    except ValueError:
        raise InputError(f"{where}: {key} must be RFC 3339 UTC like 2026-01-31T12:00:00Z") from None
    return str(text)


def _count(value: Any, name: str, cap: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= cap:
        raise InputError(f"manifest.json: counts.{name} must be an integer 0..{cap}, got {value!r}")
    return value


def check_rules(rules: Any) -> Mapping[str, Any]:
    """The rules object: sections of finite, non-negative numbers (what the iPad follows)."""
    if not isinstance(rules, dict):
        raise InputError("manifest.json: rules must be an object")
    for section, values in rules.items():
        if not isinstance(values, dict):
            raise InputError(f"manifest.json: rules.{section} must be an object")
        for key, value in values.items():
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or not math.isfinite(value) or not 0 <= value <= 1e7:
                raise InputError(
                    f"manifest.json: rules.{section}.{key} must be a number 0..1e7, got {value!r}"
                )
    return rules


def _embedding(body: Any, onnx_sha256: str, dim: int) -> EmbeddingInfo:
    where = "manifest.json embedding"
    if not isinstance(body, dict):
        raise InputError(f"{where} must be an object")
    theirs = _get(body, "onnx_sha256", str, where)
    if theirs != onnx_sha256:
        raise ModelMismatchError(
            f"bundle made with embedding model {theirs or '(none)'}, this kiosk has "
            f"{onnx_sha256}: export again from a kiosk with the same model"
        )
    if _get(body, "dim", int, where) != dim:
        raise InputError(f"{where}: dim must be {dim} for this model, got {body['dim']}")
    distance = _get(body, "max_distance", (int, float), where)
    if not math.isfinite(distance) or not 0 < distance <= 4:
        raise InputError(f"{where}: max_distance must be in (0, 4], got {distance}")
    return EmbeddingInfo(str(body.get("model_key", "")), theirs, dim, float(distance))


def check_manifest(body: Any, onnx_sha256: str, dim: int) -> ManifestFacts:
    """A parsed manifest.json checked field by field.

    Raises:
        InputError: not a format-2 bundle, or a field is missing or out of range.
        ModelMismatchError: made with another embedding model (both sha256 named).
    """
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InputError(f"not a gallery bundle (format is not {FORMAT!r})")
    version = body.get("format_version")
    if version != FORMAT_VERSION:
        hint = "update the kiosk" if isinstance(version, int) and version > 2 else "export again"
        raise InputError(f"bundle format {version!r}, this kiosk reads {FORMAT_VERSION}: {hint}")
    where = "manifest.json"
    counter = _get(body, "counter", int, where)
    signer = _get(body, "signer", str, where)
    if counter < 1 or not _HEX64.fullmatch(signer):
        raise InputError(f"{where}: counter must be >= 1 and signer 64 hex digits")
    if body.get("gallery") != _GALLERY:
        raise InputError(f"{where}: gallery cipher parameters differ from format {FORMAT_VERSION}")
    counts = _get(body, "counts", dict, where)
    caps = {"people": MAX_PEOPLE, "templates": MAX_TEMPLATES, "forgotten": MAX_FORGOTTEN}
    caps |= {"products": MAX_PRODUCTS, "images": MAX_IMAGES}
    files = _get(body, "files", dict, where)
    if not all(isinstance(d, str) and _HEX64.fullmatch(d) for d in files.values()):
        raise InputError(f"{where}: every files entry must be a sha256 hex digest")
    return ManifestFacts(
        created_at=_time(body, "created_at", where),
        expires_at=_time(body, "expires_at", where),
        counter=counter,
        signer=signer,
        embedding=_embedding(body.get("embedding"), onnx_sha256, dim),
        counts={name: _count(counts.get(name), name, cap) for name, cap in caps.items()},
        files=dict(files),
        rules=check_rules(body.get("rules")),
    )


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where} must be text, got {type(value).__name__}")
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > limit or any(unicodedata.category(c) in _BAD_CHARS for c in text):
        raise InputError(
            f"{where} must be 1..{limit} visible characters without control or format codes"
        )
    return text


def _templates(entry: Mapping[str, Any], dim: int, where: str) -> np.ndarray[Any, Any]:
    count = _get(entry, "template_count", int, where)
    if not 1 <= count <= MAX_TEMPLATES_PER_PERSON:
        raise InputError(f"{where}: template_count must be 1..{MAX_TEMPLATES_PER_PERSON}")
    try:
        data = base64.b64decode(_get(entry, "templates_b64", str, where), validate=True)
    except binascii.Error as exc:
        raise InputError(f"{where}: templates_b64 is not base64") from exc
    if len(data) != 4 * count * dim:
        raise InputError(
            f"{where}: {count} templates of {dim} floats need {4 * count * dim} bytes, "
            f"got {len(data)}"
        )
    matrix = np.frombuffer(data, dtype="<f4").reshape(count, dim)
    if not bool(np.isfinite(matrix).all()) or float(np.abs(matrix).max()) > MAX_ABS_VALUE:
        raise InputError(f"{where}: templates must be finite and within +-{MAX_ABS_VALUE:g}")
    return matrix


def _preferences(value: Any, where: str) -> str:
    value = {} if value is None else value
    if not isinstance(value, dict):
        raise InputError(f"{where}: preferences must be an object")
    categories = value.get("categories", [])
    if not isinstance(categories, list) or len(categories) > 64:
        raise InputError(f"{where}: preferences.categories must be a list of at most 64 names")
    for category in categories:
        _text(category, f"{where}: a preferred category", 64)
    text = json.dumps(value, ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_PREFERENCES_BYTES:
        raise InputError(f"{where}: preferences exceed {MAX_PREFERENCES_BYTES} bytes")
    return text


def check_person(entry: Any, dim: int, index: int) -> BundlePerson:
    """One plaintext people entry checked field by field."""
    where = f"gallery person {index + 1}"
    if not isinstance(entry, dict):
        raise InputError(f"{where} must be an object")
    uid = _get(entry, "id", str, where)
    if not _HEX32.fullmatch(uid):
        raise InputError(f"{where}: id must be 32 lowercase hex digits (a person's uid)")
    consent = _get(entry, "consent", dict, where)
    scope = _get(consent, "scope", list, f"{where} consent")
    if not 1 <= len(scope) <= 8 or not all(
        isinstance(s, str) and _SCOPE.fullmatch(s) for s in scope
    ):
        raise InputError(f"{where}: consent.scope must be 1..8 words like 'recognition'")
    return BundlePerson(
        id=uid,
        display_name=_text(entry.get("display_name"), f"{where}: display_name", MAX_NAME_CHARS),
        consent_given_at=_time(consent, "given_at", f"{where} consent"),
        consent_scope=tuple(scope),
        preferences=_preferences(entry.get("preferences"), where),
        templates=readonly(_templates(entry, dim, where)),
    )


def check_plaintext(
    body: Any, facts: ManifestFacts
) -> tuple[tuple[BundlePerson, ...], tuple[str, ...]]:
    """The decrypted gallery: people and tombstones, checked against the manifest's counts."""
    if not isinstance(body, dict):
        raise InputError("the decrypted gallery must be an object")
    entries = _get(body, "people", list, "the decrypted gallery")
    forgotten = _get(body, "forgotten", list, "the decrypted gallery")
    if len(entries) != facts.counts["people"] or len(forgotten) != facts.counts["forgotten"]:
        raise InputError("the gallery's people or forgotten counts differ from manifest.json")
    people = tuple(check_person(e, facts.embedding.dim, i) for i, e in enumerate(entries))
    ids = [p.id for p in people]
    if not all(isinstance(u, str) and _HEX32.fullmatch(u) for u in forgotten):
        raise InputError("every forgotten id must be 32 lowercase hex digits")
    if len(set(ids)) != len(ids) or len(set(forgotten)) != len(forgotten):
        raise InputError("a person id appears twice in the gallery")
    if set(ids) & set(forgotten):
        raise InputError("a person is both in the gallery and among the forgotten")
    if sum(len(p.templates) for p in people) != facts.counts["templates"]:
        raise InputError("the gallery's template count differs from manifest.json")
    return people, tuple(forgotten)
