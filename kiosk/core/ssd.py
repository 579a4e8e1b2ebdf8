"""SSD anchor generation, box decoding and weighted NMS, as MediaPipe computes them for BlazeFace.

Pure numpy re-implementations of MediaPipe's `SsdAnchorsCalculator`,
`TensorsToDetectionsCalculator` and `NonMaxSuppressionCalculator` (algorithm WEIGHTED, overlap
INTERSECTION_OVER_UNION), plus the keep-aspect-ratio letterbox of `ImageToTensorCalculator` and
its inverse. Coordinates inside this module are normalised to the model input (0..1, x right,
y down) until `Letterbox.to_frame` maps them to frame pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kiosk.core.geometry import iou_many
from kiosk.core.types import FloatArray, readonly

ArrayLike = npt.NDArray[np.floating]


@dataclass(frozen=True, slots=True)
class AnchorOptions:
    """MediaPipe `SsdAnchorsCalculatorOptions` (the fields BlazeFace uses)."""

    input_height: int
    input_width: int
    strides: tuple[int, ...]
    min_scale: float = 0.1484375
    max_scale: float = 0.75
    anchor_offset_x: float = 0.5
    anchor_offset_y: float = 0.5
    aspect_ratios: tuple[float, ...] = (1.0,)
    interpolated_scale_aspect_ratio: float = 1.0
    fixed_anchor_size: bool = True


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """MediaPipe `TensorsToDetectionsCalculatorOptions` for a BlazeFace-style regressor.

    Each regressor row is (x, y, w, h, then x, y per keypoint) in input pixels relative to its
    anchor (``reverse_output_order: true``); scales divide them back to 0..1.
    """

    x_scale: float
    y_scale: float
    w_scale: float
    h_scale: float
    num_keypoints: int = 6
    keypoint_coord_offset: int = 4
    score_clipping_thresh: float = 100.0

    @property
    def num_coords(self) -> int:
        """Values per regressor row."""
        return self.keypoint_coord_offset + 2 * self.num_keypoints


@dataclass(frozen=True, slots=True)
class Detections:
    """Decoded detections, in model-input coordinates normalised to 0..1.

    Attributes:
        boxes_xyxy: float32 (K, 4), read-only.
        scores: float32 (K,) in [0, 1], read-only.
        keypoints_xy: float32 (K, P, 2), read-only.
    """

    boxes_xyxy: FloatArray
    scores: FloatArray
    keypoints_xy: FloatArray

    def __post_init__(self) -> None:
        count = self.scores.shape[0]
        if self.boxes_xyxy.shape != (count, 4) or self.keypoints_xy.shape[:1] != (count,):
            raise ValueError(
                f"Detections: expected boxes ({count}, 4) and keypoints ({count}, P, 2), got "
                f"{self.boxes_xyxy.shape} and {self.keypoints_xy.shape}"
            )

    def __len__(self) -> int:
        return int(self.scores.shape[0])


def blazeface_options(input_height: int, input_width: int) -> tuple[AnchorOptions, DecodeOptions]:
    """MediaPipe's anchor and decoding options for a BlazeFace model with this input size.

    128x128 is the short-range model (face_detection_short_range.pbtxt: 4 layers, strides
    8, 16, 16, 16, two anchors per cell, 896 anchors); 192x192 is the full-range model
    (face_detection_full_range.pbtxt: 1 layer, stride 4, one anchor per cell, 2304 anchors).

    Raises:
        ValueError: no BlazeFace model has this input size.
    """
    size = (input_height, input_width)
    if size == (128, 128):
        anchors = AnchorOptions(128, 128, strides=(8, 16, 16, 16))
    elif size == (192, 192):
        anchors = AnchorOptions(192, 192, strides=(4,), interpolated_scale_aspect_ratio=0.0)
    else:
        raise ValueError(f"expected a BlazeFace input of 128x128 or 192x192, got {size}")
    scale = float(input_width)
    return anchors, DecodeOptions(x_scale=scale, y_scale=scale, w_scale=scale, h_scale=scale)


def _scale(options: AnchorOptions, index: int) -> float:
    count = len(options.strides)
    if count == 1:
        return (options.min_scale + options.max_scale) / 2
    return options.min_scale + (options.max_scale - options.min_scale) * index / (count - 1)


def _layer_sizes(options: AnchorOptions, first: int, last: int) -> list[tuple[float, float]]:
    """(width, height) of each anchor per cell for the layers first..last (same stride)."""
    sizes = []
    for index in range(first, last):
        scale = _scale(options, index)
        for ratio in options.aspect_ratios:
            sizes.append((scale * math.sqrt(ratio), scale / math.sqrt(ratio)))
        if options.interpolated_scale_aspect_ratio > 0:
            following = 1.0 if index == len(options.strides) - 1 else _scale(options, index + 1)
            interpolated = math.sqrt(scale * following)
            root = math.sqrt(options.interpolated_scale_aspect_ratio)
            sizes.append((interpolated * root, interpolated / root))
    return sizes


def generate_anchors(options: AnchorOptions) -> FloatArray:
    """Anchors as MediaPipe's `SsdAnchorsCalculator` makes them.

    Consecutive layers with the same stride share one feature map; per cell (row-major) come
    that group's anchors in layer order.

    Returns:
        float32 (N, 4), read-only: x_center, y_center, width, height, normalised to 0..1.
    """
    rows: list[tuple[float, float, float, float]] = []
    first = 0
    while first < len(options.strides):
        stride = options.strides[first]
        last = first
        while last < len(options.strides) and options.strides[last] == stride:
            last += 1
        sizes = _layer_sizes(options, first, last)
        if options.fixed_anchor_size:
            sizes = [(1.0, 1.0)] * len(sizes)
        map_height = math.ceil(options.input_height / stride)
        map_width = math.ceil(options.input_width / stride)
        for y in range(map_height):
            for x in range(map_width):
                cx = (x + options.anchor_offset_x) / map_width
                cy = (y + options.anchor_offset_y) / map_height
                rows.extend((cx, cy, width, height) for width, height in sizes)
        first = last
    return readonly(np.asarray(rows, dtype=np.float32).reshape(-1, 4))


def sigmoid_scores(logits: ArrayLike, clip: float) -> FloatArray:
    """MediaPipe's score: the logit clipped to [-clip, clip], then the logistic function."""
    clipped = np.clip(np.asarray(logits, dtype=np.float32), -clip, clip)
    return (1.0 / (1.0 + np.exp(-clipped.astype(np.float64)))).astype(np.float32)


