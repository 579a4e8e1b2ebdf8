"""Per-frame work on a camera stream: which detectors run, which per-track readings run."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.core.detect_schedule import DetectorSchedule
from kiosk.core.types import FaceBox
from kiosk.core.work_plan import TrackWork, WorkBudget, WorkPlan, plan_work

NEAR = FaceBox((100.0, 100.0, 300.0, 300.0), 0.95)
FAR = FaceBox((500.0, 50.0, 530.0, 80.0), 0.7)


def test_the_second_detector_runs_every_third_frame_when_the_first_sees_every_face() -> None:
    schedule = DetectorSchedule(scan_every=3)
    used = []
    for _ in range(9):
        use = schedule.use(2)
        used.append(use[1])
        assert use[0]  # the first detector always runs
        schedule.found([NEAR], [NEAR])
    assert used == [True, False, False] * 3


def test_a_face_only_the_second_detector_finds_keeps_it_running() -> None:
    schedule = DetectorSchedule(scan_every=3)
    assert schedule.use(2) == (True, True)
    schedule.found([NEAR], [NEAR, FAR])  # FAR came from the second detector
    for _ in range(5):
        assert schedule.use(2) == (True, True)
        schedule.found([NEAR], [NEAR, FAR])
    assert schedule.use(2) == (True, True)
    schedule.found([NEAR], [NEAR])  # the far face left: back to every third frame
    runs = []
    for _ in range(6):
        runs.append(schedule.use(2)[1])
        schedule.found([NEAR], [NEAR])
    assert runs.count(True) == 2


def test_a_face_the_first_detector_found_only_on_a_frame_without_scan_changes_nothing() -> None:
    schedule = DetectorSchedule(scan_every=4)
    assert schedule.use(2) == (True, True)
    schedule.found([], [])
    assert schedule.use(2) == (True, False)
    schedule.found([], [FAR])  # cannot happen without the second detector; no scan forced
    assert schedule.use(2) == (True, False)
    assert schedule.scanned is False


@pytest.mark.parametrize("every", [0, -2])
def test_a_schedule_needs_a_positive_period(every: int) -> None:
    with pytest.raises(ValueError, match="scan_every"):
        DetectorSchedule(scan_every=every)


def test_one_detector_always_runs_alone() -> None:
    schedule = DetectorSchedule()
    assert [schedule.use(1) for _ in range(3)] == [(True,)] * 3


def _track(track_id: int, **changes: object) -> TrackWork:
    base = TrackWork(
        track_id=track_id,
        area_px=10_000.0 * track_id,
        embed_due=False,
        first_embed=False,
        last_embed_ms=0.0,
        fresh_mesh=True,
        last_emotion_ms=0.0,
        last_mask_ms=0.0,
        last_shapes_ms=0.0,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


BUDGET = WorkBudget(emotion_interval_ms=100.0, mask_interval_ms=1000.0)


def test_nothing_runs_before_its_interval() -> None:
    tracks = [_track(1), _track(2)]
    assert plan_work(tracks, 50.0, BUDGET) == WorkPlan()


def test_one_heavy_run_per_frame_an_embedding_before_a_mask() -> None:
    tracks = [_track(1, embed_due=True, last_embed_ms=500.0), _track(2, embed_due=True)]
    plan = plan_work(tracks, 2000.0, BUDGET)
    assert plan.embed == (2,) and plan.mask == ()  # the longest-waiting embedding
    plan = plan_work([_track(1), _track(2, last_mask_ms=-5000.0)], 2000.0, BUDGET)
    assert plan.embed == () and plan.mask == (2,)


def test_a_new_track_is_embedded_first() -> None:
    tracks = [
        _track(1, embed_due=True, last_embed_ms=-9e9),
        _track(2, embed_due=True, first_embed=True, last_embed_ms=1000.0),
    ]
    assert plan_work(tracks, 2000.0, BUDGET).embed == (2,)


def test_emotion_of_two_tracks_most_overdue_first() -> None:
    tracks = [
        _track(1, last_emotion_ms=50.0),
        _track(2, last_emotion_ms=0.0),
        _track(3, last_emotion_ms=20.0),
    ]
    assert plan_work(tracks, 300.0, BUDGET).emotion == (2, 3)


def test_blendshapes_only_for_the_largest_face_with_a_fresh_mesh() -> None:
    tracks = [_track(1), _track(2), _track(3, fresh_mesh=False)]
    assert plan_work(tracks, 300.0, BUDGET).shapes == ()  # the main face's mesh is old: wait
    tracks[2] = _track(3)
    assert plan_work(tracks, 300.0, BUDGET).shapes == (3,)
    tracks = [_track(1), _track(2, last_shapes_ms=250.0)]
    assert plan_work(tracks, 300.0, BUDGET).shapes == ()  # main face read 50 ms ago


def test_the_main_face_alternates_emotion_and_blendshapes() -> None:
    main = _track(1, last_emotion_ms=0.0, last_shapes_ms=0.0)
    plan = plan_work([main], 300.0, BUDGET)
    assert plan == WorkPlan(emotion=(1,))  # both due: emotion now, blendshapes next frame
    main = replace(main, last_emotion_ms=300.0)
    assert plan_work([main], 367.0, BUDGET) == WorkPlan(shapes=(1,))


def test_heavy_runs_stay_off_full_scan_frames_except_a_first_embedding() -> None:
    tracks = [_track(1, embed_due=True), _track(2, last_mask_ms=-5000.0)]
    plan = plan_work(tracks, 2000.0, BUDGET, scanned=True)
    assert plan.embed == () and plan.mask == ()
    assert plan.emotion == (1, 2)  # a light frame reads emotion instead
    assert plan_work(tracks, 2000.0, BUDGET).embed == (1,)
    newcomer = [*tracks, _track(3, embed_due=True, first_embed=True)]
    assert plan_work(newcomer, 2000.0, BUDGET, scanned=True).embed == (3,)


def test_a_frame_with_a_heavy_run_reads_nothing_else_but_one_emotion_in_a_crowd() -> None:
    two = [_track(1, embed_due=True), _track(2)]
    assert plan_work(two, 2000.0, BUDGET) == WorkPlan(embed=(1,))
    crowd = [*two, _track(3)]
    plan = plan_work(crowd, 2000.0, BUDGET)
    assert plan.embed == (1,) and len(plan.emotion) == 1 and plan.shapes == ()


def test_stills_read_everything_due_at_once() -> None:
    tracks = [_track(i, embed_due=True) for i in range(1, 5)]
    plan = plan_work(tracks, 2000.0, BUDGET, scanned=True, still=True)
    assert plan.embed == plan.mask == plan.emotion == plan.shapes == (1, 2, 3, 4)
