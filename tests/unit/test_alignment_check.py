"""The alignment data file (models/face_recognition/alignment_check.json) matches align.py.

`python -m models.build.alignment` measures the shipped mesh -> dlib 5-point rules and the
exact-chip parity against dlib, and writes that file. Changing a rule in align.py without
rerunning the tool fails here, and so does a file whose measurements went bad.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.vision import align

DATA = Path(__file__).resolve().parents[2] / "models" / "face_recognition" / "alignment_check.json"


@pytest.fixture(scope="module")
def check() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _form(rules: tuple[align.PointRule, ...]) -> list[list[Any]]:
    return [[list(r.indices), list(r.weights), r.offset_u, r.offset_v] for r in rules]


def test_the_file_measured_the_rules_align_py_ships(check: dict[str, Any]) -> None:
    assert check["shipped_rules"] == {
        "mesh": _form(align.MESH_RULES),
        "keypoints": _form(align.KEYPOINT_RULES),
    }


def test_it_was_measured_on_photos_in_the_repository(check: dict[str, Any]) -> None:
    faces = Path(__file__).resolve().parents[2] / check["faces"]
    assert faces.is_dir()
    assert check["calibration"]["faces"] >= 20


@pytest.mark.parametrize("part", ["parity_photos", "parity_pyramid"])
def test_chips_and_descriptors_match_dlib(check: dict[str, Any], part: str) -> None:
    parity = check[part]
    assert parity["chips"] >= 20
    assert parity["pixel_abs_diff_max"] <= 1
    assert parity["descriptor_abs_diff_max_our_chip"] < 1e-4


def test_mesh_rules_land_near_dlibs_points(check: dict[str, Any]) -> None:
    calibration = check["calibration"]
    shipped = calibration["shipped_mesh_error"]["iod_pct_mean"]
    assert shipped < calibration["raw_mesh_corners_error"]["iod_pct_mean"]
    assert shipped < 4.0
    assert calibration["shipped_mesh_chip_distance"]["max"] < 0.3
