"""SIGKILL at random moments during enrolment, forget and import: all or nothing, never damage.

Each operation runs in a child process that is killed with SIGKILL after a random delay
(seeded). After every kill the database must pass `Store.integrity()` and hold each change whole
or not at all: a person exists iff all of their templates, consent and audit row exist; a
forgotten person left nothing behind and has their audit row. Enrolment and forget drive
`PeopleStore` directly with synthetic templates (fast, many kills); import runs the real
`kiosk people import` on the fixture photos a few times.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.store.db import DB_NAME, Store
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people

KEY = "c" * 64
TEMPLATES = 40  # per enrolment; the mean makes it 41 stored
KILLS = 10
SEED = 20250301
SEEDED = 200  # people enrolled before the forget kills

_CHILD = """
import sys, numpy as np
from pathlib import Path
from kiosk.config import PathsConfig
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people
mode, data_dir = sys.argv[1], Path(sys.argv[2])
people = open_people(PathsConfig(data_dir=data_dir), retention_days=None)
print("ready", flush=True)
run = sys.argv[3]
rng = np.random.default_rng(int(run))
if mode == "enrol":
    for i in range(10**6):
        ts = tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "camera")
                   for _ in range(int(sys.argv[4])))
        people.enrol(EnrolRequest(Consent("staff-k"), sys.argv[5], ts, name=f"kid {run}.{i}"))
else:
    for person in people.list_people():
        people.forget(person.id, "staff-k")
"""


@dataclass(frozen=True, slots=True)
class KillOutcome:
    """What one kill left: people before and after, and whether a WAL had to be recovered."""

    before: int
    after: int
    hot_wal: bool


def _kill_after(argv: list[str], delay_s: float, wait_for_ready: bool = True) -> None:
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if wait_for_ready:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        time.sleep(delay_s)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()


def _count(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM people").fetchone()[0])
    finally:
        conn.close()


def _check_sound(data_dir: Path) -> None:
    store = Store(data_dir / DB_NAME)  # recovers the WAL a killed writer left
    try:
        report = store.integrity()
        assert report.ok, report.problems
    finally:
        store.close()


def _person_rows(db: Path) -> dict[str, dict[int, int]]:
    """For each table that holds per-person rows: person id -> rows."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table in ("templates", "consents", "visits", "events"):
            rows = conn.execute(f"SELECT person_id, count(*) FROM {table} GROUP BY 1").fetchall()
            out[table] = {int(p): int(n) for p, n in rows if p is not None}
        out["people"] = {int(r[0]): 1 for r in conn.execute("SELECT id FROM people")}
        audits = conn.execute("SELECT action, detail FROM audit").fetchall()
        out["audit"] = {}
        for action, detail in audits:
            person = int(detail.split()[1].rstrip(":"))
            out["audit"][person] = 1 if action.startswith("enrol") else -1
        return out
    finally:
        conn.close()


def _run_kills(data_dir: Path, mode: str, delays: list[float]) -> list[KillOutcome]:
    outcomes = []
    db = data_dir / DB_NAME
    for i, delay in enumerate(delays):
        before = _count(db)
        argv = [sys.executable, "-c", _CHILD, mode, str(data_dir), str(i), str(TEMPLATES), KEY]
        _kill_after(argv, delay)
        wal = db.with_name(DB_NAME + "-wal")
        hot = wal.exists() and wal.stat().st_size > 0
        _check_sound(data_dir)
        outcomes.append(KillOutcome(before, _count(db), hot))
        _assert_all_or_nothing(mode, _person_rows(db))
    return outcomes


def _assert_all_or_nothing(mode: str, rows: dict[str, dict[int, int]]) -> None:
    if mode == "enrol":
        for person in rows["people"]:
            assert rows["templates"].get(person) == TEMPLATES + 1, person
            assert rows["consents"].get(person) == 1 and rows["audit"].get(person) == 1
        assert set(rows["templates"]) <= set(rows["people"])
        assert set(rows["audit"]) == set(rows["people"])
        return
    for person, mark in rows["audit"].items():  # forget: enrolled in setup, maybe forgotten
        if person in rows["people"]:
            assert mark == 1, f"person {person} still here but audited as forgotten"
            assert rows["templates"][person] == 6 and rows["consents"][person] == 1
            assert rows["visits"][person] == 2 and rows["events"][person] == 3
        else:
            assert mark == -1, f"person {person} gone without a forget audit row"
            assert all(person not in rows[t] for t in ("templates", "consents", "visits"))
            assert person not in rows["events"]


def _spread(n: int, window_s: float) -> list[float]:
    """n delays covering [0, window_s): one random point in each n-th of it (seeded)."""
    rng = random.Random(SEED)
    return [window_s * (i + rng.random()) / n for i in range(n)]


