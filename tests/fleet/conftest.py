"""Fixtures for the chain tests: one real PostgreSQL cluster per session, one database a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.fleet.admin import init_chain, join_chain
from kiosk.fleet.scratch import Cluster, remove_cluster, start_cluster
from kiosk.fleet.sync import ChainSync, SyncReport
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people

PASSPHRASE = "correct horse battery staple"
MODEL = "m" * 64


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    made = start_cluster()
    if made is None:
        pytest.skip("no PostgreSQL server binaries (packaging/system-deps.sh installs them)")
    try:
        yield made
    finally:
        remove_cluster(made)


@pytest.fixture
def admin_dsn(cluster: Cluster) -> str:
    """A fresh database with a chain in it."""
    dsn = cluster.new_database()
    init_chain(dsn, PASSPHRASE)
    return dsn


def templates(seed: int, n: int = 3) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    centre = rng.normal(0, 0.08, 128)
    return tuple(
        NewTemplate((centre + rng.normal(0, 0.01, 128)).astype(np.float32), "camera")
        for _ in range(n)
    )


@dataclass
class Kiosk:
    """One kiosk's data dir in a chain, as the tests drive it."""

    name: str
    paths: PathsConfig
    dsn: str

    def people(self) -> PeopleStore:
        return open_people(self.paths, retention_days=None)

    def enrol(self, name: str, seed: int = 0, person_id: int | None = None) -> int:
        people = self.people()
        try:
            request = EnrolRequest(
                Consent("staff-" + self.name),
                MODEL,
                templates(seed),
                name=None if person_id is not None else name,
                person_id=person_id,
            )
            return people.enrol(request)
        finally:
            people.close()

    def names(self) -> list[str]:
        people = self.people()
        try:
            return sorted(p.name for p in people.list_people())
        finally:
            people.close()

    def uid_of(self, name: str) -> str:
        people = self.people()
        try:
            return next(p.uid for p in people.list_people() if p.name == name)
        finally:
            people.close()

    def sync(self) -> SyncReport:
        chain = ChainSync(self.paths, self.dsn, MODEL)
        try:
            return chain.run_once()
        finally:
            chain.close()


MakeKiosk = Callable[..., Kiosk]


@pytest.fixture
def make_kiosk(tmp_path: Path, admin_dsn: str) -> MakeKiosk:
    """Join a new kiosk data dir to the test's chain: make_kiosk(name, store="main-street")."""

    def make(name: str, store: str = "main-street", dsn: str | None = None) -> Kiosk:
        paths = PathsConfig(data_dir=tmp_path / name)
        joined = join_chain(dsn or admin_dsn, paths, name, store=store, passphrase=PASSPHRASE)
        return Kiosk(name, paths, joined.dsn)

    return make


def central_counts(admin_dsn: str) -> dict[str, int]:
    """Row counts of the chain's tables (as HQ's admin role sees them)."""
    import psycopg

    tables = ("people", "templates", "consents", "tombstones", "visits", "impressions", "rewards")
    with psycopg.connect(admin_dsn) as conn:
        return {
            t: int(conn.execute(f"SELECT count(*) FROM fleet.{t}").fetchone()[0])  # type: ignore[index]
            for t in tables
        }
