"""The chain's pure parts: settings, the chain key, sealing, SQL splitting, learner sums."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kiosk.config.loading import load_config
from kiosk.errors import ChainError, ConfigError, InputError
from kiosk.fleet.events import _add_model, _subtract
from kiosk.fleet.keys import (
    ChainSealer,
    check_passphrase,
    key_check,
    new_chain_key,
    pack_template,
    unpack_template,
    unwrap_key,
)
from kiosk.fleet.schema import FUNCTIONS, TABLES, split_statements
from kiosk.fleet.worker import FleetStatus
from kiosk.recommend.linucb import LinUCB

CHAIN = "c" * 32


def test_fleet_settings_come_from_the_file_or_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert load_config(environ={}).fleet.dsn == ""  # no chain: a single kiosk
    config = load_config(environ={"KIOSK_FLEET_DSN": "host=/run/pg dbname=chain"})
    assert config.fleet.dsn == "host=/run/pg dbname=chain" and config.fleet.sync_interval_s == 5.0
    with pytest.raises(ConfigError, match="sync_interval_s"):
        load_config(environ={"KIOSK_FLEET_SYNC_INTERVAL_S": "0"})


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaaaaaa", " " * 20, "abababababababab"])
def test_weak_chain_passphrases_are_refused(weak: str) -> None:
    with pytest.raises(InputError, match="passphrase"):
        check_passphrase(weak)


def test_the_chain_key_opens_only_with_its_passphrase_and_chain() -> None:
    key, wrapped = new_chain_key("a good long passphrase", CHAIN)
    assert unwrap_key(wrapped, "a good long passphrase", CHAIN) == key
    assert key not in wrapped.blob
    with pytest.raises(ChainError, match="passphrase is wrong"):
        unwrap_key(wrapped, "a good long passphrasE", CHAIN)
    with pytest.raises(ChainError):
        unwrap_key(wrapped, "a good long passphrase", "d" * 32)  # moved to another chain
    assert key_check(key, CHAIN) != key_check(key, "d" * 32)


def test_sealed_values_are_bound_to_their_row() -> None:
    sealer = ChainSealer(b"k" * 32, CHAIN)
    blob = sealer.seal(b"Ada Lovelace", "person", "uid-1")
    assert b"Ada" not in blob and sealer.open(blob, "person", "uid-1") == b"Ada Lovelace"
    for context in (("person", "uid-2"), ("consent", "uid-1")):
        with pytest.raises(ChainError, match="does not decrypt"):
            sealer.open(blob, *context)
    with pytest.raises(ChainError):
        ChainSealer(b"x" * 32, CHAIN).open(blob, "person", "uid-1")  # another chain's key


def test_templates_pack_and_refuse_malformed_vectors() -> None:
    vector = (np.arange(128) / 100).astype(np.float32)
    source, quality, back = unpack_template(pack_template("camera", 0.75, vector))
    assert (source, quality) == ("camera", 0.75) and np.array_equal(back, vector)
    bad = pack_template("camera", 1.0, np.full(128, np.nan, dtype=np.float32))
    with pytest.raises(ChainError, match="malformed"):
        unpack_template(bad)


def test_schema_statements_split_outside_function_bodies() -> None:
    statements = split_statements(TABLES + FUNCTIONS)
    assert all(s.rstrip().endswith(";") for s in statements)
    bodies = [s for s in statements if "LANGUAGE plpgsql" in s]
    assert bodies and all(s.count("$$") == 2 for s in bodies)


def test_learner_statistics_split_into_own_and_others_and_add_up() -> None:
    rng = np.random.default_rng(0)
    own, other = LinUCB(), LinUCB()
    for model in (own, other):
        for _ in range(4):
            model.update("tea", rng.normal(size=own.dim), 1.0)
    mine = json.loads(own.to_bytes())
    theirs = _subtract(json.loads(other.to_bytes()), {"arms": {}})  # their own part
    empty = {"features": mine["features"], "arms": {}}
    merged = _add_model(_subtract(mine, empty, keep_ridge=True), theirs)
    a = np.array(merged["arms"]["tea"]["A"])
    assert np.allclose(a, own.arms["tea"].a + other.arms["tea"].a - np.eye(own.dim))
    assert merged["arms"]["tea"]["n"] == 8
    back = _subtract(merged, theirs)  # what this kiosk pushes next time: its own part only
    assert np.allclose(np.array(back["arms"]["tea"]["A"]), own.arms["tea"].a - np.eye(own.dim))


def test_the_staff_indicator_says_offline_plainly() -> None:
    assert "OFFLINE" in FleetStatus(False, None, "down", 3, 0).text
    assert FleetStatus(False, None, "down", 3, 0).text.endswith("catches up later")
