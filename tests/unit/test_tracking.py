from __future__ import annotations

from kiosk.core.geometry import iou
from kiosk.core.tracking import FaceTracker, TrackerSettings
from kiosk.core.types import FaceBox


def box(x: float, y: float, size: float = 100.0) -> FaceBox:
    return FaceBox(xyxy=(x, y, x + size, y + size), score=0.9)


def test_iou_of_identical_disjoint_and_half_overlapping_boxes() -> None:
    assert iou(box(0, 0).xyxy, box(0, 0).xyxy) == 1.0
    assert iou(box(0, 0).xyxy, box(500, 0).xyxy) == 0.0
    expected = 50 * 100 / (2 * 100 * 100 - 50 * 100)
    assert abs(iou(box(0, 0).xyxy, box(50, 0).xyxy) - expected) < 1e-9
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0


def test_one_id_per_face_while_it_moves() -> None:
    tracker = FaceTracker()
    ids = {tracker.update([box(10 * i, 0)], i * 66.0)[0].track_id for i in range(30)}
    assert len(ids) == 1


def test_two_faces_keep_their_own_ids_in_any_detection_order() -> None:
    tracker = FaceTracker()
    first = tracker.update([box(0, 0), box(400, 0)], 0)
    later = tracker.update([box(405, 5), box(5, 5)], 66)
    assert later[0].track_id == first[1].track_id
    assert later[1].track_id == first[0].track_id
    assert not later[0].is_new and not later[0].jumped


def test_short_gap_keeps_the_track_and_long_gap_ends_it() -> None:
    tracker = FaceTracker(TrackerSettings(max_gap_ms=500))
    start = tracker.update([box(0, 0)], 0)[0].track_id
    tracker.update([], 200)
    assert tracker.update([box(5, 0)], 400)[0].track_id == start
    tracker.update([], 600)
    again = tracker.update([box(5, 0)], 1000)[0]
    assert again.is_new and again.track_id != start


def test_fast_motion_continues_by_centre_but_is_flagged_as_a_jump() -> None:
    tracker = FaceTracker()
    start = tracker.update([box(0, 0)], 0)[0].track_id
    moved = tracker.update([box(40, 0)], 66)[0]  # IoU 0.43: continues, flagged
    assert moved.track_id == start and moved.jumped


def test_restart_gives_a_new_id() -> None:
    tracker = FaceTracker()
    old = tracker.update([box(0, 0)], 0)[0].track_id
    new = tracker.restart(old, 10)
    assert new != old
    assert tracker.update([box(0, 0)], 20)[0].track_id == new
