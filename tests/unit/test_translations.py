"""The translations are complete and in step with the code: every string the UI marks for
translation is in each .ts file, translated, with the same placeholders, and each committed .qm
is exactly what pyside6-lrelease makes of its .ts (`make translations` keeps them so)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.config import LANGUAGES

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "kiosk" / "ui" / "translations"
OTHERS = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%n|&&")


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing (PySide6-Essentials ships it)")
    return found


def messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (ctx.findtext("name", ""), m.findtext("source", "")): m
        for ctx in root.iter("context")
        for m in ctx.iter("message")
    }


def sources() -> list[str]:
    ui = REPO / "kiosk" / "ui"
    return sorted(str(p) for p in [*ui.glob("*.py"), *(ui / "staff").glob("*.py")])


@pytest.mark.parametrize("language", OTHERS)
def test_every_ui_string_is_translated_with_its_placeholders(language: str, tmp_path: Path) -> None:
    committed = FOLDER / f"kiosk_{language}.ts"
    fresh = tmp_path / committed.name
    shutil.copy(committed, fresh)
    subprocess.run(
        [
            tool("pyside6-lupdate"),
            *("-silent", "-no-obsolete", "-locations", "none", "-target-language", language),
            *sources(),
            *("-ts", str(fresh)),
        ],
        check=True,
    )
    found, have = messages(fresh), messages(committed)
    assert set(found) == set(have), "run `make translations` and translate the new strings"
    for key, message in have.items():
        translation = message.find("translation")
        assert translation is not None and translation.get("type") is None, key
        texts = [translation.text or ""] + [f.text or "" for f in translation.iter("numerusform")]
        assert any(t.strip() for t in texts), key
        wanted = sorted(set(PLACEHOLDER.findall(key[1])))
        for text in texts:
            if text.strip():
                assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (key, text)


@pytest.mark.parametrize("language", OTHERS)
def test_the_committed_qm_is_the_compiled_ts(language: str, tmp_path: Path) -> None:
    out = tmp_path / f"kiosk_{language}.qm"
    subprocess.run(
        [
            tool("pyside6-lrelease"),
            "-silent",
            str(FOLDER / f"kiosk_{language}.ts"),
            "-qm",
            str(out),
        ],
        check=True,
    )
    assert out.read_bytes() == (FOLDER / out.name).read_bytes(), "run `make translations`"
