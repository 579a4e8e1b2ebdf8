"""Retention: unknown visitors' visits and events are kept `privacy.retention_days`, no longer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from kiosk.store.db import Store
from kiosk.store.people_records import PurgeReport

log = logging.getLogger(__name__)


def purge_unknown(store: Store, retention_days: int, now: datetime | None = None) -> PurgeReport:
    """Delete unknown visitors' visits and events older than `retention_days` (one transaction).

    Called whenever the kiosk or the `kiosk` command opens the database.
    """
    moment = now if now is not None else datetime.now(UTC)
    cutoff = (moment.astimezone(UTC) - timedelta(days=retention_days)).isoformat("T", "seconds")
    with store.atomic() as db:
        events = db.execute(
            "DELETE FROM events WHERE person_id IS NULL AND at < ? AND (visit_id IS NULL OR "
            "visit_id IN (SELECT id FROM visits WHERE person_id IS NULL))",
            [cutoff],
        ).rowcount
        visits = db.execute(
            "DELETE FROM visits WHERE person_id IS NULL AND ended_at < ?", [cutoff]
        ).rowcount
    if visits or events:
        log.info("purged %d unknown visits and %d events before %s", visits, events, cutoff)
    return PurgeReport(cutoff, int(visits), int(events))
