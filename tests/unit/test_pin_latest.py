from __future__ import annotations

import threading

import pytest

from kiosk.core.latest import LatestSlot
from kiosk.core.pin import PinGuard, hash_pin, verify_pin


def test_pin_hash_is_salted_and_verifies() -> None:
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # different salts
    assert "2468" not in first
    assert verify_pin("2468", first) and verify_pin("2468", second)
    assert not verify_pin("2469", first)
    assert not verify_pin("2468", "garbage")


@pytest.mark.parametrize("bad", ["12", "abcd", "12 34", ""])
def test_weak_or_non_numeric_pins_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="at least 4 digits"):
        hash_pin(bad)


def test_lockout_after_five_failures_grows_and_resets_on_success() -> None:
    guard = PinGuard(hash_pin("2468"), max_failures=5, base_lock_s=30)
    for i in range(4):
        assert guard.attempt("0000", now_s=i).locked_for_s == 0
    fifth = guard.attempt("0000", now_s=10)
    assert not fifth.accepted and fifth.locked_for_s == 30
    blocked = guard.attempt("2468", now_s=20)  # right PIN, but still locked
    assert not blocked.accepted and blocked.locked_for_s == pytest.approx(20)
    sixth = guard.attempt("0000", now_s=41)
    assert sixth.locked_for_s == 60  # doubled
    ok = guard.attempt("2468", now_s=102)
    assert ok.accepted and ok.failures == 0
    assert guard.attempt("0000", now_s=103).locked_for_s == 0  # count restarted


def test_latest_slot_keeps_only_the_newest() -> None:
    slot: LatestSlot[int] = LatestSlot()
    for i in range(5):
        slot.put(i)
    assert slot.take(0.01) == 4
    assert slot.dropped == 4
    assert slot.take(0.01) is None


def test_latest_slot_wakes_a_waiting_taker() -> None:
    slot: LatestSlot[str] = LatestSlot()
    got: list[str | None] = []
    taker = threading.Thread(target=lambda: got.append(slot.take(5.0)))
    taker.start()
    slot.put("frame")
    taker.join(5.0)
    assert got == ["frame"]
    slot.close()
    assert slot.take(5.0) is None  # closed: returns at once
