from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.errors import CryptoError, InputError, ModelMismatchError
from kiosk.store.bundle import (
    EmbeddingInfo,
    derive_key,
    read_bundle,
)
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people

SHA, OTHER = "c" * 64, "d" * 64
EMB = EmbeddingInfo("face_embedder", SHA, 128, 0.6)
PASS = "correct horse battery"


def templates(n: int, seed: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    return tuple(
        NewTemplate(rng.normal(0, 0.1, 128).astype(np.float32), "camera") for _ in range(n)
    )


def new_store(root: Path) -> PeopleStore:
    return open_people(PathsConfig(data_dir=root, key_file=root / "k.key"), None)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[PeopleStore]:
    people = new_store(tmp_path / "a")
    consent = Consent("anna", "recognition,suggestions")
    people.enrol(EnrolRequest(consent, SHA, templates(3, 1), name="Ada"))
    people.enrol(EnrolRequest(consent, SHA, templates(2, 2), name="Bea"))
    yield people
    people.close()


def export(people: PeopleStore, path: Path) -> Path:
    export_gallery(people, path, EMB, PASS, staff="anna", created_by="iface-kiosk test")
    return path


def test_round_trip_between_two_databases(source: PeopleStore, tmp_path: Path) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["manifest.json", "gallery.enc"]
        manifest = json.loads(archive.read("manifest.json"))
        blob = archive.read("gallery.enc")
    assert manifest["format"] == "iface-bundle" and manifest["format_version"] == 1
    assert manifest["embedding"]["onnx_sha256"] == SHA
    assert manifest["counts"] == {"people": 2, "templates": 5, "products": 0, "images": 0}
    assert manifest["created_at"].endswith("Z")
    assert b"Ada" not in blob and templates(3, 1)[0].vector.tobytes() not in blob

    target = new_store(tmp_path / "b")
    report = import_gallery(target, path, PASS, SHA, staff="ben")
    assert (report.people_added, report.people_updated, report.templates_added) == (2, 0, 5)
    before = source.gallery(SHA)
    after = target.gallery(SHA)
    assert sorted(after.names.values()) == ["Ada", "Bea"]
    for person_id, name in before.names.items():
        mine = before.templates[before.person_ids == person_id]
        theirs_id = next(i for i, n in after.names.items() if n == name)
        np.testing.assert_array_equal(
            np.sort(mine, axis=0), np.sort(after.templates[after.person_ids == theirs_id], axis=0)
        )
    consent = target.detail(1).consents[0]
    assert (consent.staff, consent.method, consent.scope) == (
        "ben",
        "bundle",
        "recognition,suggestions",
    )
    again = import_gallery(target, path, PASS, SHA, staff="ben")  # nothing new the second time
    assert (again.people_added, again.templates_added, again.templates_skipped) == (0, 0, 5)
    assert target.gallery(SHA).size == after.size
    target.close()


def test_wrong_passphrase_and_other_model_are_refused(source: PeopleStore, tmp_path: Path) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with pytest.raises(CryptoError, match="wrong passphrase or damaged bundle"):
        read_bundle(path, "not the passphrase", SHA)
    with pytest.raises(ModelMismatchError) as info:
        read_bundle(path, PASS, OTHER)
    assert SHA in str(info.value) and OTHER in str(info.value)


def test_a_changed_manifest_does_not_decrypt(source: PeopleStore, tmp_path: Path) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("manifest.json")
        blob = archive.read("gallery.enc")
    forged = tmp_path / "forged.ifacebundle"
    with zipfile.ZipFile(forged, "w") as archive:
        archive.writestr(
            "manifest.json", manifest.replace(b'"max_distance": 0.6', b'"max_distance": 0.9')
        )
        archive.writestr("gallery.enc", blob)
    with pytest.raises(CryptoError):
        read_bundle(forged, PASS, SHA)


def test_unsafe_entries_and_short_passphrases_are_refused(
    source: PeopleStore, tmp_path: Path
) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../evil.sh", b"rm -rf /")
    with pytest.raises(InputError, match="unsafe entry"):
        read_bundle(path, PASS, SHA)
    with pytest.raises(InputError, match="at least 10"):
        export_gallery(source, tmp_path / "x", EMB, "short", staff="a", created_by="t")
    with pytest.raises(InputError, match="not a readable"):
        read_bundle(tmp_path / "missing.ifacebundle", PASS, SHA)


def test_scrypt_parameters_match_the_format() -> None:
    # RFC 7914 test vector 3 uses N=16384; ours is N=2^15, so check determinism and NFC instead.
    salt = bytes(16)
    assert derive_key("caf\u00e9 passphrase", salt) == derive_key("cafe\u0301 passphrase", salt)
    assert len(derive_key("x" * 10, salt)) == 32
