"""The gallery tab's bundle dialogs: passphrase twice and checked, `.ifacebundle`, work off the GUI
thread (the slow step runs on a BundleJob; the database is touched on the GUI thread only)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from kiosk.config import PathsConfig
from kiosk.store import bundle_read, gallery_exchange
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.people import Consent, EnrolRequest, NewTemplate, PeopleStore, open_people
from kiosk.ui.staff import bundle_dialogs
from kiosk.ui.staff.gallery_tab import GalleryTab

T = TypeVar("T")
SHA = "c" * 64
INFO = EmbeddingInfo("face_embedder", SHA, 128, 0.6)
PASS = "correct horse battery"


@pytest.fixture
def people(tmp_path: Path) -> Iterator[PeopleStore]:
    store = open_people(PathsConfig(data_dir=tmp_path / "a"), None)
    rng = np.random.default_rng(3)
    captures = tuple(NewTemplate(rng.normal(0, 0.1, 128).astype(np.float32), "c") for _ in range(2))
    store.enrol(EnrolRequest(Consent("anna"), SHA, captures, name="Ada"))
    yield store
    store.close()


def answers(monkeypatch: pytest.MonkeyPatch, path: str, texts: list[str]) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (path, ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a: (path, ""))
    monkeypatch.setattr(bundle_dialogs, "ask_text", lambda *a, **k: texts.pop(0))


def recording(calls: list[str], real: Callable[..., T]) -> Callable[..., T]:
    """`real`, noting the name of the thread each call runs on."""

    def wrapper(*args: Any, **kwargs: Any) -> T:
        calls.append(threading.current_thread().name)
        return real(*args, **kwargs)

    return wrapper


def finish(qtbot: QtBot, tab: GalleryTab) -> None:
    qtbot.waitUntil(lambda: tab.bundles.job is None, timeout=20_000)


def test_export_asks_twice_refuses_weak_and_adds_the_suffix(
    qtbot: QtBot, people: PeopleStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab = GalleryTab(people, INFO, lambda: "dora")
    qtbot.addWidget(tab)
    answers(monkeypatch, str(tmp_path / "shop"), ["aaaaaaaaaa"])
    tab.bundles.export()
    assert "repeats one character" in tab.status.text() and tab.bundles.job is None
    answers(monkeypatch, str(tmp_path / "shop"), [PASS, PASS + "!"])
    tab.bundles.export()
    assert "differ" in tab.status.text() and tab.bundles.job is None
    threads: list[str] = []
    real = gallery_exchange.write_export
    monkeypatch.setattr(bundle_dialogs, "write_export", recording(threads, real))
    answers(monkeypatch, str(tmp_path / "shop"), [PASS, PASS])
    tab.bundles.export()
    finish(qtbot, tab)
    assert (tmp_path / "shop.ifacebundle").exists(), tab.status.text()
    assert "Exported 1 people" in tab.status.text()
    assert threads and threads[0] != threading.main_thread().name


def test_import_reads_off_the_gui_thread_and_merges_on_it(
    qtbot: QtBot, people: PeopleStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.ifacebundle"
    gallery_exchange.export_gallery(people, path, INFO, PASS, staff="a", created_by="t")
    other = open_people(PathsConfig(data_dir=tmp_path / "b"), None)
    try:
        tab = GalleryTab(other, INFO, lambda: "emil")
        qtbot.addWidget(tab)
        readers: list[str] = []
        monkeypatch.setattr(
            bundle_dialogs, "read_bundle", recording(readers, bundle_read.read_bundle)
        )
        answers(monkeypatch, str(path), ["not the passphrase at all"])
        tab.bundles.import_bundle()
        finish(qtbot, tab)
        assert "wrong passphrase" in tab.status.text()
        with qtbot.waitSignal(tab.sig_changed, timeout=20_000):
            answers(monkeypatch, str(path), [PASS])
            tab.bundles.import_bundle()
        finish(qtbot, tab)
        assert "1 people added" in tab.status.text()
        assert [p.name for p in other.list_people()] == ["Ada"]
        assert readers and threading.main_thread().name not in readers
    finally:
        other.close()