def decode(
    regressors: ArrayLike,
    logits: ArrayLike,
    anchors: FloatArray,
    options: DecodeOptions,
    min_score: float,
) -> Detections:
    """Boxes, scores and keypoints of the anchors scoring at least ``min_score``.

    Args:
        regressors: (N, num_coords) raw box regressors, N = number of anchors.
        logits: (N,) or (N, 1) raw class logits.
        anchors: (N, 4) from `generate_anchors`.
        options: decoding scales and layout.
        min_score: keep detections with score >= this, in [0, 1].

    Raises:
        ValueError: the shapes do not agree.
    """
    count = anchors.shape[0]
    raw = np.asarray(regressors, dtype=np.float32)
    flat_logits = np.asarray(logits, dtype=np.float32).reshape(-1)
    if raw.shape != (count, options.num_coords) or flat_logits.shape != (count,):
        raise ValueError(
            f"expected regressors ({count}, {options.num_coords}) and {count} logits, got "
            f"{raw.shape} and {flat_logits.shape}"
        )
    scores = sigmoid_scores(flat_logits, options.score_clipping_thresh)
    keep = np.flatnonzero(scores >= min_score)
    raw, anchor = raw[keep], anchors[keep]
    cx = raw[:, 0] / options.x_scale * anchor[:, 2] + anchor[:, 0]
    cy = raw[:, 1] / options.y_scale * anchor[:, 3] + anchor[:, 1]
    half_w = raw[:, 2] / options.w_scale * anchor[:, 2] / 2
    half_h = raw[:, 3] / options.h_scale * anchor[:, 3] / 2
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    scale = np.array([options.x_scale, options.y_scale], dtype=np.float32)
    offsets = (
        raw[:, options.keypoint_coord_offset :].reshape(len(keep), options.num_keypoints, 2) / scale
    )
    points = offsets * anchor[:, None, 2:4] + anchor[:, None, 0:2]
    valid = (half_w >= 0) & (half_h >= 0)  # MediaPipe drops boxes with negative size
    return Detections(
        boxes_xyxy=readonly(boxes[valid]),
        scores=readonly(scores[keep][valid]),
        keypoints_xy=readonly(points[valid]),
    )


