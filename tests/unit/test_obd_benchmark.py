"""`kiosk recommend benchmark` on the real Open Bandit Dataset sample (obp 0.5.7's sdist).

The sdist is fetched once per session with pip (about 1.3 MB) into pytest's cache folder; when
PyPI cannot be reached these tests skip and say so. What is asserted is what must hold on any
correct run (the files read as documented, probabilities sum to one, intervals are ordered and
contain their truth's own interval sensibly), not numbers that a different seed would change.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.core.vocabulary import ObdCampaign, ObdPolicy
from kiosk.recommend import obd, thompson

ITEMS = {ObdCampaign.ALL: 80, ObdCampaign.MEN: 34, ObdCampaign.WOMEN: 46}


@pytest.fixture(scope="session")
def sdist_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = request.config.cache
    folder = cache.mkdir("obd") if cache is not None else tmp_path_factory.mktemp("obd")
    try:
        obd.ensure_sdist(folder)
    except obd.ObdUnavailableError as exc:
        pytest.skip(f"PyPI unreachable, cannot fetch the Open Bandit Dataset sample: {exc}")
    return folder


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return tmp_path / "data"


@pytest.mark.parametrize("campaign", list(ObdCampaign))
def test_every_log_reads_as_documented(sdist_dir: Path, campaign: ObdCampaign) -> None:
    sdist = sdist_dir / obd.SDIST
    for policy in ObdPolicy:
        log = obd.load_log(sdist, policy, campaign)
        assert (log.size, log.n_items) == (10_000, ITEMS[campaign])
        assert set(np.unique(log.slot)) == {0, 1, 2}
        assert log.affinity.shape == (10_000, ITEMS[campaign])
        assert 0 < log.clicks < 100  # a click rate well under 1 %
        if policy == ObdPolicy.RANDOM:
            assert log.propensity == pytest.approx(1.0 / ITEMS[campaign])
    prior = obd.load_prior(sdist, campaign)
    assert prior.alpha.shape == prior.beta.shape == (ITEMS[campaign],)
    if campaign == ObdCampaign.ALL:  # the "38 and 42"
        assert obd.load_log(sdist, ObdPolicy.RANDOM, campaign).clicks == 38
        assert obd.load_log(sdist, ObdPolicy.BTS, campaign).clicks == 42


def test_reproduced_bts_is_a_distribution_resembling_the_bts_log(sdist_dir: Path) -> None:
    sdist = sdist_dir / obd.SDIST
    prior = obd.load_prior(sdist, ObdCampaign.ALL)
    probs = thompson.slot_probabilities(prior, 3, draws=20_000, seed=0)
    assert probs.sum(axis=0) == pytest.approx([1.0, 1.0, 1.0])
    # the items BTS favours most in the snapshot are shown most often in the BTS log
    agreement = thompson.agreement(probs, obd.load_log(sdist, ObdPolicy.BTS, ObdCampaign.ALL))
    assert agreement.frequency_correlation > 0.3
    assert -1.0 <= agreement.propensity_correlation <= 1.0


def test_benchmark_prints_json_and_a_png(
    sdist_dir: Path, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "obd.png"
    args = ["recommend", "benchmark", "--obd", str(sdist_dir), "--campaign", "men"]
    args += ["--resamples", "200", "--draws", "20000", "--seeds", "2", "--png", str(png)]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sha256"] == obd.SDIST_SHA256
    assert "CC BY 4.0" in report["source"]
    (men,) = report["campaigns"]
    logs = {f["policy"]: f for f in men["logs"]}
    for facts in logs.values():
        assert facts["truth"]["value"] == facts["clicks"] / facts["impressions"]
        assert facts["truth"]["low"] < facts["truth"]["value"] < facts["truth"]["high"]
        assert sum(s["clicks"] for s in facts["slots"]) == facts["clicks"]
    pairs = {(r["target"], r["logged_by"], r["estimator"]) for r in men["ope"]}
    assert pairs == {(t, o, e) for t, o in (("bts", "random"), ("random", "bts")) for e in
                     ("ips", "snips", "dr")}  # fmt: skip
    for row in men["ope"]:
        e = row["estimate"]
        assert e["low"] < e["high"]
        assert row["truth"] == logs[row["target"]]["truth"]["value"]
        assert row["covers"] == (e["low"] <= row["truth"] <= e["high"])
        if row["estimator"] != "dr":  # IPS-type estimates of a click rate are >= 0
            assert e["low"] >= 0.0
    for summary in men["replay_summary"]:
        assert summary["seeds"] == 2
        assert 10_000 / 34 / 2 < summary["mean_matched"] < 10_000 / 34 * 2
        assert 0.0 <= summary["min_rate"] <= summary["mean_rate"] <= summary["max_rate"] <= 1.0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main([*args[:6], "--resamples", "50", "--draws", "5000", "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert "replay on the random log" in out and "CC BY 4.0" in out


def test_a_tampered_sdist_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / obd.SDIST).write_bytes(b"not the real archive")
    assert main(["recommend", "benchmark", "--obd", str(tmp_path), "--seeds", "1"]) == 4
    assert "expected sha256" in capsys.readouterr().err


def test_no_index_is_a_clear_error_not_a_traceback(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",  # nothing listens on the discard port
        "PIP_NO_CACHE_DIR": "1",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "PIP_CONFIG_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(obd.ObdUnavailableError, match="expected pip to download"):
        obd.ensure_sdist(tmp_path / "empty")
    assert not (tmp_path / "empty" / obd.SDIST).exists()
