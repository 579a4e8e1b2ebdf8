"""What the suggestion learner writes: impressions, rewards, learner state, popularity counts.

Impressions and rewards are append-only. Learner state is one row per scope: ``"global"`` for
everyone and ``"person:<id>"`` for an enrolled person, whose row has `person_id` set so that
deleting the person (forget me) deletes it too (foreign key ON DELETE CASCADE).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.core.vocabulary import EXPLICIT_REWARDS, RewardKind
from kiosk.store.db import Store, utc_now

EXPLICIT_KINDS = tuple(str(k) for k in EXPLICIT_REWARDS)


@dataclass(frozen=True, slots=True)
class ImpressionRecord:
    """One product shown in one slot of a slate, as it is logged.

    Attributes:
        sku: the product shown.
        position: its slot, 0 first.
        policy: the policy that chose the slate ("bandit", "rules", ...).
        propensity: probability in (0, 1] that the policy would show this product in this
            context (its inclusion probability in the slate).
        context_json: the context features (JSON; never a name, image or embedding).
        person_id: the enrolled person, or None for an unknown visitor.
        visit_id: the visit, when the caller tracks visits.
    """

    sku: str
    position: int
    policy: str
    propensity: float
    context_json: str
    person_id: int | None = None
    visit_id: int | None = None


@dataclass(frozen=True, slots=True)
class LoggedImpression:
    """An impression with its summed rewards, for offline evaluation."""

    impression_id: int
    sku: str
    position: int
    policy: str
    propensity: float
    context_json: str
    explicit_reward: float
    valence_reward: float


class LearningLog:
    """Impressions, rewards and learner state in the kiosk database."""

    def __init__(self, store: Store) -> None:
        """Use the open `store` (the caller closes it)."""
        self._store = store

    def log_impressions(self, records: Sequence[ImpressionRecord]) -> tuple[int, ...]:
        """Append the impressions of one slate (all or none); returns their ids in order."""
        now = utc_now()
        ids: list[int] = []
        with self._store.atomic() as db:
            for r in records:
                table = db.table("impressions").insert(
                    {
                        "at": now,
                        "visit_id": r.visit_id,
                        "person_id": r.person_id,
                        "sku": r.sku,
                        "position": r.position,
                        "policy": r.policy,
                        "propensity": r.propensity,
                        "context": r.context_json,
                    }
                )
                ids.append(int(table.last_rowid or 0))
        return tuple(ids)

    def add_reward(self, impression_id: int, kind: RewardKind, value: float) -> None:
        """Append a reward ("tap", "scan", "purchase" or "valence") to an impression."""
        with self._store.atomic() as db:
            db.table("rewards").insert(
                {"impression_id": impression_id, "at": utc_now(), "kind": kind, "value": value}
            )

    def logged(self, policy: str | None = None) -> tuple[LoggedImpression, ...]:
        """Every impression (optionally of one policy) with explicit and valence rewards."""
        kinds = ",".join(f"'{k}'" for k in EXPLICIT_KINDS)
        sql = (
            "SELECT i.id, i.sku, i.position, i.policy, i.propensity, i.context, "
            f"COALESCE(SUM(CASE WHEN r.kind IN ({kinds}) THEN r.value END), 0), "
            "COALESCE(SUM(CASE WHEN r.kind = 'valence' THEN r.value END), 0) "
            "FROM impressions i LEFT JOIN rewards r ON r.impression_id = i.id"
        )
        args: list[str] = []
        if policy is not None:
            sql += " WHERE i.policy = ?"
            args.append(policy)
        sql += " GROUP BY i.id ORDER BY i.id"
        return tuple(
            LoggedImpression(int(r[0]), r[1], int(r[2]), r[3], float(r[4]), r[5], r[6], r[7])
            for r in self._store.db.execute(sql, args).fetchall()
        )

    def popularity(self, days: float = 7.0, now: datetime | None = None) -> dict[str, float]:
        """Explicit rewards (taps, scans, purchases) per SKU over the last `days` days."""
        since = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")
        kinds = ",".join("?" for _ in EXPLICIT_KINDS)
        rows = self._store.db.execute(
            "SELECT i.sku, SUM(r.value) FROM rewards r JOIN impressions i "
            f"ON i.id = r.impression_id WHERE r.kind IN ({kinds}) AND r.at >= ? GROUP BY i.sku",
            [*EXPLICIT_KINDS, since],
        ).fetchall()
        return {str(sku): float(total) for sku, total in rows}

    def load_state(self, scope: str) -> bytes | None:
        """The saved learner state of `scope` ("global" or "person:<id>"), or None."""
        row = self._store.db.execute(
            "SELECT state FROM learner_state WHERE scope = ?", [scope]
        ).fetchone()
        return None if row is None else bytes(row[0])

    def save_state(self, scope: str, policy: str, state: bytes, person_id: int | None) -> None:
        """Replace the learner state of `scope`; a person's row must carry its `person_id`.

        Each save moves the row's revision (`state_rev`), so a holder of an older copy knows
        that someone else (the chain sync) rewrote it.
        """
        with self._store.atomic() as db:
            db.execute(
                "INSERT INTO learner_state (scope, person_id, policy, state, updated_at, rev) "
                "VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT(scope) DO UPDATE SET "
                "person_id = excluded.person_id, policy = excluded.policy, "
                "state = excluded.state, updated_at = excluded.updated_at, rev = rev + 1",
                [scope, person_id, policy, state, utc_now()],
            )

    def state_rev(self, scope: str) -> int:
        """The revision of `scope`'s saved state (0: none saved)."""
        row = self._store.db.execute(
            "SELECT rev FROM learner_state WHERE scope = ?", [scope]
        ).fetchone()
        return 0 if row is None else int(row[0])

    def declared_categories(self, person_id: int) -> frozenset[str]:
        """Categories a person told staff they like (``people.preferences`` JSON), or none."""
        row = self._store.db.execute(
            "SELECT preferences FROM people WHERE id = ?", [person_id]
        ).fetchone()
        try:
            data = json.loads(row[0]) if row is not None else {}
            return frozenset(str(c) for c in data.get("categories", ()))
        except (ValueError, TypeError, AttributeError):
            return frozenset()

    def scopes(self) -> tuple[str, ...]:
        """Every scope with saved learner state."""
        rows = self._store.db.execute("SELECT scope FROM learner_state ORDER BY scope")
        return tuple(str(r[0]) for r in rows.fetchall())
