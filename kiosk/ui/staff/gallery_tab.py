"""Gallery: enrolled people; search, rename, re-enrol, forget, export and import bundles.

Bundles: the passphrase is asked twice and checked for strength before anything is written; the
file gets the `.ifacebundle` suffix. The slow part of an export (scrypt, encryption, writing) and
of an import (reading, signature, scrypt, decryption, validation) runs on a `BundleJob` thread;
the database is read and written on the GUI thread only (before and after the job).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
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
from kiosk.ui.widgets import button, confirm, label

COLUMNS = ("id", "name", "templates", "photos kept", "enrolled", "updated")
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
        self.search = QLineEdit(placeholderText="Search by name")
        self.search.textChanged.connect(self.refresh)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = label("", "cardReason", wrap=True)
        actions = QHBoxLayout()
        for text, slot in (
            ("Rename", self.rename),
            ("Re-enrol", self.reenrol),
            ("Forget", self.forget),
            ("Export bundle", self.export),
            ("Import bundle", self.import_bundle),
        ):
            widget = button(text)
            widget.clicked.connect(slot)
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        """Reload the table (filtered by the search text)."""
        text = self.search.text().strip().lower()
        rows = [p for p in self.people.list_people() if text in p.name.lower()]
        self.table.setRowCount(len(rows))
        for r, person in enumerate(rows):
            for c, value in enumerate(_cells(person)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, person.id)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def selected(self) -> PersonSummary | None:
        """The selected person, or None (with a hint to select one)."""
        items = self.table.selectedItems()
        if not items:
            self.status.setText("Select a person first.")
            return None
        return self.people.summary(int(items[0].data(Qt.ItemDataRole.UserRole)))

    def rename(self) -> None:
        """Ask for a new display name."""
        person = self.selected()
        if person is None:
            return
        name, ok = QInputDialog.getText(self, "Rename", "New name:", text=person.name)
        if ok and name.strip():
            self._act(lambda: self.people.rename(person.id, name.strip(), self.staff()), "Renamed.")

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
            "Forget this person?",
            f"Delete {person.name} and everything about them (templates, photos, visits, "
            "history)? This cannot be undone.",
        ):
            self._act(
                lambda: self.people.forget(person.id, self.staff()), "Forgotten: all deleted."
            )

    def export(self) -> None:
        """Write a signed, encrypted bundle (people, catalog, rules) for a kiosk or the iPad."""
        if self.job is not None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export bundle", f"gallery{SUFFIX}", FILTER)
        secret = self._new_passphrase() if path else ""
        if not path or not secret:
            return
        target = Path(path) if path.endswith(SUFFIX) else Path(path + SUFFIX)
        try:
            extras = catalog_extras(Catalog(self.people.store), cheer_up=CHEER_UP, treats=TREATS)
            plan = plan_export(self.people, self.embedding, self.exchange, extras)
        except KioskError as exc:
            self.status.setText(f"Not done: {exc}")
            return
        staff = self.staff()

        def done(result: object) -> None:
            if isinstance(result, GalleryBundle):
                finish_export(self.people, self.exchange, result, staff)
                self.status.setText(
                    f"Exported {len(result.people)} people to {target.name} (bundle "
                    f"#{result.counter}, valid until {result.expires_at[:10]})."
                )

        self._start(lambda: write_export(plan, target, secret), done, "Exporting…")

    def import_bundle(self) -> None:
        """Add the people of a bundle made with the same model (read off the GUI thread)."""
        if self.job is not None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import bundle", "", FILTER)
        secret = self._passphrase("The bundle's passphrase:") if path else ""
        if not path or not secret:
            return
        try:
            wanted = expectation(self.exchange, self.embedding.onnx_sha256, self.embedding.dim)
        except KioskError as exc:
            self.status.setText(f"Not done: {exc}")
            return
        staff = self.staff()

        def done(result: object) -> None:
            if isinstance(result, GalleryBundle):
                report = merge_bundle(self.people, result, staff=staff, settings=self.exchange)
                self.status.setText(_import_text(report))
                self.refresh()
                self.sig_changed.emit()

        self._start(lambda: read_bundle(Path(path), secret, wanted), done, "Importing…")

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
            self.status.setText(f"Not done: {result}")
            return
        try:
            self._done(result)
        except KioskError as exc:
            self.status.setText(f"Not done: {exc}")

    def _new_passphrase(self) -> str:
        first = self._passphrase(
            "Passphrase for the bundle (four or more unrelated words; you will need it on the "
            "iPad or the other kiosk):"
        )
        if not first:
            return ""
        problem = passphrase_problem(first)
        if problem is not None:
            self.status.setText(f"Not done: {problem}.")
            return ""
        if self._passphrase("The same passphrase again:") != first:
            self.status.setText("Not done: the two passphrases differ.")
            return ""
        return first

    def _passphrase(self, prompt: str) -> str:
        text, ok = QInputDialog.getText(self, "Passphrase", prompt, QLineEdit.EchoMode.Password)
        return text if ok else ""

    def _act(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except KioskError as exc:
            self.status.setText(f"Not done: {exc}")
            return
        self.status.setText(done)
        self.refresh()
        self.sig_changed.emit()


def _import_text(report: BundleImportReport) -> str:
    return (
        f"Imported bundle #{report.counter}: {report.people_added} people added, "
        f"{report.people_updated} updated, {report.templates_added} templates; "
        f"{report.people_forgotten} forgotten as the bundle asks, {report.people_refused} "
        "forgotten here before and not added back."
    )


def _cells(person: PersonSummary) -> tuple[str, ...]:
    return (
        str(person.id),
        person.name,
        str(person.templates),
        str(person.photos) if person.keep_photos else "no",
        person.created_at[:10],
        person.updated_at[:16].replace("T", " "),
    )
