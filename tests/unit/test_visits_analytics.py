from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.core.types import UNKNOWN, FaceBox, FaceResult, FrameResult, Identity, StageTimes
from kiosk.services.visits import VisitRecorder
from kiosk.store.analytics import analytics
from kiosk.store.db import Store, utc_now


def frame(*faces: tuple[int, int | None], live: bool = True) -> FrameResult:
    results = tuple(
        FaceResult(
            track_id=track,
            box=FaceBox((0, 0, 10, 10), 0.9),
            identity=UNKNOWN if person is None else Identity(person, "p", 0.3, 2),
            emotion=None,
            valence=None,
            mask=None,
            quality=None,
            mesh=None,
            live=live,
        )
        for track, person in faces
    )
    return FrameResult(0, 0.0, 100, 100, results, StageTimes())


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_visits_are_written_when_tracks_leave(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    now = utc_now()
    store.db.table("people").insert(
        {"id": 7, "display_name": "x", "created_at": now, "updated_at": now}
    )
    clock = Clock()
    recorder = VisitRecorder(store, end_after_s=2.0, min_visit_s=1.0, clock=clock)
    recorder.on_result(frame((1, None), (2, None)), 0.0)
    clock.now += timedelta(seconds=3)
    recorder.on_result(frame((1, 7), (2, None)), 3.0)  # track 1 is recognised later
    recorder.on_result(frame((1, 7)), 4.0)
    assert recorder.written == 0  # track 2 unseen only 1 s
    clock.now += timedelta(seconds=3)
    recorder.on_result(frame(), 5.5)  # track 2 unseen 2.5 s: ended; track 1 only 1.5 s
    assert recorder.written == 1
    recorder.close(7.0)
    rows = list(store.db.query("SELECT person_id FROM visits ORDER BY id"))
    assert [r["person_id"] for r in rows] == [7, None]  # rows are opened in track order


def test_a_recognised_face_that_never_went_live_is_an_unknown_visitor(tmp_path: Path) -> None:
    """A photo of person 7 held up for a while leaves no visit in their record."""
    store = Store(tmp_path / "k.db")
    now = utc_now()
    store.db.table("people").insert(
        {"id": 7, "display_name": "x", "created_at": now, "updated_at": now}
    )
    recorder = VisitRecorder(store, end_after_s=2.0, min_visit_s=1.0, clock=Clock())
    for t in range(20):
        recorder.on_result(frame((1, 7), live=False), t * 0.5)
    recorder.close(12.0)
    assert [r["person_id"] for r in store.db.query("SELECT person_id FROM visits")] == [None]


def test_passers_by_are_not_visits(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    recorder = VisitRecorder(store, min_visit_s=1.0, clock=Clock())
    recorder.on_result(frame((1, None)), 0.0)
    assert recorder.visit_of(1) is not None  # open while the track is there
    recorder.close(0.5)
    assert store.db.table("visits").count == 0  # too short: deleted


def test_analytics_counts_visits_per_hour_and_policy(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    now = utc_now()
    store.db.table("people").insert(
        {"id": 1, "display_name": "x", "created_at": now, "updated_at": now}
    )
    visits: list[dict[str, object]] = [
        {
            "person_id": None,
            "started_at": "2026-11-28T09:10:00+00:00",
            "ended_at": "2026-11-28T09:11:00+00:00",
        },
        {
            "person_id": 1,
            "started_at": "2026-11-28T09:40:00+00:00",
            "ended_at": "2026-11-28T09:41:00+00:00",
        },
        {
            "person_id": None,
            "started_at": "2026-11-28T14:00:00+00:00",
            "ended_at": "2026-11-28T14:01:00+00:00",
        },
    ]
    store.db.table("visits").insert_all(visits)
    base = {"at": "2026-11-28T09:10:00+00:00", "position": 0, "propensity": 0.5}
    store.db.table("impressions").insert_all(
        [
            {
                **base,
                "id": 1,
                "sku": "A",
                "policy": "bandit",
                "context": '{"features": {"valence_positive": 1.0}}',
            },
            {
                **base,
                "id": 2,
                "sku": "B",
                "policy": "bandit",
                "context": '{"features": {"valence_neutral": 1.0, "valence_positive": 0.0}}',
            },
            {**base, "id": 3, "sku": "C", "policy": "rules", "context": "not json"},
        ]
    )
    store.db.table("rewards").insert(
        {"impression_id": 1, "at": base["at"], "kind": "tap", "value": 1.0}
    )
    report = analytics(store, datetime(2026, 11, 28, tzinfo=UTC))
    assert (report.visits_known, report.visits_unknown) == (1, 2)
    assert report.per_hour[9].known == 1 and report.per_hour[9].unknown == 1
    assert report.per_hour[14].unknown == 1
    bandit = next(p for p in report.per_policy if p.policy == "bandit")
    assert (bandit.shown, bandit.tapped, bandit.mean_reward) == (2, 1, 0.5)
    valence = {v.valence: v.impressions for v in report.valence}
    assert valence == {"positive": 1, "neutral": 1, "negative": 0, "unknown": 1}
