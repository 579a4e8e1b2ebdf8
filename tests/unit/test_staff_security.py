"""Staff security: `kiosk staff set-pin` stores only a salted scrypt hash; every staff action
on people data is audited with the staff name and never a person's name."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.config import PathsConfig, write_setting
from kiosk.core.pin import verify_pin
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people

PIN = "482916"
SHA = "e" * 64
NAMES = ("Zebediah Quuxworth", "Philippa Marchbanks")


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    path = tmp_path / "kiosk.toml"
    write_setting(path, "vision", "threads", 2)
    return path


def test_set_pin_from_a_file_writes_only_a_salted_hash(config_file: Path, tmp_path: Path) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(PIN + "\n", encoding="utf-8")
    argv = ["--config", str(config_file), "staff", "set-pin", "--pin-file", str(pin_file)]
    assert main(argv) == 0
    first = config_file.read_text(encoding="utf-8")
    assert PIN not in first
    stored = tomllib.loads(first)
    assert stored["vision"]["threads"] == 2  # other settings kept
    assert stored["staff"]["pin_hash"].startswith("scrypt$")
    assert verify_pin(PIN, stored["staff"]["pin_hash"])
    assert not verify_pin("000000", stored["staff"]["pin_hash"])
    assert main(argv) == 0
    second = tomllib.loads(config_file.read_text(encoding="utf-8"))["staff"]["pin_hash"]
    assert second != stored["staff"]["pin_hash"]  # a fresh salt each time


def test_set_pin_defaults_to_the_data_dir_config(tmp_path: Path, config_file: Path) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(PIN, encoding="utf-8")
    assert main(["staff", "set-pin", "--pin-file", str(pin_file)]) == 0
    written = tmp_path / "data" / "kiosk.toml"
    assert verify_pin(PIN, tomllib.loads(written.read_text())["staff"]["pin_hash"])


@pytest.mark.parametrize(
    ("answers", "message"),
    [(["1234", "1243"], "the two PINs differ"), (["12a4", "12a4"], "at least 4 digits")],
)
def test_set_pin_interactively_refuses_mismatch_and_bad_pins(
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answers: list[str],
    message: str,
) -> None:
    replies = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    before = config_file.read_text(encoding="utf-8")
    assert main(["--config", str(config_file), "staff", "set-pin"]) == 4
    assert message in capsys.readouterr().err
    assert config_file.read_text(encoding="utf-8") == before


def test_set_pin_without_a_terminal_needs_a_pin_file(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--config", str(config_file), "staff", "set-pin"]) == 4
    assert "--pin-file" in capsys.readouterr().err


def _templates(seed: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    return tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "camera") for _ in range(3))


def test_every_staff_action_is_audited_with_staff_and_without_names(tmp_path: Path) -> None:
    people = open_people(PathsConfig(data_dir=tmp_path / "a"), None)
    other = open_people(PathsConfig(data_dir=tmp_path / "b"), None)
    bundle = tmp_path / "g.ifacegallery"
    try:
        ids = [
            people.enrol(EnrolRequest(Consent("anna"), SHA, _templates(i), name=name))
            for i, name in enumerate(NAMES)
        ]
        people.enrol(
            EnrolRequest(Consent("ben", method="import"), SHA, _templates(9), person_id=ids[0])
        )
        people.rename(ids[1], "Philippa M.", "carla")
        info = EmbeddingInfo("face_embedder", SHA, 128, 0.6)
        export_gallery(people, bundle, info, "a good passphrase", staff="dora", created_by="t")
        import_gallery(other, bundle, "a good passphrase", SHA, staff="emil")
        people.forget(ids[0], "fritz")
        rows = people.store.db.execute("SELECT staff, action, detail FROM audit").fetchall()
        rows += other.store.db.execute("SELECT staff, action, detail FROM audit").fetchall()
    finally:
        people.close()
        other.close()
    assert [(s, a) for s, a, _ in rows] == [
        ("anna", "enrol:in-person"),
        ("anna", "enrol:in-person"),
        ("ben", "enrol:import"),
        ("carla", "rename"),
        ("dora", "export"),
        ("fritz", "forget"),
        ("emil", "enrol:bundle"),
        ("emil", "enrol:bundle"),
        ("emil", "import-bundle"),
    ]
    words = {w.lower() for name in (*NAMES, "Philippa M.") for w in name.split()}
    for _, _, detail in rows:
        assert not words & {w.lower().strip(":,.") for w in detail.split()}, detail
