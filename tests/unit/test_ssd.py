"""kiosk.core.ssd: MediaPipe's SSD anchors, BlazeFace decoding, weighted NMS and letterbox."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.core.geometry import iou_many
from kiosk.core.ssd import (
    AnchorOptions,
    DecodeOptions,
    Detections,
    Letterbox,
    blazeface_options,
    decode,
    generate_anchors,
    sigmoid_scores,
    weighted_nms,
)
from kiosk.core.types import readonly

SCALE = 128.0
OPTIONS = DecodeOptions(x_scale=SCALE, y_scale=SCALE, w_scale=SCALE, h_scale=SCALE)


def test_short_range_anchors_match_mediapipe() -> None:
    anchors = generate_anchors(blazeface_options(128, 128)[0])
    assert anchors.shape == (896, 4)
    assert not anchors.flags.writeable
    # stride 8: 16x16 cells, 2 anchors each; then stride 16 (3 layers): 8x8 cells, 6 anchors each
    np.testing.assert_allclose(anchors[0], (0.5 / 16, 0.5 / 16, 1, 1))
    np.testing.assert_allclose(anchors[1], anchors[0])
    np.testing.assert_allclose(anchors[2], (1.5 / 16, 0.5 / 16, 1, 1))
    np.testing.assert_allclose(anchors[511], (15.5 / 16, 15.5 / 16, 1, 1))
    np.testing.assert_allclose(anchors[512:518], [(0.5 / 8, 0.5 / 8, 1, 1)] * 6)
    np.testing.assert_allclose(anchors[-1], (7.5 / 8, 7.5 / 8, 1, 1))


def test_full_range_anchors_match_mediapipe() -> None:
    anchors = generate_anchors(blazeface_options(192, 192)[0])
    assert anchors.shape == (2304, 4)  # stride 4: 48x48 cells, one anchor each
    np.testing.assert_allclose(anchors[0], (0.5 / 48, 0.5 / 48, 1, 1))
    np.testing.assert_allclose(anchors[48], (0.5 / 48, 1.5 / 48, 1, 1))
    np.testing.assert_allclose(anchors[-1], (47.5 / 48, 47.5 / 48, 1, 1))


def test_anchor_sizes_when_not_fixed() -> None:
    options = AnchorOptions(8, 8, strides=(8, 8), fixed_anchor_size=False)
    anchors = generate_anchors(options)
    # one cell, two layers, each with aspect ratio 1 and an interpolated anchor (the last
    # layer interpolates towards scale 1)
    np.testing.assert_allclose(
        anchors[:, 2], [0.1484375, np.sqrt(0.1484375 * 0.75), 0.75, np.sqrt(0.75)], rtol=1e-6
    )


def test_blazeface_options_reject_unknown_sizes() -> None:
    with pytest.raises(ValueError, match=r"128x128 or 192x192, got \(160, 160\)"):
        blazeface_options(160, 160)


def test_scores_are_clipped_sigmoid() -> None:
    scores = sigmoid_scores(np.array([-1e6, 0.0, 1e6]), clip=100.0)
    np.testing.assert_allclose(scores, [1 / (1 + np.exp(100)), 0.5, 1.0], rtol=1e-6, atol=1e-30)


def _raw(count: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((count, OPTIONS.num_coords), np.float32), np.full(count, -10.0, np.float32)


def test_decode_centres_box_and_keypoints_on_the_anchor() -> None:
    anchors = readonly([(0.25, 0.5, 1.0, 1.0), (0.75, 0.5, 1.0, 1.0)])
    regressors, logits = _raw(2)
    regressors[1, :4] = (12.8, -6.4, 32.0, 64.0)  # offset (0.1, -0.05), size (0.25, 0.5)
    regressors[1, 4:6] = (-12.8, 0.0)  # first keypoint 0.1 left of the anchor
    logits[1] = 2.0
    found = decode(regressors, logits, anchors, OPTIONS, min_score=0.5)
    assert len(found) == 1
    np.testing.assert_allclose(found.boxes_xyxy[0], (0.725, 0.2, 0.975, 0.7), atol=1e-6)
    np.testing.assert_allclose(found.keypoints_xy[0, 0], (0.65, 0.5), atol=1e-6)
    np.testing.assert_allclose(found.keypoints_xy[0, 1], (0.75, 0.5), atol=1e-6)
    assert found.scores[0] == pytest.approx(1 / (1 + np.exp(-2.0)))


def test_decode_drops_low_scores_and_negative_sizes() -> None:
    anchors = readonly([(0.5, 0.5, 1.0, 1.0)] * 3)
    regressors, logits = _raw(3)
    regressors[:, 2:4] = 10.0
    regressors[2, 2] = -10.0  # negative width
    logits[:] = (0.0, -0.1, 5.0)  # scores 0.5 (kept: >=), 0.475, 0.99
    found = decode(regressors, logits[:, None], anchors, OPTIONS, min_score=0.5)
    assert len(found) == 1 and found.scores[0] == pytest.approx(0.5)


def test_decode_says_which_shapes_it_expected() -> None:
    anchors = readonly([(0.5, 0.5, 1.0, 1.0)])
    with pytest.raises(ValueError, match=r"expected regressors \(1, 16\) and 1 logits"):
        decode(np.zeros((2, 16)), np.zeros(2), anchors, OPTIONS, 0.5)


def test_iou() -> None:
    boxes = readonly([(0, 0, 2, 2), (1, 0, 3, 2), (5, 5, 6, 6)])
    np.testing.assert_allclose(iou_many(boxes[0], boxes), [1.0, 1 / 3, 0.0], rtol=1e-6)


def _detections(boxes: list[tuple[float, ...]], scores: list[float]) -> Detections:
    points = np.asarray(boxes, np.float32)[:, None, :2].repeat(6, axis=1)
    return Detections(readonly(boxes), readonly(scores), readonly(points))


def test_weighted_nms_averages_overlapping_boxes_by_score() -> None:
    found = _detections([(0, 0, 1, 1), (0.1, 0, 1.1, 1), (3, 3, 4, 4)], [0.6, 0.9, 0.7])
    kept = weighted_nms(found, 0.3)
    assert len(kept) == 2
    np.testing.assert_allclose(kept.scores, [0.9, 0.7])  # the top score, not an average
    np.testing.assert_allclose(kept.boxes_xyxy[0], (0.06, 0, 1.06, 1), atol=1e-6)
    np.testing.assert_allclose(kept.keypoints_xy[0, 0], (0.06, 0), atol=1e-6)
    np.testing.assert_allclose(kept.boxes_xyxy[1], (3, 3, 4, 4))


def test_weighted_nms_keeps_boxes_at_or_below_the_threshold() -> None:
    found = _detections([(0, 0, 2, 2), (1, 0, 3, 2)], [0.9, 0.8])  # IoU 1/3
    assert len(weighted_nms(found, 0.4)) == 2
    assert len(weighted_nms(found, 0.3)) == 1


def test_weighted_nms_of_nothing() -> None:
    empty = Detections(
        readonly(np.zeros((0, 4))), readonly(np.zeros(0)), readonly(np.zeros((0, 6, 2)))
    )
    kept = weighted_nms(empty, 0.3)
    assert len(kept) == 0 and kept.keypoints_xy.shape == (0, 6, 2)


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ((640, 480), (0.0, -80.0, 640.0, 640.0)),  # landscape: padded top and bottom
        ((480, 640), (-80.0, 0.0, 640.0, 640.0)),
        ((100, 100), (0.0, 0.0, 100.0, 100.0)),
    ],
)
def test_letterbox_pads_the_shorter_side_evenly(
    frame: tuple[int, int], expected: tuple[float, ...]
) -> None:
    box = Letterbox.fit(*frame, 192, 192)
    assert (box.x0, box.y0, box.width, box.height) == pytest.approx(expected)


def test_letterbox_maps_input_corners_to_frame_pixels() -> None:
    box = Letterbox.fit(640, 480, 128, 128)
    mapped = box.to_frame(np.array([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]]))
    np.testing.assert_allclose(mapped, [(0, -80), (640, 560), (320, 240)])
