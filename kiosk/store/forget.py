"""Forget me, for good: delete a person everywhere in this data dir and remember only their uid.

A forget deletes every row about the person, rewrites the file so the bytes are gone, and leaves
a tombstone: the person's stable uid (random, linked to nothing once the person is gone) in the
``tombstones`` table and in a side file, ``<data_dir>/tombstones``, that no restore replaces.
Whenever a database is opened, restored or synced, everyone whose uid has a tombstone is deleted
again, so no restore (of any backup, in any order), bundle or chain sync brings them back. The
copy a restore sets aside (``kiosk.db.before-restore``) is purged at every forget too.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from kiosk.errors import StoreError
from kiosk.store.db import DB_NAME, Store, utc_now
from kiosk.store.people_records import ForgetReport

log = logging.getLogger(__name__)

FORGET = "forget"
TOMBSTONE_FILE = "tombstones"
BEFORE_RESTORE = DB_NAME + ".before-restore"


def forget_person(store: Store, person_id: int, staff: str, compact: bool = True) -> ForgetReport:
    """Delete everything about a person, leave a tombstone, then rewrite the file.

    Every table with a foreign key to people is cleared explicitly (the schema's ON DELETE
    CASCADE also covers rows that reference those rows: events of their visits, rewards). The
    audit row names the person by id only; `kiosk.store.restore` replays these rows.

    Args:
        store: the open database.
        person_id: the local id.
        staff: who asked (audited).
        compact: VACUUM afterwards (callers forgetting many people at once compact once).
    """
    deleted: list[tuple[str, int]] = []
    with store.atomic() as db:
        row = db.execute("SELECT uid FROM people WHERE id = ?", [person_id]).fetchone()
        uid = None if row is None else str(row[0])
        for table, column in _tables_referencing_people(store):
            cursor = db.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', [person_id])
            deleted.append((table, int(cursor.rowcount)))
        db.execute("DELETE FROM people WHERE id = ?", [person_id])
        deleted.append(("people", 1))
        if uid is not None:
            db.execute(
                "INSERT OR IGNORE INTO tombstones (uid, person_id, forgotten_at) VALUES (?, ?, ?)",
                [uid, person_id, utc_now()],
            )
        db.table("audit").insert(
            {"at": utc_now(), "staff": staff, "action": FORGET, "detail": f"person {person_id}"}
        )
    log.info("forgot person %d", person_id)
    if uid is not None and store.path.name == DB_NAME:
        append_sidecar(store.path.parent, (uid,))
        purge_set_aside_copy(store.path.parent, frozenset({uid}), staff)
    if compact:
        try:
            store.compact()
        except StoreError as exc:  # deleted and committed: say so, and why not rewritten
            log.warning(
                "person %d forgotten, but the database was not compacted: %s", person_id, exc
            )
            return ForgetReport(person_id, tuple(deleted), str(exc))
    return ForgetReport(person_id, tuple(deleted))


def _tables_referencing_people(store: Store) -> list[tuple[str, str]]:
    rows = store.db.execute(
        'SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f '
        "WHERE m.type = 'table' AND f.\"table\" = 'people' ORDER BY m.name"
    ).fetchall()
    return [(str(t), str(c)) for t, c in rows]


def sidecar_path(data_dir: Path) -> Path:
    """The side file of tombstones (one uid a line, owner-only)."""
    return data_dir / TOMBSTONE_FILE


def read_sidecar(data_dir: Path) -> frozenset[str]:
    """The uids in the side file (none if it does not exist)."""
    path = sidecar_path(data_dir)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return frozenset()
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"tombstone file {path} cannot be read: {exc}") from exc
    return frozenset(u for line in text.splitlines() if (u := line.strip()))


def append_sidecar(data_dir: Path, uids: tuple[str, ...]) -> None:
    """Append uids to the side file (created 0600), flushed to disk."""
    if not uids:
        return
    path = sidecar_path(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as handle:
            handle.write("".join(f"{u}\n" for u in uids))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise StoreError(f"tombstone file {path} cannot be written: {exc.strerror}") from exc


def tombstoned(store: Store) -> frozenset[str]:
    """Every uid this database has a tombstone for."""
    rows = store.db.execute("SELECT uid FROM tombstones").fetchall()
    return frozenset(str(r[0]) for r in rows)


def add_tombstones(store: Store, uids: frozenset[str], pushed: bool) -> None:
    """Record tombstones that came from elsewhere (side file, chain); present people stay."""
    if not uids:
        return  # no write transaction: opening a locked or read-only database stays possible
    now = utc_now()
    with store.atomic() as db:
        for uid in sorted(uids):
            db.execute(
                "INSERT OR IGNORE INTO tombstones (uid, forgotten_at, pushed) VALUES (?, ?, ?)",
                [uid, now, int(pushed)],
            )


def apply_tombstones(store: Store, staff: str = "tombstone") -> tuple[int, ...]:
    """Bring table and side file together, then forget everyone present who has a tombstone.

    Returns the local ids forgotten (usually none).
    """
    data_dir = store.path.parent
    on_file = read_sidecar(data_dir) if store.path.name == DB_NAME else frozenset()
    in_db = tombstoned(store)
    add_tombstones(store, on_file - in_db, pushed=False)
    if store.path.name == DB_NAME:
        append_sidecar(data_dir, tuple(sorted(in_db - on_file)))
        purge_set_aside_copy(data_dir, on_file | in_db, staff)
    return forget_tombstoned(store, staff)


def forget_tombstoned(store: Store, staff: str) -> tuple[int, ...]:
    """Forget every present person whose uid has a tombstone (one VACUUM at the end)."""
    rows = store.db.execute(
        "SELECT p.id FROM people p JOIN tombstones t ON t.uid = p.uid ORDER BY p.id"
    ).fetchall()
    ids = tuple(int(r[0]) for r in rows)
    for person_id in ids:
        forget_person(store, person_id, staff, compact=False)
    if ids:
        try:
            store.compact()
        except StoreError as exc:
            log.warning("forgotten again, but the database was not compacted: %s", exc)
        log.warning("forgot %d people again who had been forgotten before", len(ids))
    return ids


def purge_set_aside_copy(data_dir: Path, uids: frozenset[str], staff: str) -> None:
    """Forget these people in `kiosk.db.before-restore` too, if a restore left one."""
    copy = data_dir / BEFORE_RESTORE
    if not uids or not copy.is_file():
        return
    try:
        other = Store(copy)
    except StoreError:
        log.warning("%s cannot be opened to forget there too; delete it", copy.name)
        return
    try:
        add_tombstones(other, uids, pushed=True)
        forget_tombstoned(other, staff)
    finally:
        other.close()
