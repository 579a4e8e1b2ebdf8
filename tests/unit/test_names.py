"""Names people type or folders carry: printable, bounded, and readable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.config import PathsConfig
from kiosk.core.names import clean_name, name_from_folder
from kiosk.core.untrusted import printable
from kiosk.errors import InputError
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, open_people


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("Jane_Doe", "Jane Doe"),
        ("jane_doe", "Jane Doe"),
        ("mary-jo  smith", "Mary-Jo Smith"),
        ("McAdams", "McAdams"),
        ("van_der_Berg", "van der Berg"),
        ("李_雷", "李 雷"),
    ],
)
def test_folder_names_become_display_names(folder: str, name: str) -> None:
    assert name_from_folder(folder) == name


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "x" * 81, "Eve\x1b[2J", "abc\u202eexe.gpj", "nul\x00l", "bell\x07"],
)
def test_unprintable_or_empty_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="name"):
        clean_name(bad)


def test_names_are_trimmed_and_keep_every_script() -> None:
    assert clean_name("  Zoë   O'Brien ") == "Zoë O'Brien"
    assert clean_name("Bob\r\nAlice") == "Bob Alice"  # line breaks are white space
    assert clean_name("محمد") == "محمد"
    assert clean_name("[/red] <b>x</b>") == "[/red] <b>x</b>"  # shown literally, never parsed
    assert printable("a\x1b[2Jb\u202e") == "a\\x1b[2Jb\\u202e"


def _vectors(seed: int) -> tuple[NewTemplate, ...]:
    rng = np.random.default_rng(seed)
    return tuple(NewTemplate(rng.normal(size=128).astype(np.float32), "camera") for _ in range(2))


def test_the_store_refuses_a_terminal_escape_as_a_name(tmp_path: Path) -> None:
    with open_people(PathsConfig(data_dir=tmp_path), None) as people:
        with pytest.raises(InputError, match="control characters"):
            people.enrol(EnrolRequest(Consent("s"), "k" * 64, _vectors(0), name="Eve\x1b]0;x\x07"))
        pid = people.enrol(EnrolRequest(Consent("s"), "k" * 64, _vectors(1), name="Eve"))
        with pytest.raises(InputError, match="control characters"):
            people.rename(pid, "Eve\x1b[31mroot", "s")
        assert people.summary(pid).name == "Eve"


def test_a_name_that_looks_like_markup_does_not_break_people_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_PATHS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    with open_people(PathsConfig(data_dir=tmp_path), None) as people:
        people.enrol(EnrolRequest(Consent("s"), "k" * 64, _vectors(2), name="[/red] [bold]Mo"))
    assert main(["people", "list"]) == 0
    assert "[/red] [bold]Mo" in capsys.readouterr().out
