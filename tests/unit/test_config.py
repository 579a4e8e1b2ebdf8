from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_config
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
        ("[cameras]\nsource = '0'\n", "unknown section(s) ['cameras']"),
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
