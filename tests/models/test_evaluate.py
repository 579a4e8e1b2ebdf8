"""`kiosk eval` behind the CLI: pairs and labelled trees through the real models, and the charts."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.charts import vision as plots
from kiosk.errors import InputError
from kiosk.vision.evaluate import LabelsReport, evaluate_labels
from kiosk.vision.evaluate_pairs import FAR_TARGETS, PairsReport, evaluate_pairs, read_pairs
from kiosk.vision.models import VisionModels
from tests.models.conftest import read_image

pytestmark = pytest.mark.models

SUFFIXES = frozenset({".jpg", ".png"})
PHOTOS = [
    "obama/obama_1.jpg",
    "obama/obama_2.jpg",
    "obama/obama_3.jpg",
    "obama/obama_5.jpg",
    "biden/biden_1.jpg",
    "biden/biden_2.jpg",
    "collins/collins_1.png",
]
PAIRS = [
    ("obama/obama_1.jpg", "obama/obama_2.jpg", 1),
    ("obama/obama_1.jpg", "obama/obama_3.jpg", 1),
    ("obama/obama_2.jpg", "obama/obama_5.jpg", 1),
    ("biden/biden_1.jpg", "biden/biden_2.jpg", 1),
    ("obama/obama_1.jpg", "biden/biden_1.jpg", 0),
    ("obama/obama_2.jpg", "biden/biden_2.jpg", 0),
    ("collins/collins_1.png", "obama/obama_5.jpg", 0),
    ("grey.png", "obama/obama_1.jpg", 1),  # no face in the grey image
]
MASKED_AND_ORIGINAL = [
    ("masked/obama_synthetic_mask.jpg", "obama/obama_1.jpg"),
    ("masked/biden_synthetic_mask.jpg", "biden/biden_2.jpg"),
    ("masked/eileen_collins_synthetic_mask.jpg", "collins/collins_1.png"),
]


def _copy(faces_dir: Path, name: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(faces_dir / name, target)


def _write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def pairs_root(faces_dir: Path, tmp_path: Path) -> Path:
    for name in PHOTOS:
        _copy(faces_dir, name, tmp_path / name)
    cv2.imwrite(str(tmp_path / "grey.png"), np.full((240, 320, 3), 128, np.uint8))
    _write_csv(tmp_path / "pairs.csv", ["img_a,img_b,same", *(f"{a},{b},{s}" for a, b, s in PAIRS)])
    return tmp_path


def test_pairs_separate_people_and_count_the_photo_without_a_face(
    vision_models: VisionModels, pairs_root: Path, tmp_path: Path
) -> None:
    progress: list[tuple[int, int]] = []
    report = evaluate_pairs(
        vision_models,
        pairs_root / "pairs.csv",
        pairs_root,
        read_image,
        on_progress=lambda done, total: progress.append((done, total)),
    )
    assert isinstance(report, PairsReport)
    assert (report.pairs_total, report.pairs_evaluated, report.pairs_no_face) == (8, 7, 1)
    assert (report.genuine_pairs, report.impostor_pairs) == (4, 3)
    assert report.images_no_face == (str(pairs_root / "grey.png"),)
    assert progress[-1] == (len(PHOTOS) + 1, len(PHOTOS) + 1)  # each photo embedded once
    assert report.roc_auc == 1.0
    assert report.best.accuracy == 1.0
    assert report.threshold == 0.6
    assert report.accuracy_at_threshold == 1.0
    assert tuple(t.far_target for t in report.tar_at_far) == FAR_TARGETS
    assert all(t.tar == 1.0 and t.far == 0.0 for t in report.tar_at_far)
    assert 0.0 < report.median_ms_per_embedding < 1000.0
    json.dumps(dataclasses.asdict(report), allow_nan=False)

    png = tmp_path / "roc.png"
    plots.roc_png(report, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pairs_threshold_can_be_overridden(vision_models: VisionModels, pairs_root: Path) -> None:
    report = evaluate_pairs(
        vision_models, pairs_root / "pairs.csv", pairs_root, read_image, threshold=0.0
    )
    assert report.threshold == 0.0
    assert report.accuracy_at_threshold == pytest.approx(3 / 7)  # only impostors rejected right


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["a,b,same", "x,y,1"], r"pairs\.csv:1: expected columns img_a,img_b,same"),
        ([], r"pairs\.csv:1: expected columns"),
        (["img_a,img_b,same", "obama/obama_1.jpg,obama/obama_2.jpg,1", "", "grey.png,x,yes"],
         r"pairs\.csv:4: expected `same` to be 1 or 0, got 'yes'"),
        (["img_a,img_b,same", "obama/obama_1.jpg,obama/nobody.jpg,0"],
         r"pairs\.csv:2: img_b .*nobody\.jpg does not exist"),
        (["img_a,img_b,same", "obama/obama_1.jpg,,0"], r"pairs\.csv:2: expected a path in `img_b`"),
        (["img_a,img_b,same"], "at least one pair"),
    ],
)  # fmt: skip
def test_malformed_pairs_csv_names_file_and_line(
    pairs_root: Path, rows: list[str], message: str
) -> None:
    csv_path = _write_csv(pairs_root / "pairs.csv", rows)
    with pytest.raises(InputError, match=message):
        read_pairs(csv_path, pairs_root)


def test_evaluate_pairs_raises_on_a_malformed_csv(
    vision_models: VisionModels, pairs_root: Path
) -> None:
    rows = ["img_a,img_b,same", "obama/obama_1.jpg,obama/obama_2.jpg,1", "grey.png,x,2"]
    csv_path = _write_csv(pairs_root / "pairs.csv", rows)
    with pytest.raises(InputError, match=r"pairs\.csv:3:"):
        evaluate_pairs(vision_models, csv_path, pairs_root, read_image)


def test_pairs_without_impostors_are_an_input_error(
    vision_models: VisionModels, pairs_root: Path
) -> None:
    rows = ["img_a,img_b,same", "obama/obama_1.jpg,obama/obama_2.jpg,1"]
    csv_path = _write_csv(pairs_root / "pairs.csv", rows)
    with pytest.raises(InputError, match="0 impostor"):
        evaluate_pairs(vision_models, csv_path, pairs_root, read_image)


def test_mask_tree_is_classified_right(
    vision_models: VisionModels, faces_dir: Path, tmp_path: Path
) -> None:
    for masked, original in MASKED_AND_ORIGINAL:
        _copy(faces_dir, masked, tmp_path / "with_mask" / Path(masked).name)
        _copy(faces_dir, original, tmp_path / "without_mask" / Path(original).name)
    report = evaluate_labels(vision_models, "mask", tmp_path, read_image, SUFFIXES)
    assert isinstance(report, LabelsReport)
    assert (report.images_total, report.images_evaluated, report.images_no_face) == (6, 6, ())
    assert report.confusion.labels == vision_models.mask.spec.labels
    assert report.confusion.counts == ((3, 0), (0, 3))
    assert report.accuracy == 1.0
    assert report.balanced_accuracy == 1.0
    json.dumps(dataclasses.asdict(report), allow_nan=False)

    png = tmp_path / "confusion.png"
    plots.confusion_png(report.confusion.labels, report.confusion.counts, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_identity_tree_leave_one_out(
    vision_models: VisionModels, faces_dir: Path, tmp_path: Path
) -> None:
    for name in PHOTOS[:3] + PHOTOS[4:6]:
        _copy(faces_dir, name, tmp_path / name)
    cv2.imwrite(str(tmp_path / "biden" / "grey.png"), np.full((120, 160, 3), 128, np.uint8))
    report = evaluate_labels(vision_models, "identity", tmp_path, read_image, SUFFIXES)
    assert report.confusion.labels == ("biden", "obama")
    assert (report.images_total, report.images_evaluated) == (6, 5)
    assert report.images_no_face == (str(tmp_path / "biden" / "grey.png"),)
    assert report.accuracy >= 0.8
    assert report.threshold == 0.6
    assert report.beyond_threshold is not None and report.beyond_threshold <= 1
    assert report.no_mate == ()


@pytest.mark.parametrize(
    ("task", "folder", "message"),
    [
        ("mask", "masked", r"folders \['masked'\] are not labels of the mask model.*with_mask"),
        ("emotion", "joy", r"folders \['joy'\] are not labels of the emotion model.*happy"),
    ],
)
def test_folders_must_be_model_labels(
    vision_models: VisionModels, tmp_path: Path, task: str, folder: str, message: str
) -> None:
    (tmp_path / folder).mkdir()
    cv2.imwrite(str(tmp_path / folder / "grey.png"), np.full((64, 64, 3), 128, np.uint8))
    with pytest.raises(InputError, match=message):
        evaluate_labels(vision_models, task, tmp_path, read_image, SUFFIXES)


def test_unknown_task_and_empty_tree_are_input_errors(
    vision_models: VisionModels, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="task among"):
        evaluate_labels(vision_models, "age", tmp_path, read_image, SUFFIXES)
    with pytest.raises(InputError, match="expected label folders with photos"):
        evaluate_labels(vision_models, "mask", tmp_path, read_image, SUFFIXES)


def test_latency_histogram_png(tmp_path: Path) -> None:
    png = tmp_path / "latency.png"
    plots.latency_histogram_png({"detect": [3.0, 4.0, 5.5, 30.0], "embed": [], "mesh": [2.0]}, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_faces_vs_ms_png(tmp_path: Path) -> None:
    png = tmp_path / "faces.png"
    plots.faces_vs_ms_png({1: [9.0, 11.0, 16.0], 4: [19.0, 21.0, 24.0], 2: []}, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="at least one crowd size"):
        plots.faces_vs_ms_png({}, tmp_path / "none.png")
