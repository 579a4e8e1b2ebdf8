from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import RecommendConfig
from kiosk.core.vocabulary import RewardKind, Valence
from kiosk.services.suggestion_records import ShopperState
from kiosk.services.suggestions import SuggestionService
from kiosk.store.db import open_store


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return tmp_path / "data"


def test_evaluate_needs_logs_then_estimates_every_policy(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "demo"]) == 0
    assert main(["recommend", "evaluate"]) == 4  # nothing logged yet
    store = open_store(data_dir)
    try:
        svc = SuggestionService(store, RecommendConfig(policy="rules", min_dwell_ms=0), seed=3)
        for step in range(60):
            valence = (Valence.NEGATIVE, Valence.POSITIVE)[step % 2]
            shown = svc.suggest(ShopperState(None, valence), step)
            if step % 3 == 0:
                svc.record(shown.suggestions[0].sku, RewardKind.TAP)
        svc.end_visit()
    finally:
        store.close()
    capsys.readouterr()
    assert main(["recommend", "evaluate", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["slates"] == 60
    assert report["logging_policies"] == ["rules"]
    assert [e["policy"] for e in report["estimates"]] == ["random", "popularity", "rules", "bandit"]
    assert all(e["ips"] >= 0 and e["dr_stderr"] >= 0 for e in report["estimates"])
    assert main(["recommend", "evaluate", "--policy", "bandit"]) == 0


def test_simulate_prints_a_table_json_and_a_png(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "curves.png"
    args = ["recommend", "simulate", "--shoppers", "20", "--steps", "150", "--seed", "2"]
    assert main([*args, "--warmup", "50", "--png", str(png), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [p["policy"] for p in summary["policies"]] == ["random", "popularity", "rules", "bandit"]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(args) == 0
    assert "bandit" in capsys.readouterr().out
