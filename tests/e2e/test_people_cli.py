"""`kiosk people ...` in-process, on a database in a temporary data directory, real models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main

pytestmark = pytest.mark.models
PASS = "a long enough passphrase"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.delenv("KIOSK_BUNDLE_PASSPHRASE", raising=False)
    return path


@pytest.fixture
def photos(tmp_path: Path, faces_dir: Path) -> Path:
    root = tmp_path / "photos"
    for person, files in {
        "Obama": ["obama_2.jpg", "obama_5.jpg"],
        "Biden": ["biden_1.jpg"],
    }.items():
        (root / person).mkdir(parents=True)
        for name in files:
            shutil.copy(faces_dir / person.lower() / name, root / person)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_people_lifecycle(
    *,
    data_dir: Path,
    photos: Path,
    faces_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = run_json(capsys, "people", "import", str(photos), "--staff", "anna")
    assert (summary["people_added"], summary["templates"], summary["skipped"]) == (2, 3, [])
    listed = run_json(capsys, "people", "list")["people"]
    assert [(p["name"], p["templates"]) for p in listed] == [("Biden", 1), ("Obama", 3)]
    # the import's count and the gallery's agree: captures (the mean is a derived template)
    assert [(p["name"], p["captures"]) for p in listed] == [("Biden", 1), ("Obama", 2)]
    assert sum(p["captures"] for p in listed) == summary["templates"]
    obama = listed[1]["id"]

    code, out, _ = run(capsys, "analyze", str(faces_dir / "obama" / "obama_1.jpg"))
    assert code == 0
    assert json.loads(out.splitlines()[0])["faces"][0]["identity"]["person_id"] == obama

    assert run(capsys, "people", "rename", str(obama), "Barack", "--staff", "anna")[0] == 0
    shown = run_json(capsys, "people", "show", str(obama))
    assert shown["person"]["name"] == "Barack"
    assert shown["consents"][0]["method"] == "import"

    secret = tmp_path / "pass.txt"
    secret.write_text(PASS + "\n")
    bundle = tmp_path / "g.ifacebundle"
    exported = run_json(
        capsys, "people", "export", str(bundle), "--staff", "anna", "--passphrase-file", str(secret)
    )
    assert (exported["people"], exported["templates"]) == (2, 3)

    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "other"))
    monkeypatch.setenv("KIOSK_BUNDLE_PASSPHRASE", "not the passphrase")
    code, _, err = run(capsys, "people", "import-bundle", str(bundle), "--staff", "ben")
    assert code == 7 and "wrong passphrase" in " ".join(err.split())
    monkeypatch.setenv("KIOSK_BUNDLE_PASSPHRASE", PASS)
    imported = run_json(capsys, "people", "import-bundle", str(bundle), "--staff", "ben")
    assert (imported["people_added"], imported["templates_added"]) == (2, 3)
    assert len(run_json(capsys, "people", "list")["people"]) == 2

    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(data_dir))
    forgot = run_json(capsys, "people", "forget", str(obama), "--staff", "anna")
    assert forgot["person_id"] == obama
    assert [p["name"] for p in run_json(capsys, "people", "list")["people"]] == ["Biden"]
    assert b"Barack" not in (data_dir / "kiosk.db").read_bytes()
    assert run(capsys, "people", "show", str(obama))[0] == 4
    purged = run_json(capsys, "people", "purge", "--days", "7")
    assert (purged["visits"], purged["events"]) == (0, 0)


def test_write_actions_need_staff_and_help_everywhere(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["people", "forget", "1"])
    assert info.value.code == 2
    for verb in ("list", "show", "rename", "forget", "purge", "export", "import", "import-bundle"):
        with pytest.raises(SystemExit) as info:
            main(["people", verb, "--help"])
        assert info.value.code == 0
    with pytest.raises(SystemExit):
        main(["bench", "gallery", "--help"])
    capsys.readouterr()
    code, _, err = run(capsys, "people", "export", "x.ifacebundle", "--staff", "a")
    assert code == 4 and "no passphrase" in err


def test_a_broken_annotation_file_is_reported_and_nothing_imported(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "faces.csv"
    csv.write_text("path,label,xMin,yMin,xMax,yMax\nmissing.jpg,Ann,1,2,30,40\nb.jpg,Bo,1,x,3,4\n")
    code, out, _ = run(
        capsys, "people", "import", str(csv), "--format", "turicreate", "--staff", "anna", "--json"
    )
    assert code == 4
    summary = json.loads(out)
    assert summary["templates"] == 0
    skipped = {s["where"]: s["reason"] for s in summary["skipped"]}
    assert skipped.keys() == {f"{csv}:2", f"{csv}:3"}
    assert "missing.jpg" in skipped[f"{csv}:2"]
    assert "ymin must be a number, got 'x'" in skipped[f"{csv}:3"]


def test_bench_gallery_prints_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "bench", "gallery", "--people", "50", "--people", "100", "--queries", "5"
    )
    assert [s["templates"] for s in data["sizes"]] == [1000, 2000]
    assert all(s["p50_ms"] > 0 and s["matrix_mb"] > 0 for s in data["sizes"])


def test_no_name_reaches_the_logs(
    *,
    data_dir: Path,
    photos: Path,
    faces_dir: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Enrol, recognise, rename and forget with every logger at DEBUG: no name is logged."""
    caplog.set_level("DEBUG")
    assert run(capsys, "-v", "people", "import", str(photos), "--staff", "anna")[0] == 0
    listed = run_json(capsys, "people", "list")["people"]
    obama = next(p["id"] for p in listed if p["name"] == "Obama")
    assert run(capsys, "-v", "analyze", str(faces_dir / "obama" / "obama_1.jpg"))[0] == 0
    assert run(capsys, "people", "rename", str(obama), "Barack", "--staff", "anna")[0] == 0
    assert run(capsys, "people", "forget", str(obama), "--staff", "anna")[0] == 0
    assert caplog.records, "the commands log something at DEBUG"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for name in ("Obama", "Biden", "Barack"):
        assert name not in logged, f"{name!r} appeared in a log message"
