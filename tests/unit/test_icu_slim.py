"""The bundle's slim ICU data (packaging/icu_slim.py): the package writer reproduces ICU's own
layout byte for byte, the slim package keeps what a kiosk in English, German or Chinese reads,
and Qt formats, sorts and upper-cases the same with it."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QCollator, QDate, QLocale
from PySide6.QtWidgets import QApplication
app = QApplication([])
for name in ("en_US", "de_DE", "zh_CN", "fr_FR"):
    loc = QLocale(name)
    collate = QCollator(loc).sortKey
    print(loc.toString(1234567.891, "f", 2), loc.toCurrencyString(1250.5, "EUR"),
          loc.toString(QDate(2026, 12, 3), QLocale.FormatType.LongFormat), loc.toUpper("straße"),
          sorted(["Zoë", "zebra", "Äpfel", "apple", "张", "李"], key=collate))
"""


@pytest.fixture(scope="module")
def icu_slim() -> ModuleType:
    spec = importlib.util.spec_from_file_location("icu_slim", REPO / "packaging" / "icu_slim.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["icu_slim"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def qt_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("Qt's ICU data library is a Linux PySide6 file")
    return found[0]


def test_rewriting_the_whole_package_is_byte_identical(
    icu_slim: ModuleType, qt_icu_data: Path
) -> None:
    _symbol, offset, size = icu_slim.data_symbol(qt_icu_data)
    blob = qt_icu_data.read_bytes()[offset : offset + size]
    package = icu_slim.read_package(blob)
    assert len(package.items) > 3000
    assert icu_slim.write_package(package) == blob


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("icudt73l/root.res", True),
        ("icudt73l/de_CH.res", True),
        ("icudt73l/zh_Hans_CN.res", True),
        ("icudt73l/coll/zh.res", True),
        ("icudt73l/supplementalData.res", True),
        ("icudt73l/res_index.res", True),
        ("icudt73l/coll/pool.res", True),
        ("icudt73l/nfkc.nrm", True),
        ("icudt73l/cnvalias.icu", True),
        ("icudt73l/fr.res", False),
        ("icudt73l/coll/ja.res", False),
        ("icudt73l/gb18030.cnv", False),
        ("icudt73l/brkitr/cjdict.dict", False),
        ("icudt73l/translit/root.res", False),
    ],
)
def test_the_slim_package_keeps_the_kiosks_languages(
    icu_slim: ModuleType, name: str, kept: bool
) -> None:
    assert icu_slim.keep(name) is kept


def test_qt_formats_and_sorts_the_same_with_the_slim_data(
    icu_slim: ModuleType, qt_icu_data: Path, tmp_path: Path
) -> None:
    slim = tmp_path / qt_icu_data.name
    before, after = icu_slim.rebuild(qt_icu_data, slim)
    assert after < before / 4
    _symbol, offset, size = icu_slim.data_symbol(slim)
    items = icu_slim.read_package(slim.read_bytes()[offset : offset + size]).items
    assert all(icu_slim.keep(name) for name, _ in items)

    def probe(env: dict[str, str]) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout

    # LD_PRELOAD puts the slim data first in the symbol lookup of Qt's ICU.
    assert probe(os.environ | {"LD_PRELOAD": str(slim)}) == probe(dict(os.environ))
