"""ShopperSession: personal content only for live recognised faces; an empty room logs nothing."""

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
from kiosk.services.shopper_session import GREETING_GUEST, GREETING_NOBODY, ShopperSession
from kiosk.services.suggestions import SuggestionService
from kiosk.services.visits import VisitRecorder
from kiosk.store.catalog import Catalog
from kiosk.store.db import Store, utc_now

HAPPY = ClassScores(("happy", "neutral"), (0.9, 0.1))


def frame(*, known: bool, live: bool) -> FrameResult:
    identity = Identity(7, "ann", 0.3, 3) if known else UNKNOWN
    box = FaceBox((10, 10, 110, 110), 0.9)
    face = FaceResult(1, box, identity, HAPPY, Valence.POSITIVE, None, None, None, live)
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
        service, VisitRecorder(store), {"happy": 1.0}, resource_root(), lambda: 12.0
    )


def impressions(session: ShopperSession) -> list[dict[str, object]]:
    return list(session.visits.store.db.query("SELECT person_id, sku FROM impressions"))


def test_a_recognised_face_is_greeted_only_once_it_is_live(session: ShopperSession) -> None:
    first = session.on_result(frame(known=True, live=False), 0.0)
    assert first is not None and first.greeting == GREETING_GUEST and len(first.cards) == 3
    assert all(row["person_id"] is None for row in impressions(session))  # nothing personal
    live = session.on_result(frame(known=True, live=True), 0.1)
    assert live is not None and live.greeting == "Welcome back, Ann!"
    assert session.on_result(frame(known=True, live=True), 0.2) is None  # nothing changed


def test_nobody_in_front_keeps_the_cards_and_logs_nothing(session: ShopperSession) -> None:
    shown = session.on_result(frame(known=False, live=False), 0.0)
    assert shown is not None
    session.visits.min_visit_s = 0.0  # one frame of a face: keep this visit anyway
    logged = len(impressions(session))
    assert logged == 3
    for t in range(1, 60):  # a minute of an empty room
        update = session.on_result(EMPTY, 3.0 + t)
        if update is not None:
            assert update.greeting == GREETING_NOBODY and update.cards == shown.cards
    assert len(impressions(session)) == logged


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
    assert all(row["person_id"] is None for row in impressions(session))
    session.close(40.0)
    visits = list(session.visits.store.db.query("SELECT person_id FROM visits"))
    assert visits and all(v["person_id"] is None for v in visits), visits
    events = session.visits.store.db.query("SELECT count(*) AS n FROM events WHERE person_id=7")
    assert next(events)["n"] == 0