def weighted_nms(detections: Detections, min_suppression_iou: float) -> Detections:
    """MediaPipe's WEIGHTED non-maximum suppression.

    Repeatedly takes the most confident remaining detection; every remaining detection whose
    IoU with it exceeds ``min_suppression_iou`` (itself included) is removed, and the box and
    keypoints kept are their score-weighted mean. The kept score is the top score.
    """
    order = np.argsort(-detections.scores, kind="stable")
    boxes, scores = detections.boxes_xyxy[order], detections.scores[order]
    points = detections.keypoints_xy[order]
    kept_boxes, kept_scores, kept_points = [], [], []
    remaining = np.arange(len(order))
    while remaining.size:
        overlaps = iou_many(boxes[remaining[0]], boxes[remaining])
        group = remaining[overlaps > min_suppression_iou]
        if group.size == 0:  # a zero-area top box overlaps nothing, itself included:
            kept_boxes.append(boxes[remaining[0]])  # MediaPipe keeps it and stops there
            kept_points.append(points[remaining[0]])
            kept_scores.append(scores[remaining[0]])
            break
        weights = scores[group] / scores[group].sum()
        kept_boxes.append((boxes[group] * weights[:, None]).sum(axis=0))
        kept_points.append((points[group] * weights[:, None, None]).sum(axis=0))
        kept_scores.append(scores[remaining[0]])
        remaining = np.setdiff1d(remaining, group, assume_unique=True)
    shape = detections.keypoints_xy.shape[1:]
    return Detections(
        boxes_xyxy=readonly(np.asarray(kept_boxes, dtype=np.float32).reshape(-1, 4)),
        scores=readonly(np.asarray(kept_scores, dtype=np.float32)),
        keypoints_xy=readonly(np.asarray(kept_points, dtype=np.float32).reshape(-1, *shape)),
    )


@dataclass(frozen=True, slots=True)
class Letterbox:
    """The frame region (pixels) that fills the model input with its aspect ratio kept.

    As MediaPipe's `ImageToTensorCalculator` with ``keep_aspect_ratio``: the whole frame, centred,
    padded to the input's aspect ratio; the padding is outside the frame (zeros).
    """

    x0: float
    y0: float
    width: float
    height: float

    @staticmethod
    def fit(frame_width: int, frame_height: int, input_width: int, input_height: int) -> Letterbox:
        """The letterbox region of a frame for a model input of the given size."""
        input_aspect = input_height / input_width
        if input_aspect > frame_height / frame_width:
            width, height = float(frame_width), frame_width * input_aspect
        else:
            width, height = frame_height / input_aspect, float(frame_height)
        return Letterbox((frame_width - width) / 2, (frame_height - height) / 2, width, height)

    def to_frame(self, points_xy: ArrayLike) -> FloatArray:
        """Map (..., 2) normalised input coordinates to frame pixels."""
        points = np.asarray(points_xy, dtype=np.float32)
        scale = np.array([self.width, self.height], dtype=np.float32)
        return (points * scale + np.array([self.x0, self.y0], dtype=np.float32)).astype(np.float32)
