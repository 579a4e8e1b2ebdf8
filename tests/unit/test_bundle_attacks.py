"""Bundles made to hurt: zip bombs, oversized directories, unsafe names, and authentic bundles
(right passphrase, right signing key) whose content is malformed. Each is refused with exit 4 (7
for a signature problem) before anything is stored, and the kiosk's gallery still loads."""

from __future__ import annotations

import base64
import json
import secrets
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kiosk.cli import main
from kiosk.config import PathsConfig
from kiosk.errors import CryptoError, InputError
from kiosk.store import bundle_signing
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.bundle_format import derive_key
from kiosk.store.bundle_read import Expectation, read_bundle
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.vision.manifest import load_manifest
from tests.unit.test_bundle import EMB, PASS, SHA, templates

REPO = Path(__file__).resolve().parents[2]

Edit = Callable[[dict[str, Any]], None]


def make_good(tmp_path: Path, sha: str = SHA) -> Path:
    people = open_people(PathsConfig(data_dir=tmp_path / "a"), None)
    try:
        people.enrol(EnrolRequest(Consent("anna"), sha, templates(3, 1), name="Ada"))
        path = tmp_path / "good.ifacebundle"
        info = EmbeddingInfo(EMB.model_key, sha, EMB.dim, EMB.max_distance)
        export_gallery(people, path, info, PASS, staff="anna", created_by="t")
    finally:
        people.close()
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return make_good(tmp_path)


