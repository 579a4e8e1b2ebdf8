"""Staff security: only `kiosk staff set-pin` sets the PIN (a private salted scrypt hash, audited),
a kiosk without one stays locked, and every staff action on people data is audited with the
staff name and never a person's name."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import numpy as np
import pytest

from kiosk.camera.probe import CameraProbe
from kiosk.cli import main
from kiosk.config import PathsConfig, StaffConfig
from kiosk.config.loading import write_setting
from kiosk.core.pin import verify_pin
from kiosk.errors import ConfigError
from kiosk.services.staff_access import StaffAccess
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people
from kiosk.store.staff_pin import PinFile

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


def _pin_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "staff_pin.json"


def test_set_pin_writes_a_private_salted_hash_and_audits_it(
    config_file: Path, tmp_path: Path
) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(PIN + "\n", encoding="utf-8")
    argv = ["--config", str(config_file), "staff", "set-pin", "--pin-file", str(pin_file)]
    settings_before = config_file.read_text(encoding="utf-8")
    assert main([*argv, "--staff", "anna"]) == 0
    stored = _pin_file(tmp_path)
    text = stored.read_text(encoding="utf-8")
    assert PIN not in text
    first = json.loads(text)["pin_hash"]
    assert verify_pin(PIN, first) and not verify_pin("000001", first)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert config_file.read_text(encoding="utf-8") == settings_before  # never in kiosk.toml
    assert main([*argv, "--staff", "ben"]) == 0
    second = json.loads(stored.read_text(encoding="utf-8"))["pin_hash"]
    assert second != first  # a fresh salt each time
    with open_people(PathsConfig(data_dir=tmp_path / "data"), None) as people:
        audit = people.store.db.execute("SELECT staff, action, detail FROM audit").fetchall()
    assert audit == [("anna", "staff-pin", "set"), ("ben", "staff-pin", "changed")]


def test_set_pin_needs_a_staff_name(config_file: Path, tmp_path: Path) -> None:
    pin_file = tmp_path / "pin.txt"
    pin_file.write_text(PIN, encoding="utf-8")
    with pytest.raises(SystemExit) as usage:
        main(["staff", "set-pin", "--pin-file", str(pin_file)])
    assert usage.value.code == 2
    assert not _pin_file(tmp_path).exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (["482916", "482961"], "the two PINs differ"),
        (["12a4567", "12a4567"], "digits only"),
        (["4829", "4829"], "6 to 12 digits"),
        (["123456", "123456"], "run of digits"),
    ],
)
def test_set_pin_interactively_refuses_mismatch_and_weak_pins(
    *,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answers: list[str],
    message: str,
) -> None:
    replies = iter(answers)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["--config", str(config_file), "staff", "set-pin", "--staff", "anna"]) == 4
    assert message in capsys.readouterr().err
    assert not _pin_file(tmp_path).exists()


def test_set_pin_without_a_terminal_needs_a_pin_file(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--config", str(config_file), "staff", "set-pin", "--staff", "anna"]) == 4
    assert "--pin-file" in capsys.readouterr().err


@pytest.mark.parametrize("demo", [False, True])
def test_a_fullscreen_kiosk_refuses_to_start_without_a_pin(
    *,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    demo: bool,
) -> None:
    """A careless installer puts `kiosk run --fullscreen` in autostart before setting a PIN:
    the kiosk must refuse (a locked-open full screen nobody can leave, or a staff mode the
    first passer-by claims), and say how to fix it."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    argv = ["run", "--fullscreen", *(["--demo"] if demo else [])]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "kiosk staff set-pin" in err
    assert not _pin_file(tmp_path).exists()


def test_a_damaged_pin_file_keeps_staff_mode_locked(tmp_path: Path) -> None:
    path = tmp_path / "staff_pin.json"
    path.write_text("{not json", encoding="utf-8")
    access = StaffAccess(PinFile(path), StaffConfig())
    assert not access.is_set()
    with pytest.raises(ConfigError, match="damaged"):
        access.attempt(PIN)


def test_doctor_warns_while_no_pin_is_set(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.commands.doctor import _warnings
    from kiosk.config.loading import load_config

    config = load_config(config_file, {"KIOSK_PATHS_DATA_DIR": str(tmp_path / "data")})
    probe = CameraProbe("0", True, "640x480")
    assert any("no staff PIN" in w for w in _warnings(config, probe))
    StaffAccess(PinFile(config.paths.pin_path), config.staff).set_pin(PIN)
    assert not any("no staff PIN" in w for w in _warnings(config, probe))


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
