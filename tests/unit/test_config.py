from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config.loading import load_config
from kiosk.errors import ConfigError


def test_defaults_without_file_or_env(tmp_path: Path) -> None:
    config = load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path)})
    assert config.paths.data_dir == tmp_path
    assert config.vision.threads == 1
    assert config.camera.source == "0"
    assert config.source_file is None


def test_file_then_environment_override(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[vision]\nthreads = 2\n[camera]\nsource = "/dev/video2"\n')
    config = load_config(path, {"KIOSK_VISION_THREADS": "3"})
    assert config.vision.threads == 3
    assert config.camera.source == "/dev/video2"
    assert config.source_file == path


def test_kiosk_toml_in_data_dir_is_found(tmp_path: Path) -> None:
    (tmp_path / "kiosk.toml").write_text("[camera]\nwidth = 1280\n")
    config = load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path)})
    assert config.camera.width == 1280


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[vision]\nthreads = 'many'\n", "vision.threads must be int, got 'many'"),
        ("[vision]\nthreads = 0\n", "between 1 and 64"),
        ("[vision]\nthreads = 1.5\n", "vision.threads must be int"),
        ("[vision]\ncolour = 1\n", "[vision] has no setting 'colour'"),
        ("[cameras]\nsource = '0'\n", "unknown section(s) cameras"),
        ("vision = 3\n", "[vision] must be a table"),
        ("[vision\n", "is not valid TOML"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert message in str(info.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "absent.toml", {})


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("KIOSK_CAMERA_SORCE", "KIOSK_CAMERA_SORCE is not a kiosk setting"),
        ("KIOSK_CAMERAS_SOURCE", "KIOSK_CAMERAS_SOURCE is not a kiosk setting"),
        ("KIOSK_DISPLAY", "KIOSK_DISPLAY is not a kiosk setting"),
        ("KIOSK_FOO", "KIOSK_FOO is not a kiosk setting"),
    ],
)
def test_unknown_kiosk_variables_are_errors_naming_them(
    tmp_path: Path, variable: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path), variable: "1"})
    assert message in str(info.value)


def test_the_other_kiosk_variables_are_not_settings_but_allowed(tmp_path: Path) -> None:
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path), "KIOSK_BUNDLE_PASSPHRASE": "x" * 12}
    assert load_config(None, env).paths.data_dir == tmp_path


@pytest.mark.parametrize("word", ["ture", "yes please", "", "2", "nein"])
def test_a_bad_boolean_is_an_error_not_false(tmp_path: Path, word: str) -> None:
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path), "KIOSK_DISPLAY_SHOW_NAMES": word}
    with pytest.raises(ConfigError) as info:
        load_config(None, env)
    text = str(info.value)
    assert "KIOSK_DISPLAY_SHOW_NAMES" in text and "must be true or false" in text
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[display]\nshow_mask = "{word}"\n')
    with pytest.raises(ConfigError, match=r"kiosk.toml: display.show_mask must be true"):
        load_config(path, {})


@pytest.mark.parametrize(
    ("word", "value"), [("true", True), ("0", False), ("Yes", True), ("off", False)]
)
def test_the_usual_boolean_words_work(tmp_path: Path, word: str, value: bool) -> None:
    env = {"KIOSK_PATHS_DATA_DIR": str(tmp_path), "KIOSK_DISPLAY_ALERT_SOUND": word}
    assert load_config(None, env).display.alert_sound is value


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("language = 'fr'", "display.language must be one of en, de, zh_CN"),
        ("currency = 'euro'", "display.currency must be a 3-letter ISO 4217 code"),
        ("camera_view = 'huge'", "display.camera_view must be one of mirror, large"),
        ("help_after_s = 0.1", "display.help_after_s must be between"),
    ],
)
def test_display_settings_are_checked(tmp_path: Path, setting: str, message: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[display]\n{setting}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, {})
    assert message in str(info.value) and str(path) in str(info.value)


def test_emotion_badges_are_private_by_default(tmp_path: Path) -> None:
    display = load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path)}).display
    assert display.show_emotion is False
    assert (display.language, display.currency) == ("en", "EUR")


def test_the_cli_shows_section_names_in_config_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rich markup would swallow "[display]" from the message: it is escaped."""
    from kiosk.cli import main

    path = tmp_path / "kiosk.toml"
    path.write_text("[display]\nshow_nmes = true\n")
    monkeypatch.setenv("KIOSK_CONFIG", str(path))
    assert main(["catalog", "list"]) == 2
    assert "[display] has no setting 'show_nmes'" in capsys.readouterr().err
    monkeypatch.delenv("KIOSK_CONFIG")
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KIOSK_DISPLAY_SHOW_MASK", "ture")
    assert main(["catalog", "list"]) == 2
    err = capsys.readouterr().err
    assert "KIOSK_DISPLAY_SHOW_MASK" in err and "'ture'" in err
