"""Gallery: enrolled people; search, rename, re-enrol, forget (bundles: `bundle_dialogs`).

"Captures" are the faces a person gave (camera captures at enrolment, imported photos): the
number the enrolment and import summaries report. "Templates" adds what is derived from them
(a mirrored template per capture when flip is on, one mean per person). Names and passphrases
are typed on the on-screen keyboard (`kiosk.ui.keyboard.ask_text`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.errors import KioskError
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.gallery_exchange import ExchangeSettings, default_settings
from kiosk.store.people import PeopleStore
from kiosk.store.people_records import PersonSummary
from kiosk.ui.keyboard import ask_text
from kiosk.ui.staff.bundle_dialogs import BundleDialogs
from kiosk.ui.widgets import WordyTab, button, confirm, fit_columns, label

COLUMNS = 7


class GalleryTab(WordyTab):
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
        self.language = "en"  # the on-screen keyboard's layout in prompts
        self.search = QLineEdit()
        self.search.textChanged.connect(self.refresh)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        fit_columns(self.table)
        self.table.verticalHeader().hide()
        self.status = label("", "cardReason", wrap=True)
        self.legend = label("", "help", wrap=True)
        self.bundles = BundleDialogs(
            self,
            self.status,
            people=people,
            embedding=embedding,
            staff=staff,
            exchange=exchange or default_settings(people, embedding.max_distance),
            language=lambda: self.language,
        )
        self.bundles.sig_imported.connect(self._on_imported)
        actions = QHBoxLayout()
        self._actions: list[QPushButton] = []
        bundles = (self.bundles.export, self.bundles.import_bundle)
        for slot in (self.rename, self.reenrol, self.forget, *bundles):
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
        self.refresh_when_shown()

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

    def _act(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except KioskError as exc:
            self.status.setText(self.tr("Not done: {reason}").replace("{reason}", str(exc)))
            return
        self.status.setText(done)
        self._on_imported()

    def _on_imported(self) -> None:
        self.refresh()
        self.sig_changed.emit()
