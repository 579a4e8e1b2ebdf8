from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kiosk.config import PathsConfig
from kiosk.errors import CryptoError, InputError, ModelMismatchError, UnknownPersonError
from kiosk.store.people import (
    Consent,
    EnrolRequest,
    NewTemplate,
    PeopleStore,
    open_people,
)
from kiosk.store.retention import purge_unknown

KEY_A, KEY_B = "a" * 64, "b" * 64
NAME = "Zebediah Quuxworth"
STAFF = Consent("staff-anna", "recognition,personalisation")


def vectors(n: int, seed: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    return tuple(
        NewTemplate(rng.normal(0, 0.1, 128).astype(np.float32), "camera") for _ in range(n)
    )


@pytest.fixture
def people(tmp_path: Path) -> Iterator[PeopleStore]:
    store = open_people(PathsConfig(data_dir=tmp_path), retention_days=None)
    yield store
    store.close()


def enrol(people: PeopleStore, name: str = NAME, n: int = 3, seed: int = 0) -> int:
    return people.enrol(EnrolRequest(STAFF, KEY_A, vectors(n, seed), name=name))


def raw_bytes(people: PeopleStore) -> bytes:
    path = people.store.path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_enrol_builds_a_gallery_with_a_mean_template(people: PeopleStore) -> None:
    pid = enrol(people)
    other = enrol(people, "Other", n=1, seed=1)
    gallery = people.gallery(KEY_A)
    assert gallery.size == 3 + 1 + 1  # three captures and their mean; one capture, no mean
    assert dict(gallery.names) == {pid: NAME, other: "Other"}
    assert gallery.templates.dtype == np.float32 and not gallery.templates.flags.writeable
    probe = vectors(3, 0)[1].vector
    assert gallery.nearest(probe, k=1)[0].person_id == pid
    assert gallery.nearest(probe, k=1)[0].distance == pytest.approx(0.0, abs=1e-3)
    detail = people.detail(pid)
    assert detail.model_keys == (KEY_A,)
    assert detail.consents[0].staff == "staff-anna"


def test_re_enrolling_adds_captures_to_the_same_person(people: PeopleStore) -> None:
    pid = enrol(people)
    again = people.enrol(EnrolRequest(STAFF, KEY_A, vectors(2, 5), person_id=pid))
    assert again == pid
    assert [p.id for p in people.list_people()] == [pid]
    assert people.summary(pid).templates == 3 + 2 + 1  # one mean, recomputed
    assert len(people.detail(pid).consents) == 2
    with pytest.raises(UnknownPersonError):
        people.enrol(EnrolRequest(STAFF, KEY_A, vectors(1, 0), person_id=999))
    with pytest.raises(InputError):
        people.enrol(EnrolRequest(STAFF, KEY_A, (), name="Nobody"))


def test_a_failure_half_way_leaves_no_half_enrolled_person(
    people: PeopleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    original = PeopleStore._insert_template

    def failing(self: PeopleStore, *args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk unplugged")
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PeopleStore, "_insert_template", failing)
    with pytest.raises(OSError, match="unplugged"):
        enrol(people)
    for table in ("people", "consents", "templates", "audit"):
        assert people.store.db.table(table).count == 0, table


def test_templates_are_not_readable_without_the_key(tmp_path: Path) -> None:
    people = open_people(PathsConfig(data_dir=tmp_path), retention_days=None)
    templates = vectors(3, 7)
    enrol(people)
    people.enrol(EnrolRequest(STAFF, KEY_A, templates, name="B"))
    data = raw_bytes(people)
    for t in templates:
        assert t.vector.astype("<f4").tobytes() not in data
        assert t.vector[:8].astype("<f4").tobytes() not in data
    people.close()
    (tmp_path / "kiosk.key").unlink()
    with pytest.raises(CryptoError, match="is missing"):
        open_people(PathsConfig(data_dir=tmp_path), None)


def test_templates_of_two_models_are_never_mixed(people: PeopleStore) -> None:
    enrol(people)
    with pytest.raises(ModelMismatchError) as info:
        people.gallery(KEY_B)
    assert KEY_A in str(info.value) and KEY_B in str(info.value)
    with pytest.raises(ModelMismatchError):
        people.enrol(EnrolRequest(STAFF, KEY_B, vectors(1, 3), name="New"))
    assert len(people.list_people()) == 1


def test_every_table_referencing_people_cascades(people: PeopleStore) -> None:
    rows = people.store.db.execute(
        "SELECT m.name, f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND f.\"table\" = 'people'"
    ).fetchall()
    assert rows and all(on_delete == "CASCADE" for _, on_delete in rows), rows


def test_forget_deletes_everything_and_the_bytes(people: PeopleStore) -> None:
    pid = enrol(people)
    keep = enrol(people, "Keeper", seed=3)
    db = people.store.db
    now = "2030-01-01T00:00:00+00:00"
    visit = db.table("visits").insert({"person_id": pid, "started_at": now, "ended_at": now})
    db.table("events").insert({"at": now, "kind": "tap", "person_id": pid})
    db.table("events").insert({"at": now, "kind": "tap", "visit_id": visit.last_pk})
    db.table("learner_state").insert(
        {"scope": f"person:{pid}", "person_id": pid, "policy": "linucb"}
        | {"state": b"x", "updated_at": now}
    )
    ciphertexts = [
        r[0] for r in db.execute("SELECT ciphertext FROM templates WHERE person_id=?", [pid])
    ]
    assert NAME.encode() in raw_bytes(people)

    report = people.forget(pid, "staff-bob")

    assert dict(report.deleted)["templates"] == 4

    def count(table: str) -> int:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    assert (count("people"), count("templates"), count("consents")) == (1, 4, 1)  # the keeper
    for table in ("visits", "events", "learner_state"):
        assert count(table) == 0, table
    assert people.summary(keep).templates == 4
    data = raw_bytes(people)
    assert NAME.encode() not in data
    assert all(c not in data for c in ciphertexts)
    audit = db.execute("SELECT staff, action, detail FROM audit WHERE action='forget'").fetchall()
    assert audit == [("staff-bob", "forget", f"person {pid}")]
    assert people.store.integrity().ok
    with pytest.raises(UnknownPersonError):
        people.forget(pid, "staff-bob")


def test_audit_never_holds_a_name(people: PeopleStore) -> None:
    pid = enrol(people)
    people.rename(pid, "Renamed Person", "staff-anna")
    assert people.summary(pid).name == "Renamed Person"
    details = " ".join(r[0] for r in people.store.db.execute("SELECT detail FROM audit"))
    assert NAME not in details and "Renamed" not in details


def test_purge_removes_only_old_unknown_visitor_data(people: PeopleStore) -> None:
    pid = enrol(people)
    db = people.store.db
    old, new = "2024-01-01T10:00:00+00:00", "2024-01-09T10:00:00+00:00"
    for person, at in ((None, old), (None, new), (pid, old)):
        visit = db.table("visits").insert({"person_id": person, "started_at": at, "ended_at": at})
        db.table("events").insert(
            {"at": at, "kind": "reaction", "person_id": person, "visit_id": visit.last_pk}
        )
    db.table("events").insert({"at": old, "kind": "reaction"})  # unknown, no visit

    report = purge_unknown(people.store, 7, now=datetime(2024, 1, 10, tzinfo=UTC))

    assert (report.visits, report.events) == (1, 2)
    assert report.cutoff == "2024-01-03T00:00:00+00:00"
    left = db.execute("SELECT person_id, started_at FROM visits ORDER BY id").fetchall()
    assert left == [(None, new), (pid, old)]
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_open_people_purges_on_open(tmp_path: Path) -> None:
    paths = PathsConfig(data_dir=tmp_path)
    people = open_people(paths, None)
    at = "2000-01-01T00:00:00+00:00"
    people.store.db.table("visits").insert({"started_at": at, "ended_at": at})
    people.close()
    people = open_people(paths, 7)
    assert people.store.db.table("visits").count == 0
    people.close()


def test_person_ids_are_never_reused_and_each_person_has_a_uuid(people: PeopleStore) -> None:
    first = enrol(people)
    uid = people.summary(first).uid
    assert len(uid) == 32 and int(uid, 16) >= 0
    people.forget(first, "staff-bob")
    second = enrol(people, "Next Person", seed=4)
    assert second > first
    assert people.summary(second).uid != uid
    assert people.find_by_uid(uid) is None
    assert people.find_by_uid(people.summary(second).uid) == second


def test_upgrading_a_v1_database_keeps_people_and_children_and_burns_old_ids(
    tmp_path: Path,
) -> None:
    """A v1 database (ids reusable) upgrades without cascading deletes and never hands out an
    id the audit log already saw."""
    import sqlite3

    import sqlite_utils

    from kiosk.store import migrations

    path = tmp_path / "kiosk.db"
    conn = sqlite3.connect(path)
    sqlite_db = sqlite_utils.Database(conn)
    sqlite_db.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
        "applied_at TEXT NOT NULL)"
    )
    migrations._v1_people(sqlite_db)
    migrations._v1_catalog(sqlite_db)
    sqlite_db.table("schema_version").insert({"version": 1, "description": "v1", "applied_at": "x"})
    now = "2030-01-01T00:00:00+00:00"
    person = {"display_name": "Old Timer", "created_at": now, "updated_at": now}
    sqlite_db.table("people").insert({"id": 2} | person)
    sqlite_db.table("visits").insert({"person_id": 2, "started_at": now, "ended_at": now})
    sqlite_db.table("audit").insert(
        {"at": now, "staff": "s", "action": "forget", "detail": "person 9"}
    )
    conn.commit()
    conn.close()

    people = open_people(PathsConfig(data_dir=tmp_path), retention_days=None)
    try:
        db = people.store.db
        assert people.store.version == migrations.MIGRATIONS[-1][0]
        assert [p.name for p in people.list_people()] == ["Old Timer"]
        assert len(people.summary(2).uid) == 32
        assert db.execute("SELECT count(*) FROM visits WHERE person_id = 2").fetchone()[0] == 1
        assert enrol(people, "Newcomer") == 10  # 9 was seen in the audit log: never again
        assert people.store.integrity().ok
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        people.close()


def test_captures_count_what_a_person_gave_templates_add_what_is_derived(
    people: PeopleStore,
) -> None:
    """The enrolment summary, the import summary and the gallery count the same "captures":
    camera captures and imported photos; "templates" adds the mirrored copies and the mean."""
    camera = vectors(4, 0)
    flips = tuple(NewTemplate(t.vector[::-1].copy(), "flip") for t in camera)
    pid = people.enrol(EnrolRequest(STAFF, KEY_A, camera + flips, name=NAME))
    summary = people.summary(pid)
    assert (summary.captures, summary.templates) == (4, 4 + 4 + 1)
    imported = tuple(NewTemplate(t.vector, "import") for t in vectors(2, 9))
    people.enrol(EnrolRequest(STAFF, KEY_A, imported, person_id=pid))
    assert (people.summary(pid).captures, people.summary(pid).templates) == (6, 6 + 4 + 1)
    assert [p.captures for p in people.list_people()] == [6]
