"""`kiosk bench soak` end to end for a few seconds: real clip, models, database, suggestions.

No timing is asserted (the machine is shared); the test proves the loop runs, samples memory,
reaches the suggestion service with real person ids, and writes its JSON and chart.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.commands import loaders
from kiosk.commands.bench.soak import SoakSample, run_soak
from kiosk.config.loading import load_config
from kiosk.vision.models import VisionModels

pytestmark = pytest.mark.models

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "assets" / "demo" / "pd_stills_clip.mp4"
CATALOG = REPO / "catalog" / "demo_catalog.csv"


def test_a_short_soak_runs_the_pipeline_and_the_suggestions(
    vision_models: VisionModels, tmp_path: Path
) -> None:
    config = load_config(None, {"KIOSK_PATHS_DATA_DIR": str(tmp_path)})
    gallery = loaders.gallery_from_folder(vision_models, REPO / "assets" / "demo" / "people")
    samples: list[SoakSample] = []

    report = run_soak(
        config,
        vision_models,
        gallery.gallery,
        CLIP,
        seconds=6.0,
        catalog=CATALOG,
        interval_s=2.0,
        on_sample=samples.append,
    )

    assert report.errors == 0, report.first_errors
    assert report.frames > 0
    assert len(report.samples) >= 2
    assert list(report.samples) == samples
    assert sum(s.frames for s in report.samples) == report.frames
    assert all(s.rss_mb > 0 for s in report.samples)
    assert report.slates > 0
    assert report.identified > 0, "enrolled people reach the suggestions with their ids"
    assert report.visits > 0, "the shopper session records visits, as in the kiosk"
    assert report.growth_after_warmup_mb == report.rss_end_mb - report.rss_warm_mb
    assert not list(tmp_path.iterdir()), "the soak must not touch the kiosk's data directory"


def test_the_command_prints_json_and_writes_the_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    png = tmp_path / "soak.png"
    args = ["bench", "soak", str(CLIP), "--minutes", "0.05", "--interval", "1"]

    assert main([*args, "--json", "--png", str(png)]) == 0

    data = json.loads(capsys.readouterr().out)
    assert data["frames"] > 0 and data["errors"] == 0
    assert {"rss_mb", "p50_ms", "p95_ms", "frames", "errors"} <= set(data["samples"][0])
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
