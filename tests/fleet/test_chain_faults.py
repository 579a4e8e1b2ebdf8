"""Faults the chain survives, each against a real server: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from kiosk.config import PathsConfig
from kiosk.errors import ChainError, ChainOfflineError
from kiosk.fleet.admin import init_chain, join_chain
from kiosk.fleet.scratch import Cluster
from kiosk.fleet.sync import ChainSync
from kiosk.fleet.worker import SyncWorker
from kiosk.store.analytics import end_visit, start_visit
from tests.fleet.conftest import MODEL, Kiosk, MakeKiosk, central_counts, templates

REPO = Path(__file__).resolve().parents[2]
OTHER = "another chain's passphrase"


def _local_counts(kiosk: Kiosk) -> dict[str, int]:
    people = kiosk.people()
    try:
        db = people.store.db
        return {
            "people": int(db.execute("SELECT count(*) FROM people").fetchone()[0]),
            "templates": int(
                db.execute("SELECT count(*) FROM templates WHERE source != 'mean'").fetchone()[0]
            ),
            "visits": int(db.execute("SELECT count(*) FROM visits").fetchone()[0]),
        }
    finally:
        people.close()


def _visit(kiosk: Kiosk, person_id: int | None) -> None:
    from datetime import UTC, datetime, timedelta

    people = kiosk.people()
    try:
        now = datetime.now(UTC)
        visit = start_visit(people.store, now - timedelta(seconds=30))
        end_visit(people.store, visit, person_id, now)
    finally:
        people.close()


def test_server_down_the_kiosk_keeps_working_and_catches_up(
    make_kiosk: MakeKiosk,
    admin_dsn: str,
    cluster: Cluster,
) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    door.enrol("Before Outage", seed=1)
    door.sync()
    cluster.stop()
    try:
        with pytest.raises(ChainOfflineError):
            door.sync()
        for i in range(5):  # minutes of work while the server is down
            pid = door.enrol(f"During Outage {i}", seed=10 + i)
            _visit(door, pid)
        people = door.people()
        try:  # recognising goes on from the local database
            match = people.gallery(MODEL).nearest(templates(12)[0].vector, k=1)[0]
            assert match.name == "During Outage 2"
        finally:
            people.close()
        with pytest.raises(ChainOfflineError):
            door.sync()
    finally:
        cluster.start()
    door.sync()
    door.sync()  # again: nothing doubles
    till.sync()
    assert till.names() == door.names() and len(door.names()) == 6
    counts = central_counts(admin_dsn)
    local = _local_counts(door)
    assert counts["people"] == local["people"] == 6
    assert counts["templates"] == local["templates"] == 18
    assert counts["visits"] == local["visits"] == 5


def test_unreachable_at_start_up_the_worker_reports_offline_and_never_raises(
    make_kiosk: MakeKiosk,
    tmp_path: Path,
) -> None:
    door = make_kiosk("door")
    dead = f"host={tmp_path} port=1 dbname=x user=nobody"  # no server there

    def make() -> ChainSync:
        return ChainSync(door.paths, dead, MODEL, connect_timeout_s=1)

    worker = SyncWorker(make, interval_s=0.5)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while worker.status().problem == "not synced yet" and time.monotonic() < deadline:
            time.sleep(0.05)
        status = worker.status()
        assert not status.online and "OFFLINE" in status.text
        assert "cannot be reached" in status.problem
        door.enrol("Enrolled Offline", seed=4)  # the kiosk's own database is not held up
    finally:
        worker.stop()
    assert not worker._thread.is_alive()


def _counts_match(kiosk: Kiosk, admin_dsn: str) -> None:
    local, central = _local_counts(kiosk), central_counts(admin_dsn)
    assert (central["people"], central["templates"]) == (local["people"], local["templates"])


def test_sigkill_in_the_middle_of_a_sync(make_kiosk: MakeKiosk, admin_dsn: str) -> None:
    door = make_kiosk("door")
    for i in range(40):
        door.enrol(f"Person {i}", seed=i)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.fleet.sync_child", str(door.paths.data_dir), door.dsn, MODEL],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("templates"):  # people pushed, templates half way
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    partial = central_counts(admin_dsn)
    assert 0 < partial["templates"] < 120
    door.sync()
    _counts_match(door, admin_dsn)
    assert central_counts(admin_dsn)["templates"] == 120


def test_the_server_going_away_mid_sync(make_kiosk: MakeKiosk, admin_dsn: str) -> None:
    door = make_kiosk("door")
    for i in range(30):
        door.enrol(f"Person {i}", seed=i)
    chain = ChainSync(door.paths, door.dsn, MODEL, batch=10)

    def cut(stage: str, count: int) -> None:
        if stage == "templates" and count == 40:
            with psycopg.connect(admin_dsn, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE usename LIKE 'k\\_%door'"
                )

    try:
        with pytest.raises(ChainOfflineError):
            chain.run_once(cut)
        assert 0 < central_counts(admin_dsn)["templates"] < 90
        chain.run_once()  # reconnects and finishes
    finally:
        chain.close()
    _counts_match(door, admin_dsn)


def _both(a: Kiosk, b: Kiosk) -> None:
    errors: list[BaseException] = []

    def run(k: Kiosk) -> None:
        try:
            k.sync()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_kiosks_renaming_and_reenrolling_the_same_person_at_once(make_kiosk: MakeKiosk) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    door.enrol("Same Person", seed=1)
    door.sync()
    till.sync()
    uid = door.uid_of("Same Person")
    for kiosk, name, seed in ((door, "Name From Door", 2), (till, "Name From Till", 3)):
        people = kiosk.people()
        local = people.find_by_uid(uid)
        people.rename(local, name, "staff")  # type: ignore[arg-type]
        people.close()
        kiosk.enrol("", seed=seed, person_id=local)
    _both(door, till)
    _both(door, till)
    assert door.names() == till.names()
    assert door.names()[0] == "Name From Till"  # the later edit wins everywhere
    for kiosk in (door, till):
        people = kiosk.people()
        try:
            assert people.summary(people.find_by_uid(uid)).templates == 10  # type: ignore[arg-type]
        finally:
            people.close()


def test_two_kiosks_enrolling_the_same_face_make_two_people_never_a_merge(
    make_kiosk: MakeKiosk,
) -> None:
    door, till = make_kiosk("door"), make_kiosk("till")
    door.enrol("Twin", seed=1)
    till.enrol("Twin", seed=1)
    _both(door, till)
    _both(door, till)
    assert door.names() == till.names() == ["Twin", "Twin"]


def test_a_forget_racing_a_reenrolment_elsewhere(make_kiosk: MakeKiosk, admin_dsn: str) -> None:
    door, till, cafe = make_kiosk("door"), make_kiosk("till"), make_kiosk("cafe")
    door.enrol("Leaving Person", seed=1)
    door.sync()
    till.sync()
    cafe.sync()
    uid = door.uid_of("Leaving Person")
    people = door.people()
    people.forget(people.find_by_uid(uid), "staff")  # type: ignore[arg-type]
    people.close()
    people = till.people()
    local = people.find_by_uid(uid)
    people.close()
    till.enrol("", seed=7, person_id=local)  # re-enrolled at the till meanwhile, offline
    _visit(till, local)
    _both(door, till)
    for kiosk in (door, till, cafe):
        kiosk.sync()
    assert door.names() == till.names() == cafe.names() == []
    counts = central_counts(admin_dsn)
    assert counts["people"] == counts["templates"] == 0 and counts["tombstones"] == 1
    with psycopg.connect(admin_dsn) as conn:
        assert conn.execute(
            "SELECT count(*) FROM fleet.visits WHERE person_uid = %s", [uid]
        ).fetchone() == (0,)


def test_wrong_passphrase_or_another_chain_is_refused_with_nothing_written(
    make_kiosk: MakeKiosk,
    admin_dsn: str,
    cluster: Cluster,
    tmp_path: Path,
) -> None:
    before = central_counts(admin_dsn)
    stranger = PathsConfig(data_dir=tmp_path / "stranger")
    with pytest.raises(ChainError, match="passphrase is wrong"):
        join_chain(admin_dsn, stranger, "stranger", store="x", passphrase="not the passphrase!")
    assert not (stranger.data_dir / "chain.key").exists()
    with psycopg.connect(admin_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM fleet.kiosks").fetchone() == (0,)
        roles = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'k\\_%%stranger'")
        assert roles.fetchone() == (0,)
    other_dsn = cluster.new_database()
    init_chain(other_dsn, OTHER)
    door = make_kiosk("door")
    door.enrol("Loyal Customer", seed=1)
    other_kiosk = Kiosk("elsewhere", PathsConfig(data_dir=tmp_path / "elsewhere"), "")
    joined = join_chain(
        other_dsn,
        other_kiosk.paths,
        "elsewhere",
        store="x",
        passphrase=OTHER,
    )
    other_kiosk.dsn = joined.dsn
    foreign = Kiosk("door", door.paths, joined.dsn)  # the door kiosk pointed at the other chain
    with pytest.raises(ChainError, match="belongs to chain"):
        foreign.sync()
    with pytest.raises(ChainError, match="belongs to chain"):
        join_chain(other_dsn, door.paths, "door", store="x", passphrase=OTHER)
    assert central_counts(other_dsn)["people"] == 0
    assert central_counts(admin_dsn) == before
    assert door.names() == ["Loyal Customer"]