def _delays(n: int, low: float, high: float, salt: int) -> list[float]:
    rng = random.Random(SEED + salt)
    return [rng.uniform(low, high) for _ in range(n)]


def test_kill_during_enrolment_keeps_whole_people_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    open_people(PathsConfig(data_dir=data_dir), retention_days=None).close()
    outcomes = _run_kills(data_dir, "enrol", _delays(KILLS, 0.02, 0.5, 1))
    print(
        f"\nenrol: {len(outcomes)} kills, people after each: {[o.after for o in outcomes]}, "
        f"hot WAL recovered {sum(o.hot_wal for o in outcomes)}x"
    )
    assert outcomes[-1].after > 0  # the children did get work done between kills


def _seed_people(data_dir: Path, n: int) -> None:
    people = open_people(PathsConfig(data_dir=data_dir), retention_days=None)
    rng = np.random.default_rng(0)
    try:
        for i in range(n):
            ts = tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "c") for _ in range(5))
            pid = people.enrol(EnrolRequest(Consent("staff-s"), KEY, ts, name=f"seed {i}"))
            with people.store.atomic() as db:
                for _ in range(2):
                    db.execute(
                        "INSERT INTO visits (person_id, started_at, ended_at) VALUES (?, 'a', 'b')",
                        [pid],
                    )
                    visit = db.execute("SELECT last_insert_rowid()").fetchone()[0]
                    db.execute(
                        "INSERT INTO events (at, kind, person_id, visit_id) "
                        "VALUES ('a', 'x', ?, ?)",
                        [pid, visit],
                    )
                db.execute("INSERT INTO events (at, kind, person_id) VALUES ('a', 'y', ?)", [pid])
    finally:
        people.close()


def test_kill_during_forget_forgets_wholly_or_not_at_all(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _seed_people(data_dir, SEEDED)
    outcomes = _run_kills(data_dir, "forget", _delays(KILLS, 0.0, 0.08, 2))
    print(
        f"\nforget: {len(outcomes)} kills, people left after each: "
        f"{[o.after for o in outcomes]}, hot WAL recovered {sum(o.hot_wal for o in outcomes)}x"
    )
    assert 0 < outcomes[-1].after < SEEDED


IMPORT_CHILD = "import sys; from kiosk.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.models
def test_kill_during_cli_import_keeps_whole_people_only(tmp_path: Path, faces_dir: Path) -> None:
    photos = tmp_path / "photos"
    for person in ("obama", "biden", "collins"):
        shutil.copytree(faces_dir / person, photos / person)
    argv = [sys.executable, "-c", IMPORT_CHILD, "people", "import", str(photos), "--staff", "k"]
    ref_db = tmp_path / "ref" / DB_NAME
    db_s, full_s = _timed_run(argv, ref_db)
    expected = _templates_by_name(ref_db)
    seen = []
    for i, delay in enumerate(_spread(5, full_s - db_s)):
        db = tmp_path / f"run{i}" / DB_NAME
        env = os.environ | {"KIOSK_PATHS_DATA_DIR": str(db.parent)}
        child = subprocess.Popen(argv, env=env, stdout=DEVNULL, stderr=DEVNULL)
        _wait_for(db, child)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        _check_sound(db.parent)
        got = _templates_by_name(db)
        assert all(got[name] == expected[name] for name in got), (got, expected)
        seen.append(len(got))
    print(
        f"\nimport: {len(seen)} kills in the {full_s - db_s:.2f} s after the database opened, "
        f"people kept of {len(expected)}: {seen}"
    )


def _wait_for(db: Path, child: subprocess.Popen[bytes]) -> None:
    """Until the import has loaded its models and opened the database."""
    deadline = time.monotonic() + 60
    while not db.exists():
        assert child.poll() is None and time.monotonic() < deadline, "import never opened the db"
        time.sleep(0.005)


def _timed_run(argv: list[str], db: Path) -> tuple[float, float]:
    """A full import: seconds until the database existed, and until it finished."""
    env = os.environ | {"KIOSK_PATHS_DATA_DIR": str(db.parent)}
    started = time.monotonic()
    child = subprocess.Popen(argv, env=env, stdout=DEVNULL, stderr=DEVNULL)
    _wait_for(db, child)
    db_s = time.monotonic() - started
    assert child.wait(timeout=120) == 0
    return db_s, time.monotonic() - started


def _templates_by_name(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT p.display_name, count(t.id) FROM people p "
            "LEFT JOIN templates t ON t.person_id = p.id GROUP BY p.id"
        ).fetchall()
        return {str(name): int(n) for name, n in rows}
    finally:
        conn.close()
