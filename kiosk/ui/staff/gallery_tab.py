"""Gallery: enrolled people; search, rename, re-enrol, forget, export and import bundles.

"Captures" are the faces a person gave (camera captures at enrolment, imported photos): the
number the enrolment and import summaries report. "Templates" adds what is derived from them
(a mirrored template per capture when flip is on, one mean per person). Names and passphrases
are typed on the on-screen keyboard (`kiosk.ui.keyboard.ask_text`).

Bundles: the passphrase is asked twice and checked for strength before anything is written; the
file gets the `.ifacebundle` suffix. The slow part of an export (scrypt, encryption, writing) and
of an import (reading, signature, scrypt, decryption, validation) runs on a `BundleJob` thread;
the database is read and written on the GUI thread only (before and after the job).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QThread, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.recommend.policies import CHEER_UP, TREATS
from kiosk.store.bundle import SUFFIX, EmbeddingInfo, GalleryBundle
from kiosk.store.bundle_passphrase import passphrase_problem
from kiosk.store.bundle_read import read_bundle
from kiosk.store.bundle_rules import catalog_extras
from kiosk.store.catalog import Catalog
from kiosk.store.gallery_exchange import (
    BundleImportReport,
    ExchangeSettings,
    default_settings,
    expectation,
    finish_export,
    merge_bundle,
    plan_export,
    write_export,
)
from kiosk.store.people import PeopleStore
from kiosk.store.people_records import PersonSummary
from kiosk.ui.keyboard import ask_text
from kiosk.ui.widgets import button, confirm, fit_columns, label

COLUMNS = 7
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


class GalleryTab(QWidget):
    """A searchable table of enrolled people with the staff actions on them."""

    sig_changed = Signal()  # people were added, renamed or forgotten: rebuild the gallery
    sig_reenrol = Signal(int, str)  # person id, name

    def __init__(
        self,
        people: PeopleStore,
        embedding: EmbeddingInfo,
        staff: Callable[[], str],
        exchange: ExchangeSettings | None = None,
    ) -> None:
        super().__init__()
        self.people = people
        self.embedding = embedding
        self.staff = staff
        self.exchange = exchange or default_settings(people, embedding.max_distance)
        self.job: BundleJob | None = None
        self._done: Callable[[object], None] = lambda _: None
        self.language = "en"  # the on-screen keyboard's layout in prompts
        self._stale = True
        self.search = QLineEdit()
        self.search.textChanged.connect(self.refresh)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.table)
        self.table.verticalHeader().hide()
        self.status = label("", "cardReason", wrap=True)
        self.legend = label("", "help", wrap=True)
        actions = QHBoxLayout()
        self._actions: list[QPushButton] = []
        for slot in (self.rename, self.reenrol, self.forget, self.export, self.import_bundle):
            widget = button("")
            widget.clicked.connect(slot)
            actions.addWidget(widget)
            self._actions.append(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.legend)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        """Words in the current language."""
        self.search.setPlaceholderText(self.tr("Search by name"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("id"),
                self.tr("name"),
                self.tr("captures"),
                self.tr("templates"),
                self.tr("photos kept"),
                self.tr("enrolled"),
                self.tr("updated"),
            ]
        )
        self.legend.setText(
            self.tr(
                "Captures: the faces a person gave (at enrolment or in imported photos). "
                "Templates: what recognition compares, the captures plus a mirrored copy of "
                "each (when switched on) and one average per person."
            )
        )
        texts = (
            self.tr("Rename"),
            self.tr("Re-enrol"),
            self.tr("Forget"),
            self.tr("Export bundle"),
            self.tr("Import bundle"),
        )
        for widget, text in zip(self._actions, texts, strict=True):
            widget.setText(text)
        self._refresh_when_shown()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _refresh_when_shown(self) -> None:
        """Rows hold words too: reload now if on screen, else when next shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Reload the table (filtered by the search text)."""
        text = self.search.text().strip().lower()
        rows = [p for p in self.people.list_people() if text in p.name.lower()]
        self.table.setRowCount(len(rows))
        for r, person in enumerate(rows):
            for c, value in enumerate(self._cells(person)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(r, c, item)

    def _cells(self, person: PersonSummary) -> tuple[str, ...]:
        return (
            str(person.id),
            person.name,
            str(person.captures),
            str(person.templates),
            str(person.photos) if person.keep_photos else self.tr("no"),
            person.created_at[:10],
            person.updated_at[:16].replace("T", " "),
        )

    def selected(self) -> PersonSummary | None:
        """The selected person, or None (with a hint to select one)."""
        items = self.table.selectedItems()
        if not items:
            self.status.setText(self.tr("Select a person first."))
            return None
        return self.people.summary(int(items[0].data(Qt.ItemDataRole.UserRole)))

    def rename(self) -> None:
        """Ask for a new display name."""
        person = self.selected()
        if person is None:
            return
        name = ask_text(
            self, self.tr("Rename"), self.tr("New name:"), person.name, language=self.language
        )
        if name is not None and name.strip():
            new = name.strip()
            self._act(lambda: self.people.rename(person.id, new, self.staff()), self.tr("Renamed."))

    def reenrol(self) -> None:
        """Open the enrolment wizard for the selected person."""
        person = self.selected()
        if person is not None:
            self.sig_reenrol.emit(person.id, person.name)

    def forget(self) -> None:
        """Delete everything about the selected person, after confirmation."""
        person = self.selected()
        if person is None:
            return
        if confirm(
            self,
            self.tr("Forget this person?"),
            self.tr(
                "Delete {name} and everything about them (templates, photos, visits, history)? "
                "This cannot be undone."
            ).replace("{name}", person.name),
        ):
            self._act(
                lambda: self.people.forget(person.id, self.staff()),
                self.tr("Forgotten: all deleted."),
            )

    def export(self) -> None:
        """Write a signed, encrypted bundle (people, catalog, rules) for a kiosk or the iPad."""
        if self.job is not None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export bundle"), f"gallery{SUFFIX}", FILTER
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
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import bundle"), "", FILTER)
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
                self.refresh()
                self.sig_changed.emit()

        self._start(lambda: read_bundle(Path(path), secret, wanted), done, self.tr("Importing…"))

    def _start(self, work: Callable[[], object], done: Callable[[object], None], busy: str) -> None:
        self.status.setText(busy)
        self.job = BundleJob(work)
        self._done = done
        # A bound method of this widget: Qt queues the call to the GUI thread (a lambda would
        # run in the worker's thread).
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
        text = ask_text(self, self.tr("Passphrase"), prompt, password=True, language=self.language)
        return text or ""

    def _act(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except KioskError as exc:
            self._not_done(exc)
            return
        self.status.setText(done)
        self.refresh()
        self.sig_changed.emit()
