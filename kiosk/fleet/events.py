"""Push visits, impressions and rewards (exactly once), and share the learner's statistics.

LinUCB keeps additive statistics per arm (``A = ridge * I + sum x x^T``, ``b = sum r x``), so
the chain's learner is the sum of every kiosk's own part. Each kiosk's global state is
``ridge * I + own + others``, where ``others`` (kept as the ``chain:others`` learner scope) is
what it last pulled; its own part is therefore ``global - ridge * I - others``. A sync pushes
the own part (an upsert of absolute sums: idempotent), pulls the other kiosks' parts, and swaps
them into the global state in one local transaction, keeping updates made meanwhile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import psycopg

from kiosk.fleet import central
from kiosk.fleet.central import Row
from kiosk.fleet.local import LocalKiosk
from kiosk.fleet.push import OnBatch

_VISIT = (
    "INSERT INTO fleet.visits (uid, kiosk_id, person_uid, started_at, ended_at) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (uid) DO UPDATE SET "
    "person_uid = EXCLUDED.person_uid, ended_at = EXCLUDED.ended_at"
)
_IMPRESSION = (
    "INSERT INTO fleet.impressions (uid, kiosk_id, person_uid, visit_uid, at, sku, position, "
    "policy, propensity, context) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (uid) DO NOTHING"
)
_REWARD = (
    "INSERT INTO fleet.rewards (uid, kiosk_id, impression_uid, person_uid, at, kind, value) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (uid) DO NOTHING"
)
Arms = dict[str, dict[str, Any]]


def push_events(
    conn: psycopg.Connection[Row], local: LocalKiosk, batch: int, on_batch: OnBatch
) -> tuple[int, int, int]:
    """Push visits (again when they change), impressions and rewards; returns the counts."""
    me = local.member.kiosk_id
    out = local.outbox
    visits = impressions = rewards = 0
    while found := out.unsynced_visits(batch):
        seen = [(v.uid, me, v.person_uid, v.started_at, v.ended_at) for v in found]
        _write(conn, _VISIT, seen)
        out.mark_visits_synced(found)
        visits += len(found)
        on_batch("visits", visits)
    while shown := out.unsynced_impressions(batch):
        logged = [
            (
                i.uid,
                me,
                i.person_uid,
                i.visit_uid,
                i.at,
                i.sku,
                i.position,
                i.policy,
                i.propensity,
                i.context_json,
            )
            for i in shown
        ]
        _write(conn, _IMPRESSION, logged)
        out.mark_synced("impressions", [i.uid for i in shown])
        impressions += len(shown)
        on_batch("impressions", impressions)
    while earned := out.unsynced_rewards(batch):
        paid = [(r.uid, me, r.impression_uid, r.person_uid, r.at, r.kind, r.value) for r in earned]
        _write(conn, _REWARD, paid)
        out.mark_synced("rewards", [r.uid for r in earned])
        rewards += len(earned)
        on_batch("rewards", rewards)
    return visits, impressions, rewards


def _write(conn: psycopg.Connection[Row], query: str, rows: Sequence[Row]) -> None:
    with central.translated(), conn.transaction():
        central.begin_push(conn)  # serialised with forgets: no event of a forgotten person
        central.executemany(conn, query, rows)


def exchange_learner(conn: psycopg.Connection[Row], local: LocalKiosk) -> int:
    """Push this kiosk's own statistics, merge the others'; returns how many kiosks were summed."""
    state, base = local.outbox.learner_states()
    model = _load(state)
    others_before = _load_base(base, model)
    own = _subtract(model, others_before)
    digest = hashlib.sha256(json.dumps(own, sort_keys=True).encode()).hexdigest()
    me = local.member.kiosk_id
    with central.translated(), conn.transaction():
        if own["arms"] and digest != local.outbox.get("learner_pushed"):
            conn.execute(
                "INSERT INTO fleet.learner_stats (kiosk_id, state) VALUES (%s, %s) "
                "ON CONFLICT (kiosk_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()",
                [me, json.dumps(own).encode()],
            )
        rows = conn.execute(
            "SELECT state FROM fleet.learner_stats WHERE kiosk_id <> %s ORDER BY kiosk_id", [me]
        ).fetchall()
    local.outbox.put("learner_pushed", digest)
    others = _empty(model)
    used = 0
    for (blob,) in rows:
        theirs = json.loads(bytes(blob))
        if theirs.get("features") == model["features"]:
            _add(others["arms"], theirs["arms"], 1.0)
            used += 1

    def merge(now_state: bytes | None, now_base: bytes | None) -> tuple[bytes, bytes]:
        current = _load(now_state)
        mine = _subtract(current, _load_base(now_base, current), keep_ridge=True)
        return json.dumps(_add_model(mine, others)).encode(), json.dumps(others).encode()

    if others != others_before or (base is None and others["arms"]):
        local.outbox.update_learner(merge)
    return used


def _load(blob: bytes | None) -> dict[str, Any]:
    if blob is None:
        from kiosk.recommend.linucb import LinUCB

        return dict(json.loads(LinUCB().to_bytes()))
    return dict(json.loads(blob))


def _empty(model: dict[str, Any]) -> dict[str, Any]:
    return {"features": model["features"], "ridge": model.get("ridge", 1.0), "arms": {}}


def _load_base(blob: bytes | None, model: dict[str, Any]) -> dict[str, Any]:
    return _empty(model) if blob is None else dict(json.loads(blob))


def _subtract(
    model: dict[str, Any], others: dict[str, Any], keep_ridge: bool = False
) -> dict[str, Any]:
    """`model` minus the other kiosks' part (and minus the ridge prior unless `keep_ridge`)."""
    out = dict(model)
    arms: Arms = {}
    ridge = float(model.get("ridge", 1.0))
    for name, arm in model["arms"].items():
        a = np.array(arm["A"], dtype=np.float64)
        if not keep_ridge:
            a -= ridge * np.eye(a.shape[0])
        b = np.array(arm["b"], dtype=np.float64)
        n = int(arm["n"])
        theirs = others["arms"].get(name)
        if theirs is not None and len(theirs["b"]) == b.size:
            a -= np.array(theirs["A"])
            b -= np.array(theirs["b"])
            n -= int(theirs["n"])
        arms[name] = {"A": a.tolist(), "b": b.tolist(), "n": max(n, 0)}
    out["arms"] = arms
    return out


def _add(into: Arms, arms: Arms, sign: float) -> None:
    for name, arm in arms.items():
        a, b = np.array(arm["A"], dtype=np.float64), np.array(arm["b"], dtype=np.float64)
        if name in into:
            a = a * sign + np.array(into[name]["A"])
            b = b * sign + np.array(into[name]["b"])
            n = int(into[name]["n"]) + int(arm["n"])
        else:
            a, b, n = a * sign, b * sign, int(arm["n"])
        into[name] = {"A": a.tolist(), "b": b.tolist(), "n": n}


def _add_model(model: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The own state (with its ridge prior) plus the others' part; new arms get the prior."""
    out = dict(model)
    arms: Arms = {k: dict(v) for k, v in model["arms"].items()}
    ridge = float(model.get("ridge", 1.0))
    dim = len(model["features"])
    for name in others["arms"]:
        if name not in arms:
            arms[name] = {"A": (ridge * np.eye(dim)).tolist(), "b": [0.0] * dim, "n": 0}
    _add(arms, others["arms"], 1.0)
    out["arms"] = arms
    return out
