"""Gallery bundles between kiosks: round trip, stable ids, signatures, counters, tombstones."""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.errors import CryptoError, InputError, ModelMismatchError
from kiosk.store import bundle_ledger
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.bundle_format import derive_key
from kiosk.store.bundle_passphrase import passphrase_problem
from kiosk.store.bundle_read import Expectation, read_bundle
from kiosk.store.bundle_signing import load_signing_key, signer_of, signing_key_path
from kiosk.store.gallery_exchange import (
    default_settings,
    export_gallery,
    import_gallery,
)
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


@pytest.fixture
def target(tmp_path: Path) -> Iterator[PeopleStore]:
    people = new_store(tmp_path / "b")
    yield people
    people.close()


def export(people: PeopleStore, path: Path) -> Path:
    export_gallery(people, path, EMB, PASS, staff="anna", created_by="iface-kiosk test")
    return path


def expect(**changes: object) -> Expectation:
    return Expectation(**({"onnx_sha256": SHA, "dim": 128} | changes))  # type: ignore[arg-type]


def test_round_trip_between_two_databases(
    source: PeopleStore, target: PeopleStore, tmp_path: Path
) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["manifest.json", "signature.json", "gallery.enc"]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        manifest = json.loads(archive.read("manifest.json"))
        blob = archive.read("gallery.enc")
    assert manifest["format"] == "iface-bundle" and manifest["format_version"] == 2
    assert manifest["embedding"]["onnx_sha256"] == SHA and manifest["counter"] == 1
    assert manifest["counts"] == {
        "people": 2,
        "templates": 5,
        "forgotten": 0,
        "products": 0,
        "images": 0,
    }
    assert set(manifest["rules"]) == {"vote", "tracking", "schedule", "emotion", "liveness"}
    assert manifest["signer"] == signer_of(load_signing_key(tmp_path / "a")).fingerprint
    assert b"Ada" not in blob and templates(3, 1)[0].vector.tobytes() not in blob

    report = import_gallery(target, path, PASS, SHA, staff="ben")
    assert (report.people_added, report.people_updated, report.templates_added) == (2, 0, 5)
    assert report.signer == manifest["signer"] and report.counter == 1
    mine = {p.uid: p.name for p in source.list_people()}
    theirs = {p.uid: p.name for p in target.list_people()}
    assert mine == theirs  # the stable ids travel with the people
    before, after = source.gallery(SHA), target.gallery(SHA)
    for uid in mine:
        a = before.templates[before.person_ids == source.find_by_uid(uid)]
        b = after.templates[after.person_ids == target.find_by_uid(uid)]
        np.testing.assert_array_equal(np.sort(a, axis=0), np.sort(b, axis=0))
    consent = target.detail(target.list_people()[0].id).consents[0]
    assert (consent.staff, consent.method, consent.scope) == (
        "ben",
        "bundle",
        "recognition,suggestions",
    )
    again = import_gallery(target, path, PASS, SHA, staff="ben")  # nothing new the second time
    assert (again.people_added, again.templates_added, again.templates_skipped) == (0, 0, 5)
    assert target.gallery(SHA).size == after.size


def test_people_merge_by_stable_id_never_by_name(
    source: PeopleStore, target: PeopleStore, tmp_path: Path
) -> None:
    # Another "Ada" here, a different face: the bundle's Ada must not merge into her.
    local = target.enrol(EnrolRequest(Consent("ben"), SHA, templates(2, 9), name="Ada"))
    first = import_gallery(target, export(source, tmp_path / "1.ifacebundle"), PASS, SHA, staff="b")
    assert (first.people_added, first.people_updated) == (2, 0)
    assert len(target.templates(SHA, local)) == 2 + 1  # untouched: her 2 and her mean
    # The exporting kiosk renames Ada and adds a capture: same uid, so it merges.
    ada = source.find_by_uid(next(p.uid for p in source.list_people() if p.name == "Ada"))
    assert ada is not None
    source.rename(ada, "Ada L.", "anna")
    source.enrol(EnrolRequest(Consent("anna"), SHA, templates(1, 5), person_id=ada))
    second = import_gallery(
        target, export(source, tmp_path / "2.ifacebundle"), PASS, SHA, staff="b"
    )
    assert (second.people_added, second.people_updated, second.templates_added) == (0, 1, 1)
    assert sorted(p.name for p in target.list_people()) == ["Ada", "Ada", "Bea"]


def test_wrong_passphrase_other_model_and_other_dim_are_refused(
    source: PeopleStore, tmp_path: Path
) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with pytest.raises(CryptoError, match="wrong passphrase or damaged bundle"):
        read_bundle(path, "not the passphrase at all", expect())
    with pytest.raises(ModelMismatchError) as info:
        read_bundle(path, PASS, expect(onnx_sha256=OTHER))
    assert SHA in str(info.value) and OTHER in str(info.value)
    with pytest.raises(InputError, match="dim must be 512"):
        read_bundle(path, PASS, expect(dim=512))


