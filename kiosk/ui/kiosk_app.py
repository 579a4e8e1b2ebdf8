"""The whole kiosk put together: store, services, shopper view, staff mode, shutdown.

Everything that touches SQLite lives on the GUI thread (the thread that created the store);
models run on the worker threads.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.camera.plan import plan_source
from kiosk.config import KioskConfig
from kiosk.errors import KioskError
from kiosk.fleet.worker import start_worker
from kiosk.services.alerts import StaffAlert
from kiosk.services.demo import open_shopper_session, prepare_demo_data
from kiosk.services.enrolment import Enrolment
from kiosk.services.staff_access import StaffAccess
from kiosk.store.backup import backup_if_due
from kiosk.store.bundle import EmbeddingInfo
from kiosk.store.catalog import Catalog
from kiosk.store.gallery_exchange import exchange_settings
from kiosk.store.people import open_people
from kiosk.store.people_records import Consent
from kiosk.store.retention import purge_unknown
from kiosk.store.staff_pin import PinFile
from kiosk.ui.i18n import Translations
from kiosk.ui.launch import apply_display, build_shopper, qt_application
from kiosk.ui.money import Money
from kiosk.ui.pin_dialog import PinDialog
from kiosk.ui.staff.alerts_tab import AlertsTab
from kiosk.ui.staff.analytics_tab import AnalyticsTab
from kiosk.ui.staff.catalog_tab import CatalogTab
from kiosk.ui.staff.enrol_tab import EnrolTab
from kiosk.ui.staff.gallery_tab import GalleryTab
from kiosk.ui.staff.settings_tab import SettingsTab
from kiosk.ui.staff.view import StaffView
from kiosk.ui.window import KioskWindow
from kiosk.vision.models import VisionModels

log = logging.getLogger(__name__)

BACKUP_CHECK_MS = 3_600_000  # look hourly; a backup is made when the newest is a day old
POLL_MS = 1_000  # gallery changes by any process (CLI forget, chain sync) show within 2 s
PURGE_MS = 3_600_000  # unknown visitors' data past the retention goes hourly, not only at start


class KioskApp:
    """Owns the open store, the services, the window and its threads."""

    def __init__(
        self, config: KioskConfig, models: VisionModels, *, demo: bool, fullscreen: bool = False
    ) -> None:
        self.config = config
        self._closed = False
        self.translations = Translations()
        self.translations.use(config.display.language)
        self.models = models
        self.people = open_people(config.paths, config.privacy.retention_days)
        if demo:
            prepare_demo_data(self.people, models)
        embedder = models.embedder
        self.people.require_model(embedder.model_key)
        self.catalog = Catalog(self.people.store)
        self.session = open_shopper_session(self.people, config, models)
        plan = plan_source(config, demo)
        gallery = self.people.gallery(embedder.model_key, embedder.dim)
        self._gallery = gallery
        self.session.on_gallery(gallery)
        self.view, self.controller = build_shopper(config, models, gallery, plan, self.session)
        self.window = KioskWindow(
            self.view, kiosk_mode=fullscreen, cursor_hide_s=config.display.cursor_hide_s
        )
        self.staff = self._build_staff()
        self._apply_staff_display(config)
        self.window.sig_staff_requested.connect(self.open_staff)
        self.controller.sig_alert.connect(self._on_alert)
        self._backup_timer = QTimer(interval=BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.backup_if_due)
        self._backup_timer.start()
        self.backup_if_due()
        self.access = StaffAccess(PinFile(config.paths.pin_path), config.staff)
        self.fleet = start_worker(config, embedder.model_key)  # None without [fleet] dsn
        self._poll_timer = QTimer(interval=POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self._poll_timer.start()
        self._purge_timer = QTimer(interval=PURGE_MS)
        self._purge_timer.timeout.connect(self.purge)
        self._purge_timer.start()

    @property
    def config_path(self) -> Path:
        """Where settings are written."""
        return self.config.config_path

    def _build_staff(self) -> StaffView:
        staff = StaffView(self.config.staff.idle_logout_s)
        self.enrol_tab = EnrolTab(self.controller, self._new_enrolment)
        self.enrol_tab.sig_enrolled.connect(lambda _: self.refresh_gallery())
        embedder = self.models.embedder
        info = EmbeddingInfo(
            embedder.spec.key,
            embedder.model_key,
            embedder.dim,
            self.config.pipeline.max_distance or embedder.spec.threshold("max_distance"),
        )
        exchange = exchange_settings(self.config, info.max_distance, "iFace Kiosk")
        self.gallery_tab = GalleryTab(self.people, info, lambda: staff.staff_name, exchange)
        self.gallery_tab.sig_changed.connect(self.refresh_gallery)
        self.gallery_tab.sig_reenrol.connect(self._reenrol)
        self.catalog_tab = CatalogTab(self.catalog, self.audit)
        self.alerts_tab = AlertsTab()
        self.alerts_tab.clear_button.clicked.connect(self._clear_alerts)
        self.analytics_tab = AnalyticsTab(self.people.store)
        self.settings_tab = SettingsTab(self.config, self.config_path, self.audit)
        self.settings_tab.sig_saved.connect(self._apply_settings)
        for page, key in (
            (self.enrol_tab, "enrol"),
            (self.gallery_tab, "gallery"),
            (self.catalog_tab, "catalog"),
            (self.alerts_tab, "alerts"),
            (self.analytics_tab, "analytics"),
            (self.settings_tab, "settings"),
        ):
            staff.add_tab(page, key)
        for field in (
            self.enrol_tab.name,
            self.gallery_tab.search,
            self.catalog_tab.search,
            self.settings_tab.camera,
            self.settings_tab.currency,
        ):
            staff.keyboard.attach(field)
        staff.tabs.currentChanged.connect(lambda _: self._on_staff_tab())
        staff.sig_done.connect(self.close_staff)
        staff.sig_exit.connect(self.exit)
        return staff

    def _new_enrolment(
        self, name: str, consent: Consent, keep_photos: bool, person_id: int | None
    ) -> Enrolment:
        return Enrolment(
            self.people,
            self.models,
            self.config.pipeline,
            self.config.enrolment,
            consent,
            name=None if person_id is not None else name,
            person_id=person_id,
            keep_photos=keep_photos,
            on_saved=self.controller.pipeline.set_gallery,
        )

    def _reenrol(self, person_id: int, name: str) -> None:
        self.enrol_tab.prepare_reenrol(person_id, name)
        self.staff.show_page("enrol")

    def _poll(self) -> None:
        """Pick up gallery changes made by any process; show the chain's state to staff."""
        if self.people.gallery_version() != self._gallery.version:
            self.refresh_gallery()
        if self.fleet is not None:
            status = self.fleet.status()
            self.staff.set_chain_status(status.text, status.online)

    def purge(self) -> None:
        """Delete unknown visitors' data older than the retention (hourly)."""
        purge_unknown(self.people.store, self.config.privacy.retention_days)

    def refresh_gallery(self) -> None:
        """Swap in a snapshot with whoever changed since the last one; drop forgotten state."""
        if self.fleet is not None:
            self.fleet.sync_soon()
        gallery = self.people.gallery_update(self._gallery, self.models.embedder.dim)
        self._gallery = gallery
        self.controller.pipeline.set_gallery(gallery)
        self.session.on_gallery(gallery)
        self.gallery_tab.refresh()

    def backup_if_due(self) -> None:
        """Daily database backup (SQLite online backup); a failure is logged, not fatal."""
        try:
            made = backup_if_due(self.people.store, self.config.paths.data_dir, datetime.now(UTC))
        except KioskError:
            log.exception("daily backup failed")
            return
        if made is not None:
            log.info("database backed up to %s", made.path.name)

    def audit(self, action: str, detail: str) -> None:
        """Record a staff action with the signed-in staff member's name."""
        self.people.audit(self.staff.staff_name or "staff", action, detail)

    def open_staff(self) -> None:
        """Ask for the PIN and show staff mode (locked, saying how to set a PIN, if none is)."""
        if not self.access.is_set():
            QMessageBox.information(
                self.window,
                QCoreApplication.translate("KioskApp", "Staff mode is locked"),
                QCoreApplication.translate(
                    "KioskApp",
                    "Staff mode is locked: no staff PIN has been set on this kiosk. On this PC, "
                    "open a terminal and run `kiosk staff set-pin --staff YOUR-NAME`, then try "
                    "again.",
                ),
            )
            return
        dialog = PinDialog(self.access, self.window)
        if dialog.exec() != PinDialog.DialogCode.Accepted:
            return
        self.staff.sign_in(dialog.name)
        self.enrol_tab.staff_name = dialog.name
        self.audit("staff", "signed in")
        self.analytics_tab.refresh()
        self.window.show_staff(self.staff)
        self._on_staff_tab()

    def close_staff(self) -> None:
        """Back to the shopper view (enrolment in progress is cancelled)."""
        self.enrol_tab.cancel()
        self.window.show_shopper()

    def _apply_settings(self, config: KioskConfig) -> None:
        """Settings staff saved that apply at once (the rest wait for a restart)."""
        self.config = dataclasses.replace(self.config, display=config.display)
        if config.display.language != self.translations.language:
            self.translations.use(config.display.language)
        apply_display(self.view, self.config)
        self._apply_staff_display(self.config)

    def _apply_staff_display(self, config: KioskConfig) -> None:
        display = config.display
        self.catalog_tab.money = Money(display.currency, display.language)
        self.catalog_tab.refresh()
        self.gallery_tab.language = display.language
        self.staff.keyboard.set_language(display.language)

    def _on_alert(self, alert: StaffAlert) -> None:
        """A shopper asked for staff: count it where staff look, and beep if asked to."""
        board = self.session.alerts
        self.alerts_tab.show_alerts(board.recent())
        if self.window.stack.currentWidget() is self.staff and (
            self.staff.tabs.currentWidget() is self.alerts_tab
        ):
            board.mark_seen()
        self._show_alert_count()
        if self.config.display.alert_sound:
            QApplication.beep()
        log.info("staff alert: %s", alert.kind)  # never the product or the shopper's name

    def _on_staff_tab(self) -> None:
        if self.staff.tabs.currentWidget() is self.alerts_tab:
            self.session.alerts.mark_seen()
            self.alerts_tab.show_alerts(self.session.alerts.recent())
            self._show_alert_count()

    def _clear_alerts(self) -> None:
        self.session.alerts.clear()
        self.alerts_tab.show_alerts(())
        self._show_alert_count()

    def _show_alert_count(self) -> None:
        unseen = self.session.alerts.unseen
        self.view.set_alerts(unseen)
        self.staff.set_alerts(unseen)

    def exit(self) -> None:
        """Staff chose to close the kiosk."""
        self.audit("staff", "closed the kiosk")
        self.window.allow_close()
        self.window.close()
        QApplication.quit()

    def shutdown(self) -> None:
        """Stop threads, write open visits, close the store (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self.window.hide()  # nothing on screen may reach for the store once it is closed
        self._backup_timer.stop()
        self._poll_timer.stop()
        self._purge_timer.stop()
        if self.fleet is not None:
            self.fleet.stop()
        self.enrol_tab.cancel()
        self.controller.stop()
        self.session.close(time.monotonic())
        self.people.close()


def run_kiosk_app(
    config: KioskConfig, models: VisionModels, *, demo: bool, fullscreen: bool
) -> int:
    """Open the kiosk and run until it closes; returns the exit code."""
    app = qt_application()
    kiosk = KioskApp(config, models, demo=demo, fullscreen=fullscreen)
    app.aboutToQuit.connect(kiosk.shutdown)
    kiosk.controller.start()
    if fullscreen:
        kiosk.window.setGeometry(kiosk.window.screen().geometry())  # also without a window manager
        kiosk.window.showFullScreen()
    else:
        kiosk.window.resize(1280, 760)
        kiosk.window.show()
    return app.exec()
