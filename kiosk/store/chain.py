"""The kiosk's side of the chain sync: membership, cursors, and what waits to be pushed.

The sync reads rows that are not yet pushed (``synced = 0``, ``pushed_rev < rev``, tombstones
with ``pushed = 0``), sends them, and only then marks them, each mark conditional on the row not
having changed meanwhile. A kill between the central commit and the local mark sends them again,
which the central upserts ignore: every row is applied exactly once. What arrives from the chain
is applied by `kiosk.store.chain_apply`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from kiosk.store.chain_records import (
    ConsentOut,
    ImpressionOut,
    Membership,
    OutPerson,
    Pending,
    PersonAttrs,
    PhotoRecord,
    RewardOut,
    TemplateRecord,
    VisitOut,
)
from kiosk.store.crypto import Sealed, Vault
from kiosk.store.db import Store, utc_now
from kiosk.store.sealed_rows import MEAN, template_context

GLOBAL_SCOPE = "global"
BASE_SCOPE = "chain:others"  # the other kiosks' learner statistics merged into the global one
Merged = tuple[bytes, bytes]


class ChainOutbox:
    """Membership, cursors and the rows waiting to be pushed, in one kiosk database."""

    def __init__(self, store: Store, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    # membership and cursors -------------------------------------------------------------
    def membership(self) -> Membership | None:
        """The chain this kiosk joined, or None."""
        row = self.store.db.execute(
            "SELECT chain_id, kiosk_id, kiosk_name, store_name, joined_at FROM chain_membership"
        ).fetchone()
        return None if row is None else Membership(*(str(v) for v in row))

    def set_membership(self, member: Membership) -> None:
        """Record the chain joined (once; the kiosk's own attribute edits now carry its id)."""
        with self.store.atomic() as db:
            db.execute(
                "INSERT INTO chain_membership (id, chain_id, kiosk_id, kiosk_name, store_name, "
                "joined_at) VALUES (1, ?, ?, ?, ?, ?)",
                [
                    member.chain_id,
                    member.kiosk_id,
                    member.kiosk_name,
                    member.store_name,
                    member.joined_at,
                ],
            )
            db.execute("UPDATE people SET attrs_by = ? WHERE attrs_by = ''", [member.kiosk_id])

    def get(self, name: str, default: str = "") -> str:
        """A sync state value (cursor, last sync time)."""
        row = self.store.db.execute("SELECT value FROM sync_state WHERE name = ?", [name])
        found = row.fetchone()
        return default if found is None else str(found[0])

    def put(self, name: str, value: str) -> None:
        """Set a sync state value (inside the caller's transaction if there is one)."""
        with self.store.atomic() as db:
            db.execute(
                "INSERT INTO sync_state (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                [name, value],
            )

    # tombstones ----------------------------------------------------------------------------
    def unpushed_tombstones(self) -> tuple[str, ...]:
        """Uids forgotten here and not yet told to the chain."""
        rows = self.store.db.execute("SELECT uid FROM tombstones WHERE pushed = 0 ORDER BY uid")
        return tuple(str(r[0]) for r in rows.fetchall())

    def mark_tombstones_pushed(self, uids: Iterable[str]) -> None:
        """The chain has these tombstones."""
        with self.store.atomic() as db:
            for uid in uids:
                db.execute("UPDATE tombstones SET pushed = 1 WHERE uid = ?", [uid])

    # people --------------------------------------------------------------------------------
    def dirty_people(self, limit: int) -> tuple[OutPerson, ...]:
        """People whose attributes changed since the last push (oldest first)."""
        rows = self.store.db.execute(
            "SELECT id, rev, uid, display_name, preferences, keep_photos, created_at, attrs_at, "
            "attrs_by FROM people WHERE pushed_rev < rev ORDER BY id LIMIT ?",
            [limit],
        ).fetchall()
        mine = self._kiosk_id()
        return tuple(
            OutPerson(
                int(r[0]),
                int(r[1]),
                PersonAttrs(r[2], r[3], r[4], bool(r[5]), r[6], r[7], r[8] or mine),
            )
            for r in rows
        )

    def mark_people_pushed(self, people: Iterable[OutPerson]) -> None:
        """Mark pushed, unless a person changed again meanwhile."""
        with self.store.atomic() as db:
            for p in people:
                db.execute(
                    "UPDATE people SET pushed_rev = ? WHERE id = ? AND rev = ?",
                    [p.rev, p.local_id, p.rev],
                )

    def unsynced_templates(self, limit: int) -> tuple[TemplateRecord, ...]:
        """Templates not yet pushed, of people pushed at least once (means stay local)."""
        rows = self.store.db.execute(
            "SELECT t.uid, p.uid, t.person_id, t.model_key, t.source, t.quality, t.nonce, "
            "t.ciphertext FROM templates t JOIN people p ON p.id = t.person_id "
            "WHERE t.synced = 0 AND t.source != ? AND p.pushed_rev > 0 ORDER BY t.id LIMIT ?",
            [MEAN, limit],
        ).fetchall()
        out = []
        for uid, puid, pid, key, source, quality, nonce, ciphertext in rows:
            vector = self.vault.open_vector(Sealed(nonce, ciphertext), template_context(pid, key))
            out.append(TemplateRecord(uid, puid, key, source, float(quality), vector))
        return tuple(out)

    def unsynced_consents(self, limit: int) -> tuple[ConsentOut, ...]:
        """Consents not yet pushed, of people pushed at least once."""
        rows = self.store.db.execute(
            "SELECT c.uid, p.uid, c.scope, c.staff, c.method, c.given_at, c.withdrawn_at "
            "FROM consents c JOIN people p ON p.id = c.person_id "
            "WHERE c.synced = 0 AND p.pushed_rev > 0 ORDER BY c.id LIMIT ?",
            [limit],
        ).fetchall()
        return tuple(ConsentOut(*r) for r in rows)

    def unsynced_photos(self, limit: int) -> tuple[PhotoRecord, ...]:
        """Kept photos not yet pushed (decrypted), of people pushed at least once."""
        rows = self.store.db.execute(
            "SELECT f.uid, p.uid, f.person_id, f.nonce, f.ciphertext, f.created_at "
            "FROM photos f JOIN people p ON p.id = f.person_id "
            "WHERE f.synced = 0 AND p.pushed_rev > 0 ORDER BY f.id LIMIT ?",
            [limit],
        ).fetchall()
        return tuple(
            PhotoRecord(uid, puid, self.vault.open(Sealed(n, c), f"photo:{pid}"), at)
            for uid, puid, pid, n, c, at in rows
        )

    def mark_synced(self, table: str, uids: Iterable[str]) -> None:
        """Mark rows of a minted table pushed."""
        if table not in {"templates", "consents", "photos", "impressions", "rewards"}:
            raise ValueError(f"not a table with minted uids: {table}")
        with self.store.atomic() as db:
            for uid in uids:
                db.execute(f"UPDATE {table} SET synced = 1 WHERE uid = ?", [uid])

    # events --------------------------------------------------------------------------------
    def unsynced_visits(self, limit: int) -> tuple[VisitOut, ...]:
        """Visits new or changed since the last push."""
        rows = self.store.db.execute(
            "SELECT v.uid, p.uid, v.started_at, v.ended_at FROM visits v "
            "LEFT JOIN people p ON p.id = v.person_id WHERE v.synced = 0 ORDER BY v.id LIMIT ?",
            [limit],
        ).fetchall()
        return tuple(VisitOut(*r) for r in rows)

    def mark_visits_synced(self, visits: Iterable[VisitOut]) -> None:
        """Mark visits pushed, unless they changed meanwhile (a visit that ended since)."""
        with self.store.atomic() as db:
            for v in visits:
                db.execute(
                    "UPDATE visits SET synced = 1 WHERE uid = ? AND ended_at = ? AND "
                    "person_id IS (SELECT id FROM people WHERE uid = ?)",
                    [v.uid, v.ended_at, v.person_uid],
                )

    def unsynced_impressions(self, limit: int) -> tuple[ImpressionOut, ...]:
        """Impressions not yet pushed."""
        rows = self.store.db.execute(
            "SELECT i.uid, p.uid, v.uid, i.at, i.sku, i.position, i.policy, i.propensity, "
            "i.context FROM impressions i LEFT JOIN people p ON p.id = i.person_id "
            "LEFT JOIN visits v ON v.id = i.visit_id WHERE i.synced = 0 ORDER BY i.id LIMIT ?",
            [limit],
        ).fetchall()
        return tuple(ImpressionOut(*r) for r in rows)

    def unsynced_rewards(self, limit: int) -> tuple[RewardOut, ...]:
        """Rewards not yet pushed (with their impression's uid)."""
        rows = self.store.db.execute(
            "SELECT r.uid, i.uid, p.uid, r.at, r.kind, r.value FROM rewards r "
            "JOIN impressions i ON i.id = r.impression_id LEFT JOIN people p "
            "ON p.id = i.person_id WHERE r.synced = 0 ORDER BY r.id LIMIT ?",
            [limit],
        ).fetchall()
        return tuple(RewardOut(*r) for r in rows)

    # learner -------------------------------------------------------------------------------
    def learner_states(self) -> tuple[bytes | None, bytes | None]:
        """The global learner state and the part of it that came from other kiosks."""
        return self._state(GLOBAL_SCOPE), self._state(BASE_SCOPE)

    def update_learner(self, merge: Callable[[bytes | None, bytes | None], Merged]) -> None:
        """Rewrite the global learner state and its other-kiosks part in one transaction.

        `merge(global, others)` gets both as they are now (the kiosk may have learned since
        the sync last read them) and returns the new pair.
        """
        with self.store.atomic() as db:
            new_global, base = merge(self._state(GLOBAL_SCOPE), self._state(BASE_SCOPE))
            now = utc_now()
            for scope, state in ((GLOBAL_SCOPE, new_global), (BASE_SCOPE, base)):
                db.execute(
                    "INSERT INTO learner_state (scope, person_id, policy, state, updated_at, rev) "
                    "VALUES (?, NULL, 'bandit', ?, ?, 1) ON CONFLICT(scope) DO UPDATE SET "
                    "state = excluded.state, updated_at = excluded.updated_at, rev = rev + 1",
                    [scope, state, now],
                )

    def _state(self, scope: str) -> bytes | None:
        row = self.store.db.execute(
            "SELECT state FROM learner_state WHERE scope = ?", [scope]
        ).fetchone()
        return None if row is None else bytes(row[0])

    def state_rev(self, scope: str) -> int:
        """Revision of a learner state row (0: none)."""
        row = self.store.db.execute("SELECT rev FROM learner_state WHERE scope = ?", [scope])
        found = row.fetchone()
        return 0 if found is None else int(found[0])

    # status --------------------------------------------------------------------------------
    def pending(self) -> Pending:
        """Counts of what waits to be pushed."""
        db = self.store.db

        def count(sql: str) -> int:
            return int(db.execute(sql).fetchone()[0])

        pushed = "JOIN people p ON p.id = x.person_id AND p.pushed_rev > 0 WHERE x.synced = 0"
        return Pending(
            tombstones=count("SELECT count(*) FROM tombstones WHERE pushed = 0"),
            people=count("SELECT count(*) FROM people WHERE pushed_rev < rev"),
            templates=count(f"SELECT count(*) FROM templates x {pushed} AND x.source != 'mean'"),
            consents=count(f"SELECT count(*) FROM consents x {pushed}"),
            photos=count(f"SELECT count(*) FROM photos x {pushed}"),
            visits=count("SELECT count(*) FROM visits WHERE synced = 0"),
            impressions=count("SELECT count(*) FROM impressions WHERE synced = 0"),
            rewards=count("SELECT count(*) FROM rewards WHERE synced = 0"),
        )

    def _kiosk_id(self) -> str:
        member = self.membership()
        return "" if member is None else member.kiosk_id


def summary_json(values: dict[str, int]) -> str:
    """Compact JSON of counts (for `sync_state`)."""
    return json.dumps(values, sort_keys=True)
