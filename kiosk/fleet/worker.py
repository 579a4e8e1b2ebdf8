"""The running kiosk's background sync: a thread that never blocks the frame loop.

The thread owns its own SQLite connection and PostgreSQL connection. Every `interval_s` it runs
one round; when the server is down or unreachable it backs off (up to a minute) and says so in
its status, which the GUI thread reads (a frozen snapshot swapped in whole, no locks). The
kiosk goes on recognising, suggesting and enrolling from its own database meanwhile; what it
did is pushed when the server is back. The GUI sees what a sync changed through the gallery
change counter, like any other process's change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.config import KioskConfig
from kiosk.errors import ChainError, ChainOfflineError, KioskError
from kiosk.fleet.sync import ChainSync, SyncReport

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 60.0


@dataclass(frozen=True, slots=True)
class FleetStatus:
    """What staff mode shows about the chain.

    Attributes:
        online: the last round reached the server and finished.
        last_sync_at: wall-clock time of the last finished round (UTC), or None.
        problem: why the last round failed ("" when it did not).
        pending: rows waiting to be pushed after the last finished round.
        rounds: finished rounds since start.
    """

    online: bool
    last_sync_at: datetime | None
    problem: str
    pending: int
    rounds: int

    @property
    def text(self) -> str:
        """One line for staff."""
        if self.online and self.last_sync_at is not None:
            return f"Chain: online · synced {self.last_sync_at.astimezone():%H:%M:%S}"
        since = (
            f"last sync {self.last_sync_at.astimezone():%d %b %H:%M}"
            if self.last_sync_at
            else "not synced yet"
        )
        return f"Chain: OFFLINE ({since}); this kiosk keeps working and catches up later"


class SyncWorker:
    """Runs `ChainSync.run_once` on a daemon thread every `interval_s` seconds."""

    def __init__(
        self, make_sync: Callable[[], ChainSync], interval_s: float, name: str = "fleet-sync"
    ) -> None:
        self._make = make_sync
        self._interval = interval_s
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._status = FleetStatus(False, None, "not synced yet", 0, 0)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.last_report: SyncReport | None = None

    def status(self) -> FleetStatus:
        """The latest status (safe from any thread)."""
        return self._status

    def start(self) -> None:
        """Start the thread (the first round runs at once)."""
        self._thread.start()

    def sync_soon(self) -> None:
        """Run a round now instead of at the next tick (after an enrolment or a forget)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the thread to finish its round and stop; wait up to `timeout_s`."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        sync: ChainSync | None = None
        delay = 0.0
        try:
            while not self._stop.is_set():
                self._wake.wait(delay)
                self._wake.clear()
                if self._stop.is_set():
                    break
                try:
                    sync = sync or self._make()
                    self._round(sync)
                    delay = self._interval
                except KioskError as exc:
                    delay = min(MAX_BACKOFF_S, max(self._interval, delay * 2))
                    self._failed(exc)
                except Exception as exc:  # the worker's loop: log it, keep the kiosk running
                    log.exception("chain sync failed unexpectedly")
                    delay = MAX_BACKOFF_S
                    self._failed(exc)
        finally:
            if sync is not None:
                sync.close()

    def _round(self, sync: ChainSync) -> None:
        started = time.perf_counter()
        report = sync.run_once()
        self.last_report = report
        self._status = FleetStatus(
            True, datetime.now(UTC), "", report.pending_after, self._status.rounds + 1
        )
        log.debug("chain sync round took %.2f s", time.perf_counter() - started)

    def _failed(self, exc: BaseException) -> None:
        kind = "offline" if isinstance(exc, ChainOfflineError) else "refused"
        if not isinstance(exc, ChainError):
            kind = "failed"
        log.warning("chain sync %s: %s", kind, exc)
        old = self._status
        self._status = FleetStatus(False, old.last_sync_at, str(exc), old.pending, old.rounds)


def start_worker(config: KioskConfig, model_key: str) -> SyncWorker | None:
    """Start background sync for a kiosk with `[fleet] dsn`; None for a single kiosk.

    Nothing here touches the network: a server down at start-up only shows as offline.
    """
    fleet = config.fleet
    if not fleet.dsn.strip():
        return None

    def make() -> ChainSync:
        return ChainSync(
            config.paths,
            fleet.dsn,
            model_key,
            connect_timeout_s=fleet.connect_timeout_s,
            retention_days=config.privacy.retention_days,
        )

    worker = SyncWorker(make, fleet.sync_interval_s)
    worker.start()
    return worker
