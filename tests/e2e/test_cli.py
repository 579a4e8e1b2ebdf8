"""`kiosk doctor` and `kiosk analyze` in-process: output, schema, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kiosk.cli import main

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "kiosk" / "schemas" / "frame_result.schema.json").read_text())
pytestmark = pytest.mark.models  # doctor and analyze load the real models


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("KIOSK_CAMERA_SOURCE", str(tmp_path / "no-camera"))
    return tmp_path / "data"


def test_doctor_reports_every_model_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert {m["key"] for m in report["models"]} >= {"face_detector", "face_embedder", "emotion"}
    assert all(m["ok"] for m in report["models"])
    assert report["camera"]["available"] is False  # no camera: not fatal (demo mode)


def test_analyze_a_folder_prints_valid_json_lines(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("obama/obama_1.jpg", "masked/biden_synthetic_mask.jpg"):
        (folder / Path(name).name).write_bytes((faces_dir / name).read_bytes())
    out = tmp_path / "annotated"
    assert main(["analyze", str(folder), "--annotate", str(out)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2
    for row in rows:
        jsonschema.validate(row, SCHEMA)
        assert len(row["faces"]) == 1
    masks = {Path(r["source"]).name: r["faces"][0]["mask"]["label"] for r in rows}
    assert masks == {"obama_1.jpg": "without_mask", "biden_synthetic_mask.jpg": "with_mask"}
    assert sorted(p.name for p in out.iterdir()) == ["biden_synthetic_mask.jpg", "obama_1.jpg"]


def test_analyze_recognises_people_enrolled_with_enroll(
    tmp_path: Path, faces_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "people" / "obama"
    people.mkdir(parents=True)
    (people / "a.jpg").write_bytes((faces_dir / "obama/obama_2.jpg").read_bytes())
    image = faces_dir / "obama/obama_1.jpg"
    assert main(["analyze", str(image), "--enroll", str(tmp_path / "people")]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["faces"][0]["identity"]["name"] == "Obama"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (None, "missing.jpg", "does not exist"),
        (b"", "empty.jpg", "empty"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "broken.jpg", "not a readable image"),
        (b"not a video at all", "clip.mp4", "not a readable video"),
        (b"hello", "notes.txt", "expected an image"),
    ],
)
def test_analyze_bad_input_names_the_problem(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    name: str,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["analyze", str(path)]) == 4  # InputError
    err = capsys.readouterr().err
    assert message in " ".join(err.split())  # rich wraps long lines
    assert name in "".join(err.split())
