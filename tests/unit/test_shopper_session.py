"""ShopperSession: personal content only for live recognised faces; an empty room logs nothing;
attract loop when nobody is there; help for a confused live shopper; alerts; pause."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import RecommendConfig
from kiosk.core.types import (
    UNKNOWN,
    ClassScores,
    FaceBox,
    FaceResult,
    FrameResult,
    Identity,
    StageTimes,
)
from kiosk.core.vocabulary import Valence
from kiosk.paths import resource_root
from kiosk.services.alerts import AlertKind
from kiosk.services.help_offer import HelpOffer, HelpState
from kiosk.services.shopper_session import (
    GREETING_GUEST,
    Greeting,
    GreetingKind,
    ScreenMode,
    ShopperSession,
)
from kiosk.services.showcase import Showcase
from kiosk.services.suggestions import SuggestionService
from kiosk.services.visits import VisitRecorder
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store, utc_now

HAPPY = ClassScores(("happy", "neutral"), (0.9, 0.1))


def frame(*, known: bool, live: bool, track: int = 1) -> FrameResult:
    identity = Identity(7, "Ann", 0.3, 3) if known else UNKNOWN
    box = FaceBox((10, 10, 110, 110), 0.9)
    face = FaceResult(track, box, identity, HAPPY, Valence.POSITIVE, None, None, None, live)
    return FrameResult(0, 0.0, 640, 480, (face,), StageTimes())


EMPTY = FrameResult(0, 0.0, 640, 480, (), StageTimes())


@pytest.fixture
def session(tmp_path: Path) -> ShopperSession:
    store = Store(tmp_path / "k.db")
    assert Catalog(store).import_file(resource_root() / "catalog" / "demo_catalog.csv").ok
    now = utc_now()
    store.db.table("people").insert(
        {"id": 7, "display_name": "ann", "created_at": now, "updated_at": now}
    )
    service = SuggestionService(store, RecommendConfig(min_dwell_ms=1000), seed=1)
    return ShopperSession(
        service,
        VisitRecorder(store),
        {"happy": 1.0},
        resource_root(),
        lambda: 12.0,
        showcase=Showcase(store),
        help=HelpOffer(3.0, expression_of=lambda face: CONFUSED.get(face.track_id)),
        confirm_frames=1,  # one fake frame per step here; confirmation has its own tests below
    )


CONFUSED: dict[int, str] = {}  # track id -> expression the fake vision reports


def impressions(session: ShopperSession) -> list[dict[str, object]]:
    return list(session.visits.store.db.query("SELECT person_id, sku FROM impressions"))


def test_a_recognised_face_is_greeted_only_once_it_is_live(session: ShopperSession) -> None:
    first = session.on_result(frame(known=True, live=False), 0.0)
    assert first is not None and first.greeting == GREETING_GUEST and len(first.cards) == 3
    assert all(row["person_id"] is None for row in impressions(session))  # nothing personal
    live = session.on_result(frame(known=True, live=True), 0.1)
    assert live is not None and live.greeting == Greeting(GreetingKind.RETURNING, "Ann")
    assert session.on_result(frame(known=True, live=True), 0.2) is None  # nothing changed


def test_attract_loop_then_the_shopper_then_the_loop_again(session: ShopperSession) -> None:
    start = session.attract()
    assert start.mode is ScreenMode.ATTRACT and start.cards  # featured products
    assert any(c.was_price_cents > c.price_cents for c in start.cards)  # the demo's offers
    assert impressions(session) == []  # showing products to an empty room logs nothing
    shown = session.on_result(frame(known=False, live=False), 0.0)
    assert shown is not None and shown.mode is ScreenMode.SHOPPER
    session.visits.min_visit_s = 0.0  # one frame of a face: keep this visit anyway
    logged = len(impressions(session))
    assert logged == 3
    assert session.on_result(EMPTY, 1.0) is None  # a short gap: the picks stay
    back = session.on_result(EMPTY, 3.0)  # gone longer than the visit's end time
    assert back is not None and back.mode is ScreenMode.ATTRACT and back.cards
    for t in range(4, 60):  # a minute of an empty room: nothing new, nothing logged
        assert session.on_result(EMPTY, float(t)) is None
    assert len(impressions(session)) == logged
    again = session.on_result(frame(known=False, live=False, track=2), 61.0)
    assert again is not None and again.mode is ScreenMode.SHOPPER


def test_a_confused_live_shopper_is_offered_help_once(session: ShopperSession) -> None:
    CONFUSED.clear()
    CONFUSED[5] = "confused"
    states = []
    for t in range(0, 50):
        update = session.on_result(frame(known=False, live=t >= 10, track=5), t / 10)
        states.append(update.help if update is not None else None)
    offered_at = states.index(HelpState.OFFERED)
    assert 4.0 <= offered_at / 10 <= 4.2  # live from 1.0 s, then 3 s of confusion
    declined = session.decline_help()
    assert declined.help is HelpState.NONE
    later = [
        session.on_result(frame(known=False, live=True, track=5), 5 + t / 10) for t in range(50)
    ]
    assert all(u is None or u.help is HelpState.NONE for u in later)  # not offered again


def test_a_photo_that_looks_confused_summons_nobody(session: ShopperSession) -> None:
    CONFUSED.clear()
    CONFUSED[6] = "confused"
    updates = [
        session.on_result(frame(known=True, live=False, track=6), t / 10) for t in range(100)
    ]
    assert all(u is None or u.help is HelpState.NONE for u in updates)


def test_alerts_name_only_a_live_recognised_shopper(session: ShopperSession) -> None:
    photo = session.on_result(frame(known=True, live=False), 0.0)
    assert photo is not None
    alert = session.on_interested(photo.cards[0].sku, 0.1)
    assert (alert.kind, alert.product, alert.shopper) == (
        AlertKind.INTERESTED,
        photo.cards[0].name,
        "",
    )
    session.on_result(frame(known=True, live=True), 0.2)
    called, update = session.call_staff(0.3)
    assert (called.kind, called.shopper) == (AlertKind.HELP, "Ann")
    assert update.help is HelpState.CALLED
    assert [a.kind for a in session.alerts.recent()] == [AlertKind.HELP, AlertKind.INTERESTED]
    assert session.alerts.unseen == 2


def test_pause_ends_the_visit_and_shows_nothing_of_anyone(session: ShopperSession) -> None:
    session.visits.min_visit_s = 0.0
    session.on_result(frame(known=True, live=True), 0.0)
    paused = session.pause(0.5)
    assert (paused.mode, paused.cards) == (ScreenMode.PAUSED, ())
    assert paused.greeting.name == ""
    visits = list(session.visits.store.db.query("SELECT person_id, ended_at FROM visits"))
    assert [v["person_id"] for v in visits] == [7]  # written at once
    logged = len(impressions(session))
    assert session.on_result(frame(known=True, live=True), 1.0) is None  # queued frames: ignored
    assert len(impressions(session)) == logged
    assert session.resume().mode is ScreenMode.ATTRACT
    assert session.on_result(frame(known=True, live=True, track=9), 2.0) is not None


def test_a_product_being_read_keeps_the_picks_on_screen(session: ShopperSession) -> None:
    first = session.on_result(frame(known=False, live=False), 0.0)
    assert first is not None
    session.hold(True)
    for t in range(1, 30):  # well past the dwell time
        assert session.on_result(frame(known=False, live=False), float(t)) is None
    session.on_interested(first.cards[1].sku, 30.0)  # still on screen: rewarded
    rewards = list(session.visits.store.db.query("SELECT kind FROM rewards"))
    assert rewards == [{"kind": "tap"}]
    session.hold(False)
    assert session.on_result(frame(known=False, live=False), 31.0) is not None


def test_a_tap_rewards_the_product_on_screen(session: ShopperSession) -> None:
    shown = session.on_result(frame(known=False, live=False), 0.0)
    assert shown is not None
    session.on_interested(shown.cards[0].sku, 0.5)
    rows = list(session.visits.store.db.query("SELECT kind, value FROM rewards"))
    assert rows == [{"kind": "tap", "value": 1.0}]


def test_a_photo_of_an_enrolled_person_learns_nothing_and_records_nothing_personal(
    session: ShopperSession,
) -> None:
    """A printed photo is recognised but never goes live: for 30 s of it the screen, the picks,
    the visit and the impressions must be exactly what a stranger gets."""
    photo = [session.on_result(frame(known=True, live=False), t / 10) for t in range(300)]
    stranger_greetings = {u.greeting for u in photo if u is not None}
    assert stranger_greetings == {GREETING_GUEST}
    assert all(u is None or u.help is HelpState.NONE for u in photo)
    assert all(row["person_id"] is None for row in impressions(session))
    session.close(40.0)
    visits = list(session.visits.store.db.query("SELECT person_id FROM visits"))
    assert visits and all(v["person_id"] is None for v in visits), visits
    events = session.visits.store.db.query("SELECT count(*) AS n FROM events WHERE person_id=7")
    assert next(events)["n"] == 0


def logged_impressions(session: ShopperSession) -> int:
    rows = session.visits.store.db.query("SELECT count(*) AS n FROM impressions")
    return int(next(rows)["n"])


def test_a_lone_false_detection_leaves_the_attract_loop_alone(session: ShopperSession) -> None:
    """The kiosk's own rule (3 frames): one frame of a 'face' (a letter of a poster, as on the
    dev no-face clip) shows no picks, logs no slate and teaches the learner nothing."""
    session.confirm_frames = 3
    session.attract()
    assert session.on_result(frame(known=False, live=False), 0.0) is None
    assert (
        list(session.visits.store.db.query("SELECT id FROM visits")) == []
    )  # no row, even briefly
    for t in range(1, 30):  # the false face is gone again: a quiet room
        assert session.on_result(EMPTY, t / 10) is None
    assert session.mode is ScreenMode.ATTRACT
    session.close(10.0)
    assert logged_impressions(session) == 0
    assert list(session.visits.store.db.query("SELECT id FROM visits")) == []


def test_a_face_counts_from_its_third_frame_and_the_count_forgets_a_gone_track(
    session: ShopperSession,
) -> None:
    session.confirm_frames = 3
    session.attract()
    assert session.on_result(frame(known=False, live=False), 0.0) is None
    assert session.on_result(frame(known=False, live=False), 0.1) is None
    shown = session.on_result(frame(known=False, live=False), 0.2)
    assert shown is not None and shown.mode is ScreenMode.SHOPPER and len(shown.cards) == 3
    back = session.on_result(EMPTY, 5.0)  # gone for longer than a visit's end time
    assert back is not None and back.mode is ScreenMode.ATTRACT
    # The same track id seen again later starts counting afresh: two frames are not enough.
    assert session.on_result(frame(known=False, live=False), 10.0) is None
    assert session.on_result(frame(known=False, live=False), 10.1) is None
    assert session.mode is ScreenMode.ATTRACT
