"""`kiosk bench fleet`: kiosks syncing against one server, and a new kiosk joining a big chain.

Part 1, steady state: N kiosk data dirs, each with its own background `SyncWorker` (as in the
running kiosk) and a thread playing a busy kiosk: visits, slates of suggestions (impressions),
taps, and now and then an enrolment. Sync lag is the time from an enrolment at one kiosk until
every other kiosk's database holds that person; events per second is what reached PostgreSQL.

Part 2, bring-up: a chain of P people x T templates (sealed rows copied straight into
PostgreSQL, as if enrolled elsewhere) and a new kiosk that joins it and syncs once, in its own
process, reporting the time and its peak memory; then the time to build its gallery.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psycopg

from kiosk.config import PathsConfig
from kiosk.core.vocabulary import RewardKind
from kiosk.fleet import central
from kiosk.fleet.admin import init_chain, join_chain
from kiosk.fleet.keys import ChainSealer, pack_template, unwrap_key
from kiosk.fleet.sync import ChainSync
from kiosk.fleet.worker import SyncWorker
from kiosk.store.analytics import end_visit, start_visit
from kiosk.store.learning import ImpressionRecord, LearningLog
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people

PASSPHRASE = "bench chain passphrase"
MODEL = "b" * 64


@dataclass(frozen=True, slots=True)
class FleetBenchReport:
    """What `kiosk bench fleet` measured.

    Attributes:
        kiosks: simulated kiosks.
        seconds: length of the steady-state run.
        enrolments: enrolments made during it.
        lag_p50_s, lag_p95_s: enrolment at one kiosk -> in every other kiosk's database.
        events: visits, impressions and rewards that reached PostgreSQL.
        events_per_s: of them, per second of the run.
        chain_people, chain_templates: size of the chain for the bring-up.
        seed_s: time to copy that chain into PostgreSQL.
        bringup_s: a new kiosk's first sync (join excluded).
        bringup_peak_mb: that process's peak resident memory (MiB).
        gallery_build_s: that kiosk's gallery build after the sync.
    """

    kiosks: int
    seconds: float
    enrolments: int
    lag_p50_s: float
    lag_p95_s: float
    events: int
    events_per_s: float
    chain_people: int
    chain_templates: int
    seed_s: float
    bringup_s: float
    bringup_peak_mb: float
    gallery_build_s: float


def _vectors(rng: np.random.Generator, n: int) -> tuple[NewTemplate, ...]:
    centre = rng.normal(0.0, 0.06, 128) + 0.05
    return tuple(
        NewTemplate((centre + rng.normal(0, 0.02, 128)).astype(np.float32), "camera")
        for _ in range(n)
    )


class _Shop:
    """One simulated kiosk: activity thread plus its background sync worker."""

    def __init__(self, paths: PathsConfig, dsn: str, rate: float, seed: int) -> None:
        self.paths, self.rate = paths, rate
        self.rng = np.random.default_rng(seed)
        self.enrolled: dict[str, float] = {}  # uid -> monotonic time of enrolment
        self.stop = threading.Event()
        self.worker = SyncWorker(lambda: ChainSync(paths, dsn, MODEL), interval_s=1.0)
        self.thread = threading.Thread(target=self._play, daemon=True)

    def _play(self) -> None:
        people = open_people(self.paths, retention_days=None)
        log = LearningLog(people.store)
        try:
            while not self.stop.wait(1.0 / self.rate):
                now = datetime.now(UTC)
                visit = start_visit(people.store, now - timedelta(seconds=20))
                shown = [
                    ImpressionRecord(f"SKU-{i}", i, "bandit", 0.3, "{}", visit_id=visit)
                    for i in range(3)
                ]
                ids = log.log_impressions(shown)
                if self.rng.random() < 0.2:
                    log.add_reward(ids[0], RewardKind.TAP, 1.0)
                end_visit(people.store, visit, None, now)
                if self.rng.random() < 0.1:
                    consent = Consent("bench")
                    pid = people.enrol(
                        EnrolRequest(consent, MODEL, _vectors(self.rng, 5), name="Bench Person")
                    )
                    self.enrolled[people.summary(pid).uid] = time.monotonic()
                    self.worker.sync_soon()
        finally:
            people.close()


def _has_all(paths: PathsConfig, uids: set[str]) -> set[str]:
    people = open_people(paths, retention_days=None)
    try:
        return {u for u in uids if people.find_by_uid(u) is not None}
    finally:
        people.close()


def steady_state(
    admin_dsn: str, root: Path, kiosks: int, seconds: float, rate: float
) -> tuple[list[float], int, float]:
    """Run the kiosks; returns (sync lags in s, events in PostgreSQL, elapsed s)."""
    shops = []
    for i in range(kiosks):
        paths = PathsConfig(data_dir=root / f"kiosk-{i}")
        joined = join_chain(admin_dsn, paths, f"k{i}", store="bench", passphrase=PASSPHRASE)
        shops.append(_Shop(paths, joined.dsn, rate, i))
    start = time.monotonic()
    for shop in shops:
        shop.worker.start()
        shop.thread.start()
    lags: dict[str, float] = {}
    while time.monotonic() - start < seconds:
        time.sleep(0.25)
        _measure_lags(shops, lags)
    for shop in shops:
        shop.stop.set()
        shop.thread.join()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(lags) < sum(len(s.enrolled) for s in shops):
        time.sleep(0.25)
        _measure_lags(shops, lags)
    elapsed = time.monotonic() - start
    for shop in shops:
        shop.worker.stop()
    with psycopg.connect(admin_dsn) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM fleet.visits) + (SELECT count(*) FROM fleet.impressions)"
            " + (SELECT count(*) FROM fleet.rewards)"
        ).fetchone()
    return list(lags.values()), int(row[0]) if row else 0, elapsed


def _measure_lags(shops: list[_Shop], lags: dict[str, float]) -> None:
    for origin in shops:
        waiting = {u: t for u, t in list(origin.enrolled.items()) if u not in lags}
        if not waiting:
            continue
        everywhere = set(waiting)
        for other in shops:
            if other is not origin:
                everywhere &= _has_all(other.paths, set(waiting))
        now = time.monotonic()
        for uid in everywhere:
            lags[uid] = now - waiting[uid]


def seed_chain(admin_dsn: str, people: int, per_person: int) -> float:
    """Copy `people` sealed people with `per_person` templates each into the chain."""
    start = time.perf_counter()
    with psycopg.connect(admin_dsn) as conn:
        chain = central.read_chain(conn)
        if chain is None:
            raise RuntimeError("no chain")
        sealer = ChainSealer(unwrap_key(chain.wrapped, PASSPHRASE, chain.chain_id), chain.chain_id)
        origin = "seed-" + uuid.uuid4().hex[:8]
        rng = np.random.default_rng(7)
        for first in range(0, people, 10_000):
            with conn.transaction():
                central.begin_push(conn)
                count = min(10_000, people - first)
                _copy_chunk(
                    conn, sealer, rng=rng, count=count, per_person=per_person, origin=origin
                )
    return time.perf_counter() - start


def _copy_chunk(
    conn: psycopg.Connection[central.Row],
    sealer: ChainSealer,
    *,
    rng: np.random.Generator,
    count: int,
    per_person: int,
    origin: str,
) -> None:
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
    uids = [uuid.uuid4().hex for _ in range(count)]
    with conn.cursor().copy(
        "COPY fleet.people (uid, seq, sealed, attrs_at, attrs_by, origin) FROM STDIN"
    ) as copy:
        for uid in uids:
            body = {"name": "Chain Person", "preferences": "{}", "keep_photos": False}
            sealed = sealer.seal_json(body | {"created_at": at}, "person", uid, at, origin)
            copy.write_row((uid, 0, sealed, at, origin, origin))
    with conn.cursor().copy(
        "COPY fleet.templates (uid, person_uid, seq, model_key, sealed, origin) FROM STDIN"
    ) as copy:
        for uid in uids:
            for t in _vectors(rng, per_person):
                tuid = uuid.uuid4().hex
                blob = sealer.seal(
                    pack_template("camera", 1.0, t.vector), "template", tuid, uid, MODEL
                )
                copy.write_row((tuid, uid, 0, MODEL, blob, origin))


def bring_up(admin_dsn: str, root: Path) -> dict[str, float]:
    """Join a new kiosk and run its first sync and gallery build in a child process."""
    paths = PathsConfig(data_dir=root / "newcomer")
    joined = join_chain(admin_dsn, paths, "newcomer", store="bench", passphrase=PASSPHRASE)
    child = subprocess.run(
        [sys.executable, "-m", "kiosk.fleet.bringup", str(paths.data_dir), joined.dsn, MODEL],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(child.stdout.strip().splitlines()[-1]))


def run_fleet_bench(
    admin_dsn: str | None,
    *,
    kiosks: int,
    seconds: float,
    rate: float,
    chain_people: int,
    per_person: int,
    on_step: Callable[[str], None],
) -> FleetBenchReport:
    """Both parts against `admin_dsn` (None: a throw-away local cluster)."""
    from kiosk.fleet.scratch import remove_cluster, start_cluster

    cluster = None
    if admin_dsn is None:
        cluster = start_cluster()
        if cluster is None:
            raise RuntimeError("no PostgreSQL server installed (packaging/system-deps.sh)")
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-fleet-") as tmp:
            root = Path(tmp)
            dsn = cluster.new_database() if cluster else str(admin_dsn)
            init_chain(dsn, PASSPHRASE)
            on_step(f"{kiosks} kiosks for {seconds:.0f} s")
            lags, events, elapsed = steady_state(dsn, root, kiosks, seconds, rate)
            big = cluster.new_database() if cluster else dsn
            if cluster:
                init_chain(big, PASSPHRASE)
            on_step(f"seeding a chain of {chain_people:,} people")
            seed_s = seed_chain(big, chain_people, per_person)
            on_step("bringing a new kiosk up")
            up = bring_up(big, root)
    finally:
        if cluster is not None:
            remove_cluster(cluster)
    p50, p95 = np.percentile(lags, [50, 95]) if lags else (float("nan"), float("nan"))
    return FleetBenchReport(
        kiosks,
        elapsed,
        len(lags),
        float(p50),
        float(p95),
        events,
        events / elapsed,
        chain_people,
        chain_people * per_person,
        seed_s,
        up["sync_s"],
        up["peak_rss_mb"],
        up["gallery_s"],
    )
