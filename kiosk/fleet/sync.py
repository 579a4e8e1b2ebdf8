"""One sync round between this kiosk and its chain, in the order that keeps forgets first.

1. Check that the server holds this kiosk's chain, knows this kiosk's role, and that the
   kiosk's chain key is the chain's (else refuse before writing anything, on either side).
2. Pull tombstones and forget those people here (a kiosk back after days does this first).
3. Push this kiosk's tombstones, then people, templates, consents, photos, visits,
   impressions and rewards; share learner statistics.
4. Pull people, templates, consents, photos and products from one snapshot.
5. Report to the chain (heartbeat: pending count) and purge old unknown visits centrally.

`ChainSync` keeps the kiosk database and the server connection open between rounds and
reconnects after a failure; `run_once` raises `ChainOfflineError` when the server cannot be
reached or goes away mid-round (what was committed stays committed, the rest is retried).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import psycopg

from kiosk.config import PathsConfig
from kiosk.errors import ChainError
from kiosk.fleet import central
from kiosk.fleet.central import Row
from kiosk.fleet.events import exchange_learner, push_events
from kiosk.fleet.keys import key_check
from kiosk.fleet.local import LocalKiosk
from kiosk.fleet.pull import pull_changes, pull_tombstones
from kiosk.fleet.push import (
    OnBatch,
    push_consents_and_photos,
    push_people,
    push_templates,
    push_tombstones,
)
from kiosk.store.db import utc_now

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one round did (counts of rows) and how long it took."""

    tombstones_in: int
    forgotten_here: int
    tombstones_out: int
    people_out: int
    templates_out: int
    consents_out: int
    photos_out: int
    visits_out: int
    impressions_out: int
    rewards_out: int
    learner_kiosks: int
    people_in: int
    templates_in: int
    consents_in: int
    photos_in: int
    products_in: int
    pending_after: int
    seconds: float


def _quiet(_stage: str, _count: int) -> None:
    return None


class ChainSync:
    """Syncs one kiosk database with its chain; one per thread (it owns both connections)."""

    def __init__(
        self,
        paths: PathsConfig,
        dsn: str,
        model_key: str | None = None,
        *,
        connect_timeout_s: int = 3,
        retention_days: int | None = None,
        batch: int = BATCH,
    ) -> None:
        """Open the kiosk database (no network yet).

        Args:
            paths: the kiosk's data dir (and key file).
            dsn: the kiosk's own connection string.
            model_key: the embedding model this kiosk runs: templates of other models are
                never pulled in (None: whatever the database already holds).
            connect_timeout_s: connection timeout.
            retention_days: purge this kiosk's old unknown visits centrally too (None: no).
            batch: rows per transaction.

        Raises:
            ChainError: the kiosk has not joined a chain.
        """
        self.local = LocalKiosk.open(paths)
        self._dsn = dsn
        self._model_key = model_key
        self._timeout = connect_timeout_s
        self._retention = retention_days
        self._batch = batch
        self._conn: psycopg.Connection[Row] | None = None

    def close(self) -> None:
        """Close both connections."""
        self._drop()
        self.local.close()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def _connection(self) -> psycopg.Connection[Row]:
        if self._conn is None or self._conn.closed:
            self._conn = central.connect(self._dsn, self._timeout)
            try:
                self._check_identity(self._conn)
            except BaseException:
                self._drop()
                raise
        return self._conn

    def _check_identity(self, conn: psycopg.Connection[Row]) -> None:
        member = self.local.member
        chain = central.read_chain(conn)
        if chain is None:
            raise ChainError("the server holds no chain (run `kiosk fleet init` at HQ)")
        if chain.chain_id != member.chain_id:
            raise ChainError(
                f"this kiosk belongs to chain {member.chain_id}, but the server holds chain "
                f"{chain.chain_id}: refused, nothing written"
            )
        if key_check(self.local.key, chain.chain_id) != chain.key_check:
            raise ChainError("this kiosk's chain key is not the chain's: refused, nothing written")
        kiosk = central.my_kiosk(conn)
        if kiosk != member.kiosk_id:
            raise ChainError(
                f"the server knows this login as kiosk {kiosk}, not as {member.kiosk_id} "
                f"({member.kiosk_name}): refused, nothing written"
            )

    def run_once(self, on_batch: OnBatch = _quiet) -> SyncReport:
        """One full round (see the module docstring).

        Raises:
            ChainOfflineError: the server cannot be reached or went away (retry later).
            ChainError: the server refused this kiosk or a statement.
        """
        start = time.perf_counter()
        try:
            return self._round(self._connection(), on_batch, start)
        except ChainError:
            self._drop()
            raise

    def _round(self, conn: psycopg.Connection[Row], on_batch: OnBatch, start: float) -> SyncReport:
        local, batch = self.local, self._batch
        tomb_in, forgotten = pull_tombstones(conn, local, batch)
        tomb_out = push_tombstones(conn, local)
        people_out = push_people(conn, local, batch, on_batch)
        templates_out = push_templates(conn, local, batch * 4, on_batch)
        consents_out, photos_out = push_consents_and_photos(conn, local, batch, on_batch)
        visits, impressions, rewards = push_events(conn, local, batch, on_batch)
        learners = exchange_learner(conn, local)
        pulled = pull_changes(conn, local, self._model_key, batch, on_batch)
        pending = local.outbox.pending().total
        with central.translated(), conn.transaction():
            conn.execute("SELECT fleet.heartbeat(%s, %s)", [pending, local.people.count()])
            if self._retention is not None:
                conn.execute("SELECT fleet.purge_unknown(%s)", [self._retention])
        local.outbox.put("last_sync_at", utc_now())
        return SyncReport(
            tomb_in,
            forgotten,
            tomb_out,
            people_out,
            templates_out,
            consents_out,
            photos_out,
            visits,
            impressions,
            rewards,
            learners,
            pulled.people,
            pulled.templates,
            pulled.consents,
            pulled.photos,
            pulled.products,
            pending,
            time.perf_counter() - start,
        )
