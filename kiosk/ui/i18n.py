"""The kiosk's languages: Qt translations chosen in settings (`display.language`).

Each language other than English has a Qt Linguist source `translations/kiosk_<lang>.ts` (made
and updated by `make translations`, which runs pyside6-lupdate over `kiosk/ui`) and its compiled
`kiosk_<lang>.qm` next to it, committed so a checkout, a wheel and the PyInstaller bundle all
carry them (a unit test checks each .qm matches its .ts). Qt's own translations (`qtbase_<lang>`,
for the Yes/No/OK of standard dialogs) come with PySide6.

Switching language installs the new translators; Qt then sends every widget a LanguageChange
event, and the kiosk's widgets re-word themselves (`retranslate`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from kiosk.config import LANGUAGES

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "zh_CN": "简体中文"}  # each in its own words


class Translations:
    """The translators installed on the application (one language at a time)."""

    def __init__(self) -> None:
        self.language = "en"
        self._installed: list[QTranslator] = []

    def use(self, language: str) -> bool:
        """Switch the application to `language`; False (and English) if its file is missing.

        Raises:
            ValueError: not one of `kiosk.config.LANGUAGES`.
        """
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before choosing a language")
        for old in self._installed:
            app.removeTranslator(old)
        self._installed = []
        self.language = "en"
        QLocale.setDefault(QLocale(language))
        if language == "en":
            return True
        ours = QTranslator(app)
        if not ours.load(str(TRANSLATIONS_DIR / f"kiosk_{language}.qm")):
            log.warning("translation %s is missing; showing English", language)
            return False
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        theirs = QTranslator(app)
        if theirs.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(theirs)
            self._installed.append(theirs)
        app.installTranslator(ours)
        self._installed.append(ours)
        self.language = language
        return True
