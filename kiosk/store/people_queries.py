"""What staff see of enrolled people: summaries with their counts, one person's detail.

The read-only queries behind `PeopleStore.list_people`, `summary` and `detail`; templates and
photos themselves are opened in `sealed_rows`.
"""

from __future__ import annotations

from kiosk.store import sealed_rows
from kiosk.store.db import Store
from kiosk.store.people_records import ConsentRecord, PersonDetail, PersonSummary


def person_summaries(
    store: Store, where: str = "", params: list[object] | None = None
) -> list[PersonSummary]:
    """People with their template and photo counts, by id; `where` filters `people p`."""
    rows = store.db.execute(
        "SELECT p.id, p.display_name, "
        "(SELECT count(*) FROM templates t WHERE t.person_id = p.id), "
        "(SELECT count(*) FROM photos f WHERE f.person_id = p.id), "
        "p.keep_photos, p.created_at, p.updated_at, p.preferences, p.uid, "
        "(SELECT count(*) FROM templates t WHERE t.person_id = p.id "
        f"AND t.source NOT IN ({', '.join('?' for _ in sealed_rows.DERIVED)})) "
        f"FROM people p {where} ORDER BY p.id",
        [*sealed_rows.DERIVED, *(params or [])],
    ).fetchall()
    return [
        PersonSummary(int(r[0]), r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], r[8], int(r[9]))
        for r in rows
    ]


def person_detail(store: Store, person: PersonSummary) -> PersonDetail:
    """Everything about `person` except templates and photos."""
    person_id = person.id
    db = store.db
    consents = db.execute(
        "SELECT scope, staff, method, given_at, withdrawn_at FROM consents "
        "WHERE person_id = ? ORDER BY id",
        [person_id],
    ).fetchall()
    keys = db.execute(
        "SELECT DISTINCT model_key FROM templates WHERE person_id = ? ORDER BY 1", [person_id]
    ).fetchall()
    visits = db.execute("SELECT count(*) FROM visits WHERE person_id = ?", [person_id])
    events = db.execute("SELECT count(*) FROM events WHERE person_id = ?", [person_id])
    return PersonDetail(
        person,
        tuple(ConsentRecord(*row) for row in consents),
        tuple(str(k[0]) for k in keys),
        int(visits.fetchone()[0]),
        int(events.fetchone()[0]),
    )
