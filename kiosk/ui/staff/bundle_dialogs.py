"""Bundles from the gallery tab: export and import a signed, encrypted `.ifacebundle`.

The passphrase is asked twice and checked for strength before anything is written; the file gets
the `.ifacebundle` suffix. The slow part of an export (scrypt, encryption, writing) and of an
import (reading, signature, scrypt, decryption, validation) runs on a `BundleJob` thread; the
database is read and written on the GUI thread only (before and after the job).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from kiosk.errors import KioskError
from kiosk.recommend.policies import CHEER_UP, TREATS
from kiosk.store.bundle import EmbeddingInfo, GalleryBundle
from kiosk.store.bundle_format import SUFFIX
from kiosk.store.bundle_passphrase import passphrase_problem
from kiosk.store.bundle_read import read_bundle
from kiosk.store.bundle_rules import catalog_extras
from kiosk.store.catalog import Catalog
from kiosk.store.gallery_exchange import (
    BundleImportReport,
    ExchangeSettings,
    expectation,
    finish_export,
    merge_bundle,
    plan_export,
    write_export,
)
from kiosk.store.people import PeopleStore
from kiosk.ui.keyboard import ask_text

FILTER = f"iFace bundles (*{SUFFIX})"


class BundleJob(QThread):
    """Runs one slow bundle step (no database access) off the GUI thread.

    `sig_done` carries the step's result or the KioskError it raised; it is delivered to the
    GUI thread (queued), where the caller finishes the work with the database.
    """

    sig_done = Signal(object)

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            result: object = self._work()
        except KioskError as exc:
            result = exc
        self.sig_done.emit(result)


class BundleDialogs(QObject):
    """The gallery tab's "Export bundle" and "Import bundle": the file and passphrase dialogs
    (over `view`), the slow step on a `BundleJob`, and the outcome on the `status` label."""

    sig_imported = Signal()  # a bundle's people were merged: reload the list, rebuild the gallery

    def __init__(
        self,
        view: QWidget,
        status: QLabel,
        *,
        people: PeopleStore,
        embedding: EmbeddingInfo,
        staff: Callable[[], str],
        exchange: ExchangeSettings,
        language: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.status = status
        self.people = people
        self.embedding = embedding
        self.staff = staff
        self.exchange = exchange
        self.job: BundleJob | None = None
        self._done: Callable[[object], None] = lambda _: None
        self.language = language  # the on-screen keyboard's layout in prompts

    def export(self) -> None:
        """Write a signed, encrypted bundle (people, catalog, rules) for a kiosk or the iPad."""
        if self.job is not None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.view, self.tr("Export bundle"), f"gallery{SUFFIX}", FILTER
        )
        secret = self._new_passphrase() if path else ""
        if not path or not secret:
            return
        target = Path(path) if path.endswith(SUFFIX) else Path(path + SUFFIX)
        try:
            extras = catalog_extras(Catalog(self.people.store), cheer_up=CHEER_UP, treats=TREATS)
            plan = plan_export(self.people, self.embedding, self.exchange, extras)
        except KioskError as exc:
            self._not_done(exc)
            return
        staff = self.staff()

        def done(result: object) -> None:
            if isinstance(result, GalleryBundle):
                finish_export(self.people, self.exchange, result, staff)
                self.status.setText(
                    self.tr(
                        "Exported {people} people to {file} (bundle #{counter}, valid until {day})."
                    )
                    .replace("{people}", str(len(result.people)))
                    .replace("{file}", target.name)
                    .replace("{counter}", str(result.counter))
                    .replace("{day}", result.expires_at[:10])
                )

        self._start(lambda: write_export(plan, target, secret), done, self.tr("Exporting…"))

    def import_bundle(self) -> None:
        """Add the people of a bundle made with the same model (read off the GUI thread)."""
        if self.job is not None:
            return
        path, _ = QFileDialog.getOpenFileName(self.view, self.tr("Import bundle"), "", FILTER)
        secret = self._passphrase(self.tr("The bundle's passphrase:")) if path else ""
        if not path or not secret:
            return
        try:
            wanted = expectation(self.exchange, self.embedding.onnx_sha256, self.embedding.dim)
        except KioskError as exc:
            self._not_done(exc)
            return
        staff = self.staff()

        def done(result: object) -> None:
            if isinstance(result, GalleryBundle):
                report = merge_bundle(self.people, result, staff=staff, settings=self.exchange)
                self.status.setText(self._import_text(report))
                self.sig_imported.emit()

        self._start(lambda: read_bundle(Path(path), secret, wanted), done, self.tr("Importing…"))

    def _start(self, work: Callable[[], object], done: Callable[[object], None], busy: str) -> None:
        self.status.setText(busy)
        self.job = BundleJob(work)
        self._done = done
        # A bound method of this object (which lives on the GUI thread): Qt queues the call to
        # the GUI thread (a lambda would run in the worker's thread).
        self.job.sig_done.connect(self._on_job_done)
        self.job.start()

    def _on_job_done(self, result: object) -> None:
        if self.job is not None:
            self.job.wait()
            self.job.deleteLater()
        self.job = None
        if isinstance(result, KioskError):
            self._not_done(result)
            return
        try:
            self._done(result)
        except KioskError as exc:
            self._not_done(exc)

    def _new_passphrase(self) -> str:
        first = self._passphrase(
            self.tr(
                "Passphrase for the bundle (four or more unrelated words; you will need it on "
                "the iPad or the other kiosk):"
            )
        )
        if not first:
            return ""
        problem = passphrase_problem(first)
        if problem is not None:
            self._not_done(f"{problem}.")
            return ""
        if self._passphrase(self.tr("The same passphrase again:")) != first:
            self._not_done(self.tr("the two passphrases differ."))
            return ""
        return first

    def _not_done(self, reason: object) -> None:
        self.status.setText(self.tr("Not done: {reason}").replace("{reason}", str(reason)))

    def _import_text(self, report: BundleImportReport) -> str:
        return (
            self.tr(
                "Imported bundle #{counter}: {added} people added, {updated} updated, "
                "{templates} templates; {forgotten} forgotten as the bundle asks, {refused} "
                "forgotten here before and not added back."
            )
            .replace("{counter}", str(report.counter))
            .replace("{added}", str(report.people_added))
            .replace("{updated}", str(report.people_updated))
            .replace("{templates}", str(report.templates_added))
            .replace("{forgotten}", str(report.people_forgotten))
            .replace("{refused}", str(report.people_refused))
        )

    def _passphrase(self, prompt: str) -> str:
        text = ask_text(
            self.view, self.tr("Passphrase"), prompt, password=True, language=self.language()
        )
        return text or ""
