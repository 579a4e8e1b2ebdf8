"""`kiosk bench pipeline`: a video's first frames, the crowd sweep, and bad arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands.bench.pipeline import bench_crowds
from kiosk.config import KioskConfig
from kiosk.paths import demo_clip


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return tmp_path / "data"


@pytest.mark.models
def test_the_first_frames_of_a_video_with_cpu_time(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", "pipeline", str(demo_clip()), "--frames", "4", "--threads", "1", "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["frames"] == 4 and report["threads"] == 1
    assert report["cpu"]["runs"] == 4 and report["cpu"]["p50_ms"] > 0
    assert report["faces"] is None


@pytest.mark.models
def test_the_crowd_sweep_reports_each_number_of_faces(faces_dir: Path) -> None:
    reports = bench_crowds(KioskConfig(), [1, 3], None, faces_dir, seconds=0.6)
    assert [(r.faces, r.frames) for r in reports] == [(1, 9), (3, 9)]
    assert all(r.stage("total").runs == 9 and r.cpu.runs == 9 for r in reports)


@pytest.mark.parametrize(
    "args",
    [
        ["--faces", "0,5"],
        ["--faces", "two"],
        ["--faces", ""],
        [],  # neither a video nor --faces
        ["--faces", "2", "--faces-dir", "/nonexistent/portraits"],
    ],
)
def test_bad_arguments_exit_4_before_loading_models(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bench", "pipeline", *args]) == 4
    assert "error" in capsys.readouterr().err
