"""Gallery: enrolled people; search, rename, re-enrol, forget, export and import bundles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
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
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.gallery_exchange import export_gallery, import_gallery
from kiosk.store.people import PeopleStore
from kiosk.store.people_records import PersonSummary
from kiosk.ui.widgets import button, confirm, label

COLUMNS = ("id", "name", "templates", "photos kept", "enrolled", "updated")


class GalleryTab(QWidget):
    """A searchable table of enrolled people with the staff actions on them."""

    sig_changed = Signal()  # people were added, renamed or forgotten: rebuild the gallery
    sig_reenrol = Signal(int, str)  # person id, name

    def __init__(
        self, people: PeopleStore, embedding: EmbeddingInfo, staff: Callable[[], str]
    ) -> None:
        super().__init__()
        self.people = people
        self.embedding = embedding
        self.staff = staff
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
        """Write an encrypted bundle for another kiosk or the iPad."""
        path, _ = QFileDialog.getSaveFileName(self, "Export bundle", "gallery.iface", "*.iface")
        secret = self._passphrase("Passphrase for the bundle (at least 10 characters):")
        if path and secret:
            self._act(
                lambda: export_gallery(
                    self.people,
                    Path(path),
                    self.embedding,
                    secret,
                    staff=self.staff(),
                    created_by="iFace Kiosk",
                ),
                f"Exported to {path}.",
            )

    def import_bundle(self) -> None:
        """Add the people of a bundle made with the same model."""
        path, _ = QFileDialog.getOpenFileName(self, "Import bundle", "", "*.iface *.zip")
        secret = self._passphrase("The bundle's passphrase:")
        if path and secret:
            self._act(
                lambda: import_gallery(
                    self.people, Path(path), secret, self.embedding.onnx_sha256, staff=self.staff()
                ),
                "Imported.",
            )

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


def _cells(person: PersonSummary) -> tuple[str, ...]:
    return (
        str(person.id),
        person.name,
        str(person.templates),
        str(person.photos) if person.keep_photos else "no",
        person.created_at[:10],
        person.updated_at[:16].replace("T", " "),
    )