def _rewrite(path: Path, out: Path, change: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in (entries | change).items():
            archive.writestr(name, data)
    return out


def test_a_changed_manifest_or_gallery_fails_the_signature(
    source: PeopleStore, tmp_path: Path
) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read("manifest.json")
        blob = archive.read("gallery.enc")
    looser = manifest.replace(b'"max_distance": 0.6', b'"max_distance": 0.9')
    with pytest.raises(CryptoError, match="signature does not verify"):
        read_bundle(
            _rewrite(path, tmp_path / "m.ifacebundle", {"manifest.json": looser}), PASS, expect()
        )
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(CryptoError, match="signature does not verify"):
        read_bundle(
            _rewrite(path, tmp_path / "b.ifacebundle", {"gallery.enc": flipped}), PASS, expect()
        )


def test_a_pinned_signer_refuses_another_shops_bundle(source: PeopleStore, tmp_path: Path) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    ours = signer_of(load_signing_key(tmp_path / "a")).fingerprint
    assert read_bundle(path, PASS, expect(signer=ours)).signer == ours
    with pytest.raises(CryptoError, match="signed by key"):
        read_bundle(path, PASS, expect(signer="e" * 64))


def test_signing_key_is_owner_only_and_stable(source: PeopleStore, tmp_path: Path) -> None:
    export(source, tmp_path / "1.ifacebundle")
    key_file = signing_key_path(tmp_path / "a")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ledger = bundle_ledger.ledger_path(tmp_path / "a")
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    first = signer_of(load_signing_key(tmp_path / "a")).fingerprint
    export(source, tmp_path / "2.ifacebundle")
    assert signer_of(load_signing_key(tmp_path / "a")).fingerprint == first
    key_file.chmod(0o644)
    with pytest.raises(CryptoError, match="readable by others"):
        export(source, tmp_path / "3.ifacebundle")


def test_counters_increase_and_an_older_bundle_is_refused(
    source: PeopleStore, target: PeopleStore, tmp_path: Path
) -> None:
    old = export(source, tmp_path / "old.ifacebundle")
    new = export(source, tmp_path / "new.ifacebundle")
    assert read_bundle(new, PASS, expect()).counter == read_bundle(old, PASS, expect()).counter + 1
    import_gallery(target, new, PASS, SHA, staff="b")
    with pytest.raises(InputError, match="older than number 2"):
        import_gallery(target, old, PASS, SHA, staff="b")


def test_an_expired_bundle_is_refused(source: PeopleStore, tmp_path: Path) -> None:
    path = export(source, tmp_path / "g.ifacebundle")
    later = datetime.now(UTC) + timedelta(days=15)
    with pytest.raises(InputError, match="expired"):
        read_bundle(path, PASS, expect(now=later))


def test_forget_reaches_other_kiosks_and_nobody_forgotten_comes_back(
    source: PeopleStore, target: PeopleStore, tmp_path: Path
) -> None:
    first = export(source, tmp_path / "1.ifacebundle")
    import_gallery(target, first, PASS, SHA, staff="b")
    bea = next(p for p in source.list_people() if p.name == "Bea")
    source.forget(bea.id, "anna")
    second = export(source, tmp_path / "2.ifacebundle")
    assert read_bundle(second, PASS, expect()).forgotten == (bea.uid,)
    report = import_gallery(target, second, PASS, SHA, staff="b")
    assert report.people_forgotten == 1 and target.find_by_uid(bea.uid) is None
    # A third kiosk that still has Bea from the first bundle exports her back: refused here.
    third = new_store(tmp_path / "c")
    try:
        import_gallery(third, first, PASS, SHA, staff="c")
        stale = tmp_path / "stale.ifacebundle"
        export_gallery(third, stale, EMB, PASS, staff="c", created_by="t")
        back = import_gallery(target, stale, PASS, SHA, staff="b")
    finally:
        third.close()
    assert back.people_refused == 1 and target.find_by_uid(bea.uid) is None


def test_a_person_forgotten_here_is_skipped_not_a_failed_import(
    source: PeopleStore, target: PeopleStore, tmp_path: Path
) -> None:
    """Someone forgotten at this kiosk (a tombstone, never exported from here) arrives in
    another kiosk's bundle with others: they stay forgotten, the others are imported, and the
    bundle's own tombstones become this kiosk's."""
    first = export(source, tmp_path / "1.ifacebundle")
    import_gallery(target, first, PASS, SHA, staff="b")
    bea = next(p for p in target.list_people() if p.name == "Bea")
    target.forget(bea.id, "b")
    others = {p.uid for p in target.list_people()}
    source.enrol(EnrolRequest(Consent("anna"), SHA, templates(2, 7), name="Cy"))
    again = import_gallery(target, export(source, tmp_path / "2.ifacebundle"), PASS, SHA, staff="b")
    assert again.people_refused == 1 and target.find_by_uid(bea.uid) is None
    assert {p.uid for p in target.list_people()} == others | {
        p.uid for p in source.list_people() if p.name == "Cy"
    }
    cy = next(p for p in source.list_people() if p.name == "Cy")
    source.forget(cy.id, "anna")
    gone = import_gallery(target, export(source, tmp_path / "3.ifacebundle"), PASS, SHA, staff="b")
    assert gone.people_forgotten == 1 and target.is_forgotten(cy.uid)


@pytest.mark.parametrize(
    "weak", ["aaaaaaaaaa", " " * 10, "short", "0123456789", "abcabcabcabc", "Passw0rd!!"]
)
def test_weak_passphrases_are_refused(source: PeopleStore, tmp_path: Path, weak: str) -> None:
    assert passphrase_problem(weak) is not None
    with pytest.raises(InputError, match="passphrase"):
        export_gallery(source, tmp_path / "x", EMB, weak, staff="a", created_by="t")
    assert not (tmp_path / "x").exists()


def test_good_passphrases_pass() -> None:
    for good in (PASS, "la lune est bleue ce soir", "Tea-Kettle-4-Sunday"):
        assert passphrase_problem(good) is None, good


def test_scrypt_parameters_match_the_format() -> None:
    salt = bytes(16)
    assert derive_key("caf\u00e9 passphrase", salt) == derive_key("cafe\u0301 passphrase", salt)
    assert len(derive_key("x" * 10, salt)) == 32


def test_default_settings_live_beside_the_database(source: PeopleStore, tmp_path: Path) -> None:
    settings = default_settings(source, 0.6)
    assert settings.data_dir == tmp_path / "a"
    assert settings.rules["vote"]["max_distance"] == 0.6
