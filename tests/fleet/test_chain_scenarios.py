"""Two and three kiosk data dirs against one real PostgreSQL, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import psycopg
import pytest

from kiosk.core.vocabulary import RewardKind
from kiosk.fleet.hq import chain_report, chain_status, forget_everywhere, publish_catalog
from kiosk.fleet.scratch import Cluster
from kiosk.recommend.linucb import LinUCB
from kiosk.store.analytics import end_visit, start_visit
from kiosk.store.learning import ImpressionRecord, LearningLog
from tests.fleet.conftest import MODEL, Kiosk, MakeKiosk, central_counts, templates

NAME = "Ada Lovelace"


def test_three_kiosks_enrol_reenrol_rename_and_forget(
    make_kiosk: MakeKiosk, admin_dsn: str
) -> None:
    door, till, cafe = make_kiosk("door"), make_kiosk("till"), make_kiosk("cafe")
    pid = door.enrol(NAME, seed=1)
    door.sync()
    for kiosk in (till, cafe):
        kiosk.sync()
        people = kiosk.people()
        try:
            probe = templates(1)[0].vector
            match = people.gallery(MODEL).nearest(probe, k=1)[0]
            assert match.name == NAME and match.distance < 0.2  # recognised here too
        finally:
            people.close()
    uid = door.uid_of(NAME)
    till_people = till.people()
    till_id = till_people.find_by_uid(uid)
    till_people.rename(till_id, "Ada King", "staff-till")  # type: ignore[arg-type]
    till_people.close()
    till.enrol("", seed=2, person_id=till_id)  # re-enrolled at the till: 3 more templates
    till.sync()
    door.sync()
    cafe.sync()
    for kiosk in (door, till, cafe):
        people = kiosk.people()
        try:
            person = people.summary(people.find_by_uid(uid))  # type: ignore[arg-type]
            assert person.name == "Ada King" and person.templates == 7  # 6 and the mean
            assert len(people.detail(person.id).consents) == 2
        finally:
            people.close()
    cafe_people = cafe.people()
    cafe_people.forget(cafe_people.find_by_uid(uid), "staff-cafe")  # type: ignore[arg-type]
    cafe_people.close()
    cafe.sync()
    door.sync()
    till.sync()
    for kiosk in (door, till, cafe):
        assert kiosk.names() == []
        raw = b"".join(p.read_bytes() for p in kiosk.paths.data_dir.glob("kiosk.db*"))
        assert b"Ada King" not in raw and b"Ada Lovelace" not in raw  # the bytes are gone
    counts = central_counts(admin_dsn)
    assert counts["people"] == counts["templates"] == counts["consents"] == 0
    assert counts["tombstones"] == 1
    assert pid  # the door's local id is never reused
    assert door.enrol("Someone Else", seed=5) > pid


def test_hq_forgets_everywhere(make_kiosk: MakeKiosk, admin_dsn: str) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    door.enrol(NAME, seed=1)
    door.sync()
    till.sync()
    forget_everywhere(admin_dsn, door.uid_of(NAME))
    door.sync()
    till.sync()
    assert door.names() == till.names() == []


def test_nothing_readable_reaches_the_central_database_files(
    make_kiosk: MakeKiosk,
    admin_dsn: str,
    cluster: Cluster,
) -> None:
    door = make_kiosk("door")
    door.enrol("Zebulon Quartermaine", seed=3)
    door.sync()
    vector = templates(3)[0].vector.astype("<f4").tobytes()
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    blob = b"".join(_read_if_still_there(p) for p in cluster.data.rglob("*"))
    assert b"Zebulon" not in blob and vector[:32] not in blob
    assert b"staff-door" not in blob  # consents are sealed too


def _read_if_still_there(path: Path) -> bytes:
    """A live server renames and removes some files (pg_internal.init) while we read."""
    try:
        return path.read_bytes() if path.is_file() else b""
    except FileNotFoundError:
        return b""


def test_events_are_pushed_exactly_once_and_reported_chain_wide(
    make_kiosk: MakeKiosk, admin_dsn: str
) -> None:
    from datetime import UTC, datetime, timedelta

    door = make_kiosk("door")
    pid = door.enrol(NAME, seed=1)
    people = door.people()
    now = datetime.now(UTC)
    visit = start_visit(people.store, now - timedelta(minutes=2))
    end_visit(people.store, visit, pid, now - timedelta(minutes=1))
    log = LearningLog(people.store)
    record = ImpressionRecord("SKU-1", 0, "bandit", 0.5, "{}", person_id=pid, visit_id=visit)
    (impression,) = log.log_impressions([record])
    log.add_reward(impression, RewardKind.TAP, 1.0)
    people.close()
    door.sync()
    people = door.people()
    for table in ("visits", "impressions", "rewards"):  # a kill after the commit, before the mark
        people.store.db.execute(f"UPDATE {table} SET synced = 0")
    people.close()
    door.sync()
    counts = central_counts(admin_dsn)
    assert (counts["visits"], counts["impressions"], counts["rewards"]) == (1, 1, 1)
    report = chain_report(admin_dsn, days=1)
    assert [
        (k.kiosk, k.visits_known, k.impressions, k.explicit_rewards) for k in report.kiosks
    ] == [("door", 1, 1, 1)]
    status = chain_status(door.dsn)
    assert [k.name for k in status.kiosks] == ["door"] and status.kiosks[0].pending == 0


def _learn(kiosk: Kiosk, arm: str, seed: int) -> LinUCB:
    people = kiosk.people()
    try:
        log = LearningLog(people.store)
        blob = log.load_state("global")
        model = LinUCB.from_bytes(blob) if blob else LinUCB()
        rng = np.random.default_rng(seed)
        for _ in range(5):
            model.update(arm, rng.normal(size=model.dim), 1.0)
        log.save_state("global", "bandit", model.to_bytes(), None)
        return model
    finally:
        people.close()


def _arm(kiosk: Kiosk, arm: str) -> tuple[np.ndarray, int]:
    people = kiosk.people()
    try:
        state = json.loads(LearningLog(people.store).load_state("global"))  # type: ignore[arg-type]
        return np.array(state["arms"][arm]["A"]), int(state["arms"][arm]["n"])
    finally:
        people.close()


def test_learner_statistics_add_up_across_kiosks(make_kiosk: MakeKiosk) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    a = _learn(door, "snacks", 1)
    b = _learn(till, "snacks", 2)
    for _ in range(2):
        door.sync()
        till.sync()
    expected = a.arms["snacks"].a + b.arms["snacks"].a - np.eye(a.dim)  # one ridge prior
    for kiosk in (door, till):
        matrix, n = _arm(kiosk, "snacks")
        assert n == 10 and np.allclose(matrix, expected)
    _learn(door, "snacks", 3)  # learning goes on locally after the merge
    door.sync()
    till.sync()
    assert _arm(till, "snacks")[1] == 15 and _arm(door, "snacks")[1] == 15


def test_catalog_is_managed_centrally_with_per_store_visibility(
    make_kiosk: MakeKiosk,
    admin_dsn: str,
    tmp_path: Path,
) -> None:
    from kiosk.store.catalog import Catalog

    north, south = make_kiosk("north-door", store="north"), make_kiosk("south-door", store="south")
    csv = tmp_path / "catalog.csv"
    csv.write_text(
        "sku,name,category,price,description,category_display,tags,image,active\n"
        "TEA-1,Green tea,drinks,3.50,Hot,Drinks,hot;tea,,true\n"
    )
    assert publish_catalog(admin_dsn, csv, ("north",)) == 1
    for kiosk, visible in ((north, True), (south, False)):
        kiosk.sync()
        people = kiosk.people()
        try:
            product = Catalog(people.store).get("TEA-1")
            assert product is not None and product.active is visible
        finally:
            people.close()


def test_a_kiosk_role_may_only_do_what_a_kiosk_needs(make_kiosk: MakeKiosk, admin_dsn: str) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    door.enrol(NAME, seed=1)
    door.sync()
    till.sync()
    attempts = (
        "DELETE FROM fleet.people",
        "UPDATE fleet.kiosks SET name = 'evil'",
        "SELECT * FROM fleet.clock",
        "INSERT INTO fleet.visits (uid, kiosk_id, started_at, ended_at) "
        "SELECT 'x', kiosk_id, '', '' FROM fleet.kiosks WHERE name = 'door'",
        "CREATE TABLE fleet.mine (x int)",
        "DROP TABLE fleet.people",
        "TRUNCATE fleet.templates",
    )
    for statement in attempts:
        with psycopg.connect(till.dsn) as conn, pytest.raises(psycopg.Error):
            conn.execute(statement)
    with psycopg.connect(till.dsn) as conn:  # other kiosks' events are invisible
        assert conn.execute("SELECT count(*) FROM fleet.visits").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM fleet.people").fetchone() == (1,)
    assert central_counts(admin_dsn)["people"] == 1


def test_kiosk_fleet_cli_status_and_sync(
    make_kiosk: MakeKiosk,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kiosk.cli import main

    door = make_kiosk("door")
    door.enrol(NAME, seed=1)
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(door.paths.data_dir))
    monkeypatch.setenv("KIOSK_FLEET_DSN", door.dsn)
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert main(["fleet", "sync", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["people_out"] == 1
    assert main(["fleet", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["people"] == 1
    monkeypatch.setenv("KIOSK_FLEET_DSN", "host=/nonexistent port=1 dbname=x")
    assert main(["fleet", "sync"]) == 8  # the chain cannot be reached: exit code 8


def test_unknown_visitors_are_purged_centrally_after_the_retention(
    make_kiosk: MakeKiosk, admin_dsn: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.fleet.sync import ChainSync

    door = make_kiosk("door")
    people = door.people()
    old = datetime.now(UTC) - timedelta(days=30)
    visit = start_visit(people.store, old)
    end_visit(people.store, visit, None, old + timedelta(minutes=1))
    LearningLog(people.store).log_impressions(
        [ImpressionRecord("SKU-1", 0, "rules", 1.0, "{}", visit_id=visit)]
    )
    people.close()
    door.sync()
    assert central_counts(admin_dsn)["visits"] == 1
    chain = ChainSync(door.paths, door.dsn, MODEL, retention_days=7)
    try:
        chain.run_once()
    finally:
        chain.close()
    counts = central_counts(admin_dsn)
    assert counts["visits"] == counts["impressions"] == 0
