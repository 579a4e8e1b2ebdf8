"""Shared fixtures: the manifest's plans, onnxruntime sessions, traced modules, one fresh build."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import onnxruntime as ort
import pytest
import torch

import build_coreml
from model_specs import ModelPlan, load_plans, read_verified

# model key -> [(photo, max abs diff, top class agrees or None)], printed after the run
PARITY: dict[str, list[tuple[str, float, bool | None]]] = defaultdict(list)


@pytest.fixture(scope="session")
def plans() -> dict[str, ModelPlan]:
    """The four iPad models' plans from models/manifest.toml, by key."""
    return {plan.key: plan for plan in load_plans()}


@pytest.fixture(scope="session")
def onnx_sessions(plans: dict[str, ModelPlan]) -> dict[str, ort.InferenceSession]:
    """onnxruntime sessions on the kiosk's verified ONNX bytes (what the kiosk runs)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return {
        key: ort.InferenceSession(
            read_verified(plan)[0], options, providers=["CPUExecutionProvider"]
        )
        for key, plan in plans.items()
    }


@pytest.fixture(scope="session")
def traced(plans: dict[str, ModelPlan]) -> dict[str, torch.jit.ScriptModule]:
    """The traced torch modules that the build hands coremltools."""
    torch.set_num_threads(2)
    return {
        key: build_coreml.trace_model(plan, read_verified(plan)[0])[0]
        for key, plan in plans.items()
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh `build_coreml.py` run into a temporary directory (every iPad model)."""
    out = tmp_path_factory.mktemp("coreml")
    assert build_coreml.main(["--out", str(out)]) == 0
    yield out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the parity figures: per model, worst abs diff and top-class agreement."""
    if not PARITY:
        return
    terminalreporter.section("traced torch vs onnxruntime on real face crops")
    for key, rows in sorted(PARITY.items()):
        worst = max(diff for _, diff, _ in rows)
        agree = [ok for _, _, ok in rows if ok is not None]
        top = f", top class agrees {sum(agree)}/{len(agree)}" if agree else ""
        terminalreporter.write_line(
            f"{key:14s} {len(rows):2d} faces, max abs diff {worst:.3g}{top}"
        )
