"""Write the shared test vectors: the kiosk's Python code computes, the iPad's Swift code agrees.

    PYTHONPATH=. .venv/bin/python ios_companion/make_vectors.py [--out DIR]

Writes ios_companion/vectors/: a signed bundle made with fixed salt, nonce, key and clock (with
a catalog and an image), its tampered and malformed variants and what each must do, scrypt keys,
alignment chips, crop mappings, tracker, vote, valence and liveness sequences, and the rules a
bundle carries. tests/unit/test_ios_vectors.py regenerates them into a temporary folder and
diffs byte for byte, and IFaceCoreTests (swift test) read the same files, so neither side can
drift silently. Everything is deterministic: no clock, no randomness.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import PipelineConfig
from kiosk.store import bundle_signing
from kiosk.store.bundle import BundleExtras, BundlePerson, EmbeddingInfo, Sealing, write_bundle
from kiosk.store.bundle_rules import bundle_rules
from kiosk.vision.manifest import load_manifest
from vectors_logic import (
    alignment_vectors,
    crop_vectors,
    liveness_vectors,
    pin_vectors,
    rules_vectors,
    scrypt_vectors,
    tracking_vectors,
    valence_vectors,
    vote_vectors,
)
from vectors_mask import mask_vectors

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VECTORS = HERE / "vectors"
PASSPHRASE = "correct horse battery staple"
SHOP_SEED, OTHER_SEED = bytes(range(32)), bytes(range(1, 33))
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
CHECKED_AT = "2026-01-02T00:00:00Z"  # the importing iPad's clock in the vectors
# A 1x1 PNG (one opaque grey pixel), written out byte for byte so no encoder version matters.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg=="
)


def _people(dim: int = 128) -> list[BundlePerson]:
    rng = np.random.default_rng(2026)
    names = [
        ("0" * 31 + "1", "Ada", ["tea"]),
        ("0" * 31 + "2", "Bea", []),
        ("f" * 32, "Chen", ["books", "tea"]),
    ]
    return [
        BundlePerson(
            id=uid,
            display_name=name,
            consent_given_at="2025-12-01T10:00:00Z",
            consent_scope=("recognition", "suggestions"),
            preferences=json.dumps({"categories": prefs}),
            templates=np.round(rng.normal(0, 0.1, (n + 1, dim)), 6).astype(np.float32),
        )
        for n, (uid, name, prefs) in enumerate(names)
    ]


def _catalog() -> BundleExtras:
    image = hashlib.sha256(PIXEL_PNG).hexdigest() + ".png"
    body = {
        "currency": "EUR",
        "categories": [
            {"id": "tea", "name": "Tea"},
            {"id": "books", "name": "Books"},
            {"id": "snacks", "name": "Snacks"},
            {"id": "beauty", "name": "Beauty"},
        ],
        "rules": {"cheer_up": ["books", "snacks"], "treats": ["beauty"]},
        "products": [
            {"id": "sku-1", "name": "Green tea", "category": "tea", "price_minor": 650}
            | {"tags": ["calm"], "image": f"images/{image}"},
            {"id": "sku-2", "name": "Novel", "category": "books", "price_minor": 1299, "tags": []},
            {
                "id": "sku-3",
                "name": "Cookies",
                "category": "snacks",
                "price_minor": 250,
                "tags": [],
            },
            {
                "id": "sku-4",
                "name": "Lip balm",
                "category": "beauty",
                "price_minor": 499,
                "tags": [],
            },
        ],
    }
    data = json.dumps(body, indent=2).encode("utf-8")
    return BundleExtras(catalog_json=data, images={image: PIXEL_PNG}, products=4)


def _write(path: Path, **change: Any) -> None:
    """A bundle with fixed randomness; `change` overrides the good one's parts."""
    embedding = change.pop("embedding", _embedding())
    sealing = Sealing(
        Ed25519PrivateKey.from_private_bytes(change.pop("seed", SHOP_SEED)),
        counter=change.pop("counter", 2),
        created_by="iface-kiosk test vectors",
        valid_days=14,
        now=change.pop("now", CREATED),
        salt=bytes(range(16)),
        nonce=bytes(range(12)),
    )
    write_bundle(
        path,
        change.pop("people", _people()),
        embedding,
        PASSPHRASE,
        sealing,
        forgotten=("e" * 32,),
        rules=bundle_rules(PipelineConfig(), 0.6),
        extras=_catalog(),
    )


def _sha() -> str:
    return load_manifest(REPO / "models").get("face_embedder").sha256


def _rezip(
    source: Path, out: Path, edit: Callable[[dict[str, bytes]], None], method: int = 0
) -> None:
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    edit(entries)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method if name == "catalog.json" else zipfile.ZIP_STORED
            archive.writestr(info, data)


def _embedding(sha: str | None = None, dim: int = 128) -> EmbeddingInfo:
    return EmbeddingInfo("face_embedder", sha or _sha(), dim, 0.6)


def _nan_person() -> BundlePerson:
    return dataclasses.replace(_people()[0], templates=np.full((1, 128), np.nan, np.float32))


