"""Visits written by the kiosk, and the numbers the staff analytics page shows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from kiosk.store.db import Store


def start_visit(store: Store, started_at: datetime) -> int:
    """Open a visit row (unknown visitor until `end_visit` says otherwise); returns its id."""
    stamp = started_at.isoformat(timespec="seconds")
    with store.atomic() as db:
        cursor = db.execute(
            "INSERT INTO visits (person_id, started_at, ended_at) VALUES (NULL, ?, ?)",
            [stamp, stamp],
        )
        return int(cursor.lastrowid or 0)


def end_visit(store: Store, visit_id: int, person_id: int | None, ended_at: datetime) -> None:
    """Close a visit: who it was (None: unknown) and when it ended."""
    with store.atomic() as db:
        db.execute(
            "UPDATE visits SET person_id = ?, ended_at = ? WHERE id = ?",
            [person_id, ended_at.isoformat(timespec="seconds"), visit_id],
        )


def drop_visit(store: Store, visit_id: int) -> None:
    """Delete a visit too short to count (and, by cascade, what was logged for it)."""
    with store.atomic() as db:
        db.execute("DELETE FROM visits WHERE id = ?", [visit_id])


@dataclass(frozen=True, slots=True)
class HourCount:
    """Visits that started in one hour of the day (0-23), known and unknown."""

    hour: int
    known: int
    unknown: int


@dataclass(frozen=True, slots=True)
class PolicyCount:
    """Suggestions shown by one policy, how many were tapped, and the mean reward."""

    policy: str
    shown: int
    tapped: int
    mean_reward: float


@dataclass(frozen=True, slots=True)
class ValenceCount:
    """How shoppers looked (valence in the logged context) while suggestions were shown."""

    valence: str
    impressions: int


@dataclass(frozen=True, slots=True)
class Analytics:
    """Everything on the analytics page, over the period since `since`."""

    since: str
    visits_known: int
    visits_unknown: int
    per_hour: tuple[HourCount, ...]
    per_policy: tuple[PolicyCount, ...]
    valence: tuple[ValenceCount, ...]


def analytics(store: Store, since: datetime) -> Analytics:
    """Counts from visits, impressions and rewards since `since` (UTC)."""
    start = since.isoformat(timespec="seconds")
    hours = {h: [0, 0] for h in range(24)}
    sql = (
        "SELECT CAST(strftime('%H', started_at) AS INTEGER), person_id IS NOT NULL, count(*) "
        "FROM visits WHERE started_at >= ? GROUP BY 1, 2"
    )
    for hour, known, count in store.db.execute(sql, [start]).fetchall():
        hours[int(hour)][0 if known else 1] += int(count)
    per_hour = tuple(HourCount(h, k, u) for h, (k, u) in hours.items())
    return Analytics(
        since=start,
        visits_known=sum(h.known for h in per_hour),
        visits_unknown=sum(h.unknown for h in per_hour),
        per_hour=per_hour,
        per_policy=_per_policy(store, start),
        valence=_valence(store, start),
    )


def _per_policy(store: Store, start: str) -> tuple[PolicyCount, ...]:
    sql = (
        "SELECT i.policy, count(DISTINCT i.id), "
        "count(DISTINCT CASE WHEN r.kind IN ('tap', 'scan', 'purchase') THEN i.id END), "
        "coalesce(sum(r.value), 0.0) "
        "FROM impressions i LEFT JOIN rewards r ON r.impression_id = i.id "
        "WHERE i.at >= ? GROUP BY i.policy ORDER BY i.policy"
    )
    rows = store.db.execute(sql, [start]).fetchall()
    return tuple(
        PolicyCount(str(p), int(n), int(t), float(total) / int(n) if n else 0.0)
        for p, n, t, total in rows
    )


def _valence(store: Store, start: str) -> tuple[ValenceCount, ...]:
    counts = {"positive": 0, "neutral": 0, "negative": 0, "unknown": 0}
    for (context,) in store.db.execute(
        "SELECT context FROM impressions WHERE at >= ?", [start]
    ).fetchall():
        counts[_valence_of(context)] += 1
    return tuple(ValenceCount(v, n) for v, n in counts.items())


def _valence_of(context_json: str) -> str:
    """The valence recorded in an impression's context: the one-hot `valence_<name>` feature."""
    try:
        context = json.loads(context_json)
    except (TypeError, ValueError):
        return "unknown"
    features = context.get("features") if isinstance(context, dict) else None
    if not isinstance(features, dict):
        return "unknown"
    for name in ("positive", "neutral", "negative"):
        if features.get(f"valence_{name}") == 1.0:
            return name
    return "unknown"
