from __future__ import annotations

import threading

import pytest

from kiosk.core.latest import LatestSlot
from kiosk.core.pin import (
    LockoutPolicy,
    PinState,
    attempt,
    hash_pin,
    pin_problem,
    verify_pin,
)


def test_pin_hash_is_salted_and_verifies() -> None:
    first, second = hash_pin("246813"), hash_pin("246813")
    assert first != second  # different salts
    assert "246813" not in first
    assert verify_pin("246813", first) and verify_pin("246813", second)
    assert not verify_pin("246812", first)
    assert not verify_pin("246813", "garbage")


def test_one_guess_costs_128_mib_of_scrypt() -> None:
    """A stolen hash must not fall to an offline guess in a minute (a 4-digit PIN under
    n = 2^14 did, in 61 s): 2^17 x 8 x 128 bytes per guess, about half a second here."""
    scheme, n, r, p, _salt, _hash = hash_pin("246813").split("$")
    assert scheme == "scrypt" and int(n) * int(r) * 128 >= 128 * 2**20 and int(p) == 1


def test_a_hash_file_asking_for_absurd_memory_is_refused_not_obeyed() -> None:
    stored = hash_pin("246813").split("$")
    stored[1] = str(2**30)  # 1 TiB of scrypt: a crafted file must not take the machine down
    assert not verify_pin("246813", "$".join(stored))


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("2468", "6 to 12 digits"),
        ("1234567890123", "6 to 12 digits"),
        ("abcdef", "digits only"),
        ("12 3456", "digits only"),
        ("١٢٣٤٥٦", "digits only"),  # Arabic-Indic digits pass str.isdigit()
        ("", "digits only"),
        ("777777", "repeat"),
        ("123456", "run of digits"),
        ("987654", "run of digits"),
    ],
)
def test_weak_or_non_numeric_pins_are_refused(bad: str, why: str) -> None:
    assert why in (pin_problem(bad) or "")
    with pytest.raises(ValueError, match=why):
        hash_pin(bad)


def test_lockout_after_five_failures_grows_and_resets_on_success() -> None:
    stored = hash_pin("246813")
    policy = LockoutPolicy(max_failures=5, base_lock_s=30)
    state = PinState()
    for i in range(4):
        outcome = attempt("000001", stored, state, policy, now_s=i)
        assert outcome.locked_for_s == 0
        state = outcome.state
    fifth = attempt("000001", stored, state, policy, now_s=10)
    assert not fifth.accepted and fifth.locked_for_s == 30
    blocked = attempt("246813", stored, fifth.state, policy, now_s=20)  # right, but locked
    assert not blocked.accepted and blocked.locked_for_s == pytest.approx(20)
    sixth = attempt("000001", stored, blocked.state, policy, now_s=41)
    assert sixth.locked_for_s == 60  # doubled
    ok = attempt("246813", stored, sixth.state, policy, now_s=102)
    assert ok.accepted and ok.failures == 0 and ok.state == PinState()


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
