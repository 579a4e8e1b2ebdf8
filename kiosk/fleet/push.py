"""Push: what this kiosk did since the last sync, sealed, in batches of one transaction each.

Each batch takes the chain's change clock, writes with upserts keyed by uids minted at the
origin, commits, and only then marks the rows pushed locally. A kill or a lost server between
the commit and the mark pushes them again next time, and the upserts ignore them: exactly once.
People's attributes are last-writer-wins by their edit clock; when the chain holds a newer edit
than the one pushed, it comes back at once and replaces the local one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import psycopg

from kiosk.fleet import central
from kiosk.fleet.central import Row
from kiosk.fleet.keys import pack_template
from kiosk.fleet.local import LocalKiosk
from kiosk.store.chain_records import OutPerson, PersonAttrs

log = logging.getLogger(__name__)

OnBatch = Callable[[str, int], None]

_PEOPLE = (
    "INSERT INTO fleet.people (uid, seq, sealed, attrs_at, attrs_by, origin) "
    "VALUES (%s, 0, %s, %s, %s, %s) ON CONFLICT (uid) DO UPDATE SET sealed = EXCLUDED.sealed, "
    "attrs_at = EXCLUDED.attrs_at, attrs_by = EXCLUDED.attrs_by, origin = EXCLUDED.origin "
    "WHERE (fleet.people.attrs_at, fleet.people.attrs_by) < (EXCLUDED.attrs_at, EXCLUDED.attrs_by)"
)
_OWNED = (
    "INSERT INTO fleet.{table} (uid, person_uid, seq, {extra}sealed, origin) "
    "VALUES (%s, %s, 0, {marks}%s, %s) ON CONFLICT (uid) DO NOTHING"
)


def seal_person(local: LocalKiosk, a: PersonAttrs) -> bytes:
    """A person's attributes sealed, bound to their uid and edit clock."""
    body = {
        "name": a.name,
        "preferences": a.preferences_json,
        "keep_photos": a.keep_photos,
        "created_at": a.created_at,
    }
    return local.sealer.seal_json(body, "person", a.uid, a.attrs_at, a.attrs_by)


def push_tombstones(conn: psycopg.Connection[Row], local: LocalKiosk) -> int:
    """Tell the chain whom this kiosk forgot (the chain deletes them everywhere)."""
    uids = local.outbox.unpushed_tombstones()
    if not uids:
        return 0
    with central.translated(), conn.transaction():
        for uid in uids:
            conn.execute("SELECT fleet.forget(%s)", [uid])
    local.outbox.mark_tombstones_pushed(uids)
    return len(uids)


def push_people(
    conn: psycopg.Connection[Row], local: LocalKiosk, batch: int, on_batch: OnBatch
) -> int:
    """Push changed attributes; apply at once any newer edit the chain holds."""
    total = 0
    while people := local.outbox.dirty_people(batch):
        rows = [
            (
                p.attrs.uid,
                seal_person(local, p.attrs),
                p.attrs.attrs_at,
                p.attrs.attrs_by,
                local.member.kiosk_id,
            )
            for p in people
        ]
        with central.translated(), conn.transaction():
            central.begin_push(conn)
            central.executemany(conn, _PEOPLE, rows)
            winners = _newer_in_chain(conn, local, people)
        local.outbox.mark_people_pushed(people)
        if winners:
            local.inbox.people_attrs(winners, None)
        total += len(people)
        on_batch("people", total)
    return total


def _newer_in_chain(
    conn: psycopg.Connection[Row], local: LocalKiosk, people: tuple[OutPerson, ...]
) -> list[PersonAttrs]:
    from kiosk.fleet.pull import open_person  # the same decoding as a pull

    pushed = {p.attrs.uid: p.attrs for p in people}
    rows = conn.execute(
        "SELECT uid, sealed, attrs_at, attrs_by FROM fleet.people WHERE uid = ANY(%s)",
        [list(pushed)],
    ).fetchall()
    chain = [open_person(local, r) for r in rows]
    return [a for a in chain if a.newer_than(pushed[a.uid])]


def push_templates(
    conn: psycopg.Connection[Row], local: LocalKiosk, batch: int, on_batch: OnBatch
) -> int:
    """Push new templates (sealed float32 vectors with their source and quality)."""
    query = _OWNED.format(table="templates", extra="model_key, ", marks="%s, ")
    total = 0
    while templates := local.outbox.unsynced_templates(batch):
        rows = [
            (
                t.uid,
                t.person_uid,
                t.model_key,
                local.sealer.seal(
                    pack_template(t.source, t.quality, t.vector),
                    "template",
                    t.uid,
                    t.person_uid,
                    t.model_key,
                ),
                local.member.kiosk_id,
            )
            for t in templates
        ]
        _write_owned(conn, local, "templates", query, rows=rows, uids=[t.uid for t in templates])
        total += len(templates)
        on_batch("templates", total)
    return total


def push_consents_and_photos(
    conn: psycopg.Connection[Row], local: LocalKiosk, batch: int, on_batch: OnBatch
) -> tuple[int, int]:
    """Push consent records and kept photos (both sealed)."""
    query = _OWNED.format(table="consents", extra="", marks="")
    consents = 0
    while found := local.outbox.unsynced_consents(batch):
        rows = [
            (
                c.uid,
                c.person_uid,
                local.sealer.seal_json(
                    [c.scope, c.staff, c.method, c.given_at, c.withdrawn_at],
                    "consent",
                    c.uid,
                    c.person_uid,
                ),
                local.member.kiosk_id,
            )
            for c in found
        ]
        _write_owned(conn, local, "consents", query, rows=rows, uids=[c.uid for c in found])
        consents += len(found)
        on_batch("consents", consents)
    photos = 0
    query = _OWNED.format(table="photos", extra="", marks="")
    while kept := local.outbox.unsynced_photos(max(1, batch // 20)):
        rows = [
            (
                f.uid,
                f.person_uid,
                local.sealer.seal(f.jpeg, "photo", f.uid, f.person_uid),
                local.member.kiosk_id,
            )
            for f in kept
        ]
        _write_owned(conn, local, "photos", query, rows=rows, uids=[f.uid for f in kept])
        photos += len(kept)
        on_batch("photos", photos)
    return consents, photos


def _write_owned(
    conn: psycopg.Connection[Row],
    local: LocalKiosk,
    table: str,
    query: str,
    *,
    rows: Sequence[Row],
    uids: list[str],
) -> None:
    """One batch of rows a person owns, in one transaction; marked pushed only once committed."""
    with central.translated(), conn.transaction():
        central.begin_push(conn)
        central.executemany(conn, query, rows)
    local.outbox.mark_synced(table, uids)
