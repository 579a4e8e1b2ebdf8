from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.geometry import clip_int, expand, square
from kiosk.core.types import ClassScores, FaceBox, FaceMesh, readonly


def test_expand_adds_margin_on_every_side() -> None:
    assert expand((10, 20, 30, 60), 0.5) == (0, 0, 40, 80)


def test_square_keeps_centre_and_longer_side() -> None:
    assert square((0, 0, 10, 20)) == (-5, 0, 15, 20)


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        ((-3.5, 2.2, 10.1, 8.0), (0, 2, 11, 8)),
        ((5, 5, 200, 300), (5, 5, 100, 50)),
        ((120, 60, 130, 70), (120, 60, 100, 50)),  # outside: empty after clipping
    ],
)
def test_clip_int_rounds_outward_and_clips(
    box: tuple[float, ...], expected: tuple[int, ...]
) -> None:
    assert clip_int(box, 100, 50) == expected  # type: ignore[arg-type]


def test_facebox_rejects_inverted_box_and_bad_score() -> None:
    with pytest.raises(ValueError, match="x2 > x1"):
        FaceBox(xyxy=(10, 10, 5, 20), score=0.5)
    with pytest.raises(ValueError, match=r"score must be in \[0, 1\]"):
        FaceBox(xyxy=(0, 0, 5, 5), score=1.5)


def test_class_scores_top_and_lookup() -> None:
    scores = ClassScores(labels=("a", "b", "c"), probs=(0.2, 0.7, 0.1))
    assert scores.top == "b"
    assert scores.top_prob == pytest.approx(0.7)
    assert scores.prob("c") == pytest.approx(0.1)
    with pytest.raises(KeyError, match="'d' is not one of"):
        scores.prob("d")


def test_facemesh_shape_is_checked_and_arrays_are_read_only() -> None:
    points = readonly(np.zeros((468, 3)))
    assert not points.flags.writeable
    FaceMesh(points_xyz=points, presence=0.9)
    with pytest.raises(ValueError, match=r"must be \(468, 3\), got \(10, 3\)"):
        FaceMesh(points_xyz=readonly(np.zeros((10, 3))), presence=0.9)
