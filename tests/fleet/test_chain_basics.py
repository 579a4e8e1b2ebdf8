"""Two and three kiosks against one real PostgreSQL: enrol, rename, forget travel."""

from __future__ import annotations

from tests.fleet.conftest import Kiosk, MakeKiosk


def test_enrol_at_one_kiosk_is_recognised_at_the_others_after_one_sync(
    make_kiosk: MakeKiosk,
) -> None:
    door: Kiosk = make_kiosk("door")
    till: Kiosk = make_kiosk("till")
    door.enrol("Ada Lovelace", seed=1)
    first = door.sync()
    assert first.people_out == 1 and first.templates_out == 3
    second = till.sync()
    assert second.people_in == 1 and second.templates_in == 3
    assert till.names() == ["Ada Lovelace"]
    people = till.people()
    try:
        gallery = people.gallery("m" * 64)
        assert gallery.size == 4  # three templates and the mean made here
    finally:
        people.close()