def _same(entries: dict[str, bytes]) -> None:
    """Entries unchanged (the variant changes how they are stored)."""


def _loosen_threshold(entries: dict[str, bytes]) -> None:
    manifest = entries["manifest.json"]
    entries["manifest.json"] = manifest.replace(b'"max_distance": 0.6', b'"max_distance": 0.9')


def _flip_gallery_byte(entries: dict[str, bytes]) -> None:
    data = entries["gallery.enc"]
    entries["gallery.enc"] = data[:100] + bytes([data[100] ^ 1]) + data[101:]


def _add_unsafe_entry(entries: dict[str, bytes]) -> None:
    entries["../evil.sh"] = b"x"


def _edit_catalog(entries: dict[str, bytes]) -> None:
    entries["catalog.json"] = entries["catalog.json"].replace(b"650", b"651")


def bundle_vectors(out: Path) -> dict[str, Any]:
    """The good bundle, its variants and the expected outcome of each (iPad rules)."""
    good = out / "good.ifacebundle"
    _write(good)
    variants: dict[str, tuple[Callable[[Path], None], str]] = {
        "tampered_manifest": (lambda p: _rezip(good, p, _loosen_threshold), "signature"),
        "tampered_gallery": (lambda p: _rezip(good, p, _flip_gallery_byte), "signature"),
        "other_signer": (lambda p: _write(p, seed=OTHER_SEED), "signer"),
        "expired": (lambda p: _write(p, now=datetime(2025, 11, 1, tzinfo=UTC)), "expired"),
        "older_counter": (lambda p: _write(p, counter=1), "rollback"),
        "other_model": (lambda p: _write(p, embedding=_embedding(sha="d" * 64)), "model"),
        "nan_template": (lambda p: _write(p, people=[_nan_person()]), "malformed"),
        "dim_2": (lambda p: _write(p, embedding=_embedding(dim=2), people=_people(2)), "malformed"),
        "compressed_entry": (lambda p: _rezip(good, p, _same, zipfile.ZIP_DEFLATED), "zip"),
        "unsafe_name": (lambda p: _rezip(good, p, _add_unsafe_entry), "zip"),
        "edited_catalog": (lambda p: _rezip(good, p, _edit_catalog), "file_hash"),
    }
    cases = []
    for name, (make, outcome) in variants.items():
        make(out / f"{name}.ifacebundle")
        cases.append({"file": f"{name}.ifacebundle", "outcome": outcome})
    key = Ed25519PrivateKey.from_private_bytes(SHOP_SEED)
    signer = bundle_signing.signer_of(key)
    people = _people()
    return {
        "passphrase": PASSPHRASE,
        "shop_public_key": signer.public_key_b64,
        "shop_fingerprint": signer.fingerprint,
        "app_embedding_sha256": _sha(),
        "checked_at": CHECKED_AT,
        "last_counter_seen": 2,
        "good": {
            "file": good.name,
            "counter": 2,
            "expires_at": "2026-01-15T00:00:00Z",
            "max_distance": 0.6,
            "forgotten": ["e" * 32],
            "people": [
                {"id": p.id, "display_name": p.display_name}
                | {"categories": json.loads(p.preferences)["categories"]}
                | {"template_count": len(p.templates)}
                | {
                    "templates_sha256": hashlib.sha256(
                        p.templates.astype("<f4").tobytes()
                    ).hexdigest()
                }
                for p in people
            ],
            "products": [["sku-1", 650], ["sku-2", 1299], ["sku-3", 250], ["sku-4", 499]],
            "images": 1,
        },
        "cases": cases,
    }


def _dumps(body: Any, indent: str = "") -> str:
    """JSON with one line per list of scalars (rows stay readable and the files small)."""
    inner = indent + " "
    if isinstance(body, dict) and body:
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in body.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(body, list) and any(isinstance(v, dict | list) for v in body):
        return "[\n" + ",\n".join(inner + _dumps(v, inner) for v in body) + "\n" + indent + "]"
    return json.dumps(body, ensure_ascii=False, separators=(", ", ": "))


def write_all(out: Path) -> list[Path]:
    """Write every vector file into `out`; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(REPO / "models")
    documents = {
        "bundle.json": bundle_vectors(out),
        "scrypt.json": scrypt_vectors(),
        "alignment.json": alignment_vectors(),
        "crops.json": crop_vectors(manifest),
        "tracking.json": tracking_vectors(),
        "vote.json": vote_vectors(),
        "valence.json": valence_vectors(manifest),
        "liveness.json": liveness_vectors(),
        "rules.json": rules_vectors(),
        "pin.json": pin_vectors(),
        "mask.json": mask_vectors(manifest),
    }
    for name, body in documents.items():
        (out / name).write_text(_dumps(body) + "\n", "utf-8")
    return sorted(out.iterdir())


def main(argv: list[str] | None = None) -> int:
    """Command line: write the vectors (default: ios_companion/vectors)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=VECTORS)
    args = parser.parse_args(argv)
    written = write_all(args.out)
    print(f"wrote {len(written)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