@pytest.fixture
def target(tmp_path: Path) -> Iterator[PeopleStore]:
    people = open_people(PathsConfig(data_dir=tmp_path / "b"), None)
    people.enrol(EnrolRequest(Consent("ben"), SHA, templates(2, 7), name="Local"))
    yield people
    people.close()


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def write(path: Path, files: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def forge(
    good: Path, out: Path, *, manifest: Edit | None = None, people: Edit | None = None
) -> Path:
    """An authentic bundle (the shop's key, the right passphrase) with edited content."""
    files = entries(good)
    body = json.loads(files["manifest.json"])
    blob = files["gallery.enc"]
    plain = json.loads(
        AESGCM(derive_key(PASS, blob[:16])).decrypt(blob[16:28], blob[28:], files["manifest.json"])
    )
    if manifest:
        manifest(body)
    if people:
        people(plain)
    manifest_bytes = json.dumps(body).encode()
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(derive_key(PASS, salt)).encrypt(
        nonce, json.dumps(plain).encode(), manifest_bytes
    )
    gallery = salt + nonce + sealed
    key = bundle_signing.load_signing_key(good.parent / "a")
    files |= {
        "manifest.json": manifest_bytes,
        "signature.json": bundle_signing.sign(key, manifest_bytes, gallery),
        "gallery.enc": gallery,
    }
    return write(out, files)


def expect() -> Expectation:
    return Expectation(SHA, 128)


def _person(plain: dict[str, Any]) -> dict[str, Any]:
    person: dict[str, Any] = plain["people"][0]
    return person


def _floats(values: np.ndarray[Any, Any]) -> str:
    return base64.b64encode(values.astype("<f4").tobytes()).decode()


MALFORMED: dict[str, tuple[Edit | None, Edit | None, str]] = {
    "dim 0": (lambda m: m["embedding"].update(dim=0), None, "dim must be 128"),
    "dim 2": (lambda m: m["embedding"].update(dim=2), None, "dim must be 128"),
    "NaN template": (
        None,
        lambda p: _person(p).update(templates_b64=_floats(np.full((3, 128), np.nan))),
        "finite",
    ),
    "infinite template": (
        None,
        lambda p: _person(p).update(templates_b64=_floats(np.full((3, 128), np.inf))),
        "finite",
    ),
    "huge template": (
        None,
        lambda p: _person(p).update(templates_b64=_floats(np.full((3, 128), 1e30))),
        "finite",
    ),
    "short templates": (None, lambda p: _person(p).update(template_count=4), "need 2048 bytes"),
    "empty name": (None, lambda p: _person(p).update(display_name="   "), "display_name"),
    "control codes in name": (
        None,
        lambda p: _person(p).update(display_name="Ada\x1b[2J"),
        "display_name",
    ),
    "bidi override in name": (
        None,
        lambda p: _person(p).update(display_name="\u202eadA"),
        "display_name",
    ),
    "name is a number": (None, lambda p: _person(p).update(display_name=7), "must be text"),
    "bad id": (None, lambda p: _person(p).update(id="1"), "32 lowercase hex"),
    "duplicate id": (
        lambda m: m["counts"].update(people=2, templates=6),
        lambda p: p["people"].append(dict(_person(p))),
        "appears twice",
    ),
    "counts differ": (lambda m: m["counts"].update(people=5), None, "counts differ"),
    "forgotten and present": (
        lambda m: m["counts"].update(forgotten=1),
        lambda p: p.update(forgotten=[_person(p)["id"]]),
        "both in the gallery and among the forgotten",
    ),
    "preferences not an object": (
        None,
        lambda p: _person(p).update(preferences=[1, 2]),
        "preferences must be an object",
    ),
    "no consent scope": (
        None,
        lambda p: _person(p)["consent"].update(scope=[]),
        "consent.scope",
    ),
    "costly scrypt parameters": (
        lambda m: m["gallery"]["kdf_params"].update(N=2**30),
        None,
        "cipher parameters",
    ),
    "rules with a string": (
        lambda m: m["rules"]["vote"].update(min_votes="2"),
        None,
        "rules.vote.min_votes",
    ),
    "nested 100k deep": (
        None,
        lambda p: p.update(people=[]),  # replaced below by raw bytes
        "",
    ),
}


@pytest.mark.parametrize("case", [c for c in MALFORMED if c != "nested 100k deep"])
def test_authentic_but_malformed_bundles_are_refused_and_store_nothing(
    good: Path, target: PeopleStore, tmp_path: Path, case: str
) -> None:
    edit_manifest, edit_people, message = MALFORMED[case]
    bad = forge(good, tmp_path / "bad.ifacebundle", manifest=edit_manifest, people=edit_people)
    before = target.gallery(SHA).size
    with pytest.raises(InputError, match=message):
        import_gallery(target, bad, PASS, SHA, staff="ben")
    assert target.gallery(SHA).size == before
    assert [p.name for p in target.list_people()] == ["Local"]


def test_json_nested_100k_deep_is_a_clear_error(good: Path, tmp_path: Path) -> None:
    files = entries(good)
    deep = b"[" * 100_000 + b"]" * 100_000
    key = bundle_signing.load_signing_key(good.parent / "a")
    files |= {
        "manifest.json": deep,
        "signature.json": bundle_signing.sign(key, deep, files["gallery.enc"]),
    }
    with pytest.raises(InputError, match="not valid JSON"):
        read_bundle(write(tmp_path / "deep.ifacebundle", files), PASS, expect())


def test_a_deflate_bomb_is_refused_before_anything_is_decompressed(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = entries(good)
    name = "images/" + "a" * 64 + ".jpg"
    bomb = tmp_path / "bomb.ifacebundle"
    with zipfile.ZipFile(bomb, "w") as archive:
        for entry, data in files.items():
            archive.writestr(entry, data)
        with archive.open(name, "w", force_zip64=False) as _:
            pass
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("images/" + "b" * 64 + ".jpg", bytes(64 << 20))  # 64 MiB of zeros
    assert bomb.stat().st_size < 1 << 20
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spying_open(self: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spying_open)
    with pytest.raises(InputError, match="is compressed"):
        read_bundle(bomb, PASS, expect())
    assert opened == []


def test_oversized_entries_and_directories_are_refused_unread(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = entries(good)
    big = write(tmp_path / "big.ifacebundle", files | {"catalog.json": bytes(9 << 20)})
    with pytest.raises(InputError, match="cap"):
        read_bundle(big, PASS, expect())
    # An end record promising 60000 entries: refused before zipfile parses the directory.
    data = bytearray((tmp_path / "good.ifacebundle").read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 60000, 60000)
    many = tmp_path / "many.ifacebundle"
    many.write_bytes(bytes(data))
    monkeypatch.setattr(zipfile, "ZipFile", None)
    with pytest.raises(InputError, match="60000 entries"):
        read_bundle(many, PASS, expect())


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.ifacebundle"
    with sparse.open("wb") as handle:
        handle.truncate(300 << 20)
    with pytest.raises(InputError, match="at most"):
        read_bundle(sparse, PASS, expect())


@pytest.mark.parametrize(
    "name", ["../evil.sh", "images/../../x.jpg", "/etc/passwd", "images/x.exe", "images/a/b.jpg"]
)
def test_unsafe_entry_names_are_refused(good: Path, tmp_path: Path, name: str) -> None:
    bad = write(tmp_path / "bad.ifacebundle", entries(good) | {name: b"x"})
    with pytest.raises(InputError, match="unexpected or unsafe entry"):
        read_bundle(bad, PASS, expect())


def test_garbage_and_unsigned_files_are_refused(good: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.ifacebundle"
    junk.write_bytes(secrets.token_bytes(5000))
    with pytest.raises(InputError, match="not a gallery bundle"):
        read_bundle(junk, PASS, expect())
    files = entries(good)
    del files["signature.json"]
    with pytest.raises(InputError, match=r"signature\.json"):
        read_bundle(write(tmp_path / "unsigned.ifacebundle", files), PASS, expect())
    forged = json.loads(entries(good)["signature.json"])
    raw = bytearray(base64.b64decode(forged["signature"]))
    raw[10] ^= 1
    forged["signature"] = base64.b64encode(bytes(raw)).decode()
    swapped = write(
        tmp_path / "forged.ifacebundle",
        entries(good) | {"signature.json": json.dumps(forged).encode()},
    )
    with pytest.raises(CryptoError):
        read_bundle(swapped, PASS, expect())


def test_cli_exit_codes_and_the_kiosk_still_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = load_manifest(REPO / "models").get("face_embedder").sha256
    good = make_good(tmp_path, sha)
    data_dir = tmp_path / "cli"
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("KIOSK_BUNDLE_PASSPHRASE", PASS)
    nan = forge(
        good,
        tmp_path / "nan.ifacebundle",
        people=lambda p: _person(p).update(templates_b64=_floats(np.full((3, 128), np.nan))),
    )
    args = ["people", "import-bundle", "--staff", "ben"]
    assert main([*args, str(nan)]) == 4
    assert "finite" in " ".join(capsys.readouterr().err.split())
    flipped = entries(good)
    flipped["gallery.enc"] = flipped["gallery.enc"][:-1] + b"\x00"
    assert main([*args, str(write(tmp_path / "f.ifacebundle", flipped))]) == 7
    monkeypatch.setenv("KIOSK_BUNDLE_PASSPHRASE", "not the passphrase at all")
    assert main([*args, str(good)]) == 7
    people = open_people(PathsConfig(data_dir=data_dir), None)
    try:
        assert people.list_people() == ()
        zero = (NewTemplate(np.zeros(128, np.float32), "c"),)
        people.enrol(EnrolRequest(Consent("x"), sha, zero, name="Z"))
        assert people.gallery(sha).size == 1  # the kiosk can still build its gallery
    finally:
        people.close()
