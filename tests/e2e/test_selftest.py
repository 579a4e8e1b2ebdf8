"""`kiosk --self-test` from the source tree: every step passes on the shipped resources."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.cli import main
from kiosk.commands.selftest import run_self_test
from kiosk.config.loading import load_config

pytestmark = pytest.mark.models


def test_self_test_passes(
    qapp: QApplication,  # pytest-qt's, kept for the session; the self-test reuses it
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)

    assert main(["--self-test"]) == 0

    out = capsys.readouterr().out
    assert "self-test passed" in out
    for step in ("models", "demo catalog", "demo clip", "GUI offscreen"):
        assert step in out
    for person in ("Obama", "Biden", "Eileen Collins"):
        assert person in out
    assert not (tmp_path / "kiosk.db").exists(), "the self-test must not create the database"


def test_a_corrupt_model_fails_the_self_test(tmp_path: Path, models_dir: Path) -> None:
    models = tmp_path / "models"
    for path in models_dir.rglob("*"):
        if path.is_file() and "build" not in path.relative_to(models_dir).parts:
            target = models / path.relative_to(models_dir)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    mask = next((models / "mask").glob("*.onnx"))
    mask.write_bytes(mask.read_bytes()[:-1] + b"\0")
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path / "data"), "KIOSK_PATHS_MODELS_DIR": str(models)}

    report = run_self_test(load_config(None, env), gui=False)

    assert not report.ok
    by_name = {c.name: c for c in report.checks}
    assert by_name["models (sha256, load, run)"].ok is False
    assert "sha256" in by_name["models (sha256, load, run)"].detail
    assert by_name["demo clip: people named"].ok is None  # skipped, not run on a broken model


def test_a_command_or_the_flag_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "--self-test" in capsys.readouterr().err
