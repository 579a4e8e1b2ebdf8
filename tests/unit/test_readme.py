"""The README stays true: its two setup commands, and the tests its promise table names."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _setup_block() -> list[str]:
    block = README.split("## Try it", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_the_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    assert _setup_block() == ["make run", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))
    ] == ["make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_every_test_file_the_promise_table_names_exists_and_tests_something() -> None:
    table = README.split("### Promises, and the tests that try to break them", 1)[1]
    table = table.split("\n## ", 1)[0]
    named = sorted(set(re.findall(r"`(tests/[\w/]+\.py)`", table)))
    assert len(named) >= 10
    for rel in named:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert re.search(r"^def test_", text, re.M), f"{rel} has no tests"
