"""The iPad's shared test vectors are what the kiosk's code computes today (byte for byte), and
the kiosk's own bundle reader gives each vector bundle the outcome the iPad must give it."""

from __future__ import annotations

import filecmp
import importlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest

from kiosk.errors import CryptoError, InputError, KioskError, ModelMismatchError
from kiosk.store.bundle_format import parse_rfc3339
from kiosk.store.bundle_read import Expectation, read_bundle

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "ios_companion" / "vectors"


@pytest.fixture(scope="module")
def make_vectors() -> Iterator[ModuleType]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(REPO / "ios_companion"))
        yield importlib.import_module("make_vectors")


def test_vectors_are_up_to_date(make_vectors: ModuleType, tmp_path: Path) -> None:
    written = make_vectors.write_all(tmp_path)
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in COMMITTED.iterdir()), (
        "ios_companion/vectors differs in its files: run "
        "`PYTHONPATH=.:ios_companion .venv/bin/python ios_companion/make_vectors.py`"
    )
    _, mismatch, errors = filecmp.cmpfiles(COMMITTED, tmp_path, names, shallow=False)
    assert not mismatch and not errors, (
        f"{mismatch + errors} changed: the Python side moved; regenerate the vectors with "
        "ios_companion/make_vectors.py and make the Swift side follow (swift test)"
    )


OUTCOMES: dict[str, tuple[type[KioskError], str]] = {
    "signature": (CryptoError, "signature does not verify"),
    "signer": (CryptoError, "signed by key"),
    "expired": (InputError, "expired"),
    "rollback": (InputError, "older than number"),
    "model": (ModelMismatchError, "embedding model"),
    "malformed": (InputError, "must be|finite"),
    "zip": (InputError, "compressed|unsafe"),
    "file_hash": (InputError, "sha256"),
}


def test_the_kiosk_reader_agrees_with_every_bundle_vector() -> None:
    spec = json.loads((COMMITTED / "bundle.json").read_text("utf-8"))
    expect = Expectation(
        spec["app_embedding_sha256"],
        128,
        signer=spec["shop_fingerprint"],
        seen={spec["shop_fingerprint"]: spec["last_counter_seen"]},
        now=parse_rfc3339(spec["checked_at"]),
    )
    good = read_bundle(COMMITTED / spec["good"]["file"], spec["passphrase"], expect)
    assert [p.id for p in good.people] == [p["id"] for p in spec["good"]["people"]]
    assert good.forgotten == tuple(spec["good"]["forgotten"])
    assert good.counter == spec["good"]["counter"]
    assert good.expires_at == spec["good"]["expires_at"]
    for case in spec["cases"]:
        error, message = OUTCOMES[case["outcome"]]
        with pytest.raises(error, match=message):
            read_bundle(COMMITTED / case["file"], spec["passphrase"], expect)
    with pytest.raises(CryptoError, match="wrong passphrase"):
        read_bundle(COMMITTED / spec["good"]["file"], "not the passphrase at all", expect)
    assert isinstance(parse_rfc3339(spec["checked_at"]), datetime)
