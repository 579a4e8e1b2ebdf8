"""The assembled kiosk in demo mode (offscreen): taps are rewards, enrolment end to end."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import LANGUAGES, KioskConfig
from kiosk.core.enrol_rules import PoseStep
from kiosk.services.demo import demo_config
from kiosk.services.enrol_capture import EnrolFeedback
from kiosk.ui.kiosk_app import KioskApp
from kiosk.ui.staff.enrol_tab import EnrolTab
from kiosk.vision.models import VisionModels


@pytest.fixture
def kiosk(qtbot: QtBot, config: KioskConfig, vision_models: VisionModels) -> Iterator[KioskApp]:
    app = KioskApp(demo_config(config), vision_models, demo=True)
    qtbot.addWidget(app.window)
    app.window.resize(1280, 760)
    app.window.show()
    app.controller.start()
    yield app
    app.shutdown()
    assert not app.controller.running


def test_demo_data_is_prepared_once(kiosk: KioskApp, config: KioskConfig) -> None:
    names = {p.name for p in kiosk.people.list_people()}
    assert names == {"Obama", "Biden", "Eileen Collins"}  # display names from the folders
    assert len(kiosk.catalog.products()) == 40
    assert (config.paths.data_dir / "demo" / "kiosk.db").exists()


def test_a_card_tap_is_recorded_as_a_reward(qtbot: QtBot, kiosk: KioskApp) -> None:
    card = kiosk.view.panel.cards[0]
    qtbot.waitUntil(lambda: card.isVisible() and bool(card.sku), timeout=30_000)
    sku = card.sku
    card.button.click()
    rows = list(
        kiosk.people.store.db.query(
            "SELECT r.kind, r.value, i.sku FROM rewards r JOIN impressions i "
            "ON i.id = r.impression_id WHERE r.kind = 'tap'"
        )
    )
    assert [(r["sku"], r["value"]) for r in rows] == [(sku, 1.0)]
    assert not card.button.isEnabled()  # the shopper sees it was taken


def _open_enrol_tab(kiosk: KioskApp) -> EnrolTab:
    kiosk.staff.sign_in("Dana")
    kiosk.enrol_tab.staff_name = "Dana"
    kiosk.window.show_staff(kiosk.staff)
    return kiosk.enrol_tab


def test_the_demo_clips_photos_can_never_be_enrolled(qtbot: QtBot, kiosk: KioskApp) -> None:
    """The demo clip is made of still photos (of people the demo enrolled): the wizard checks
    for a live person, recognises the enrolled face, and takes no capture."""
    tab = _open_enrol_tab(kiosk)
    tab.name.setText("Alex Example")
    tab.start()
    assert tab.pages.currentIndex() == 0 and "consent" in tab.form_message.text()  # no consent
    tab.consent.setChecked(True)
    tab.start()
    assert tab.pages.currentIndex() == 1
    seen: list[object] = []
    assert tab.worker is not None
    tab.worker.sig_feedback.connect(lambda f, _frame: seen.append(f))
    qtbot.waitUntil(
        lambda: len(seen) >= 40 or tab.capture.duplicate_box.isVisible(), timeout=60_000
    )
    feedback = [f for f in seen if isinstance(f, EnrolFeedback)]
    assert feedback and all(f.captures == 0 for f in feedback)
    assert {f.reason for f in feedback} <= {"no_face", "not_live", "already_enrolled"}
    tab.cancel()
    assert "Alex Example" not in {p.name for p in kiosk.people.list_people()}
    assert not kiosk.controller.worker._paused.is_set()  # analysis resumed


def test_enrolment_wizard_end_to_end_adds_to_the_recognised_person(
    qtbot: QtBot, kiosk: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Liveness and head turns stubbed (both tested on their own). Staff start a new enrolment
    for a face the kiosk already knows (Obama, from the demo): capture stops and names him;
    staff add the captures to him; review (drop one, take another); save. No second person."""
    monkeypatch.setattr("kiosk.vision.pipeline.LivenessTracker", _AlwaysLive)
    monkeypatch.setattr(
        "kiosk.services.enrolment.pose_plan",
        lambda total, _yaw: (PoseStep("straight", "look at the camera", total, 0.0, 25.0),),
    )
    small = dataclasses.replace(kiosk.config.enrolment, captures=4)
    monkeypatch.setattr(kiosk, "config", dataclasses.replace(kiosk.config, enrolment=small))
    before = {p.name: p.templates for p in kiosk.people.list_people()}
    tab = _open_enrol_tab(kiosk)
    tab.name.setText("Alex Example")
    tab.consent.setChecked(True)
    tab.start()
    qtbot.waitUntil(tab.capture.duplicate_box.isVisible, timeout=60_000)
    assert "Obama" in tab.capture.duplicate_text.text()
    tab.capture.add_to_existing.click()
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 2, timeout=60_000)  # review
    assert len(tab.review.tiles) == 4
    tab.review.tiles[0].click()
    assert len(tab.review.tiles) == 3
    tab._resume_capture()
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 2, timeout=60_000)
    tab._save()
    assert tab.pages.currentIndex() == 3
    after = {p.name: p.templates for p in kiosk.people.list_people()}
    assert set(after) == set(before)  # nobody new
    assert after["Obama"] > before["Obama"]
    audit = list(kiosk.people.store.db.query("SELECT staff, action, detail FROM audit"))
    assert any(a["staff"] == "Dana" for a in audit)
    assert all("Obama" not in a["detail"] for a in audit)  # no names in the audit log
    assert not kiosk.controller.worker._paused.is_set()  # analysis resumed


class _AlwaysLive:
    live = True

    def __init__(self, *_args: object) -> None:
        pass

    def update(self, timestamp_ms: float, mesh: object, texture: object = None) -> _AlwaysLive:
        return self


def test_settings_are_saved_atomically(qtbot: QtBot, kiosk: KioskApp) -> None:
    tab = kiosk.settings_tab
    assert kiosk.view.video.overlays.emotion is False  # private by default
    tab.emotion_badge.setChecked(True)
    tab.retention.setValue(3)
    tab.save()
    text = kiosk.config_path.read_text()
    assert "retention_days = 3" in text and "show_emotion = true" in text
    assert kiosk.view.video.overlays.emotion is True


def test_demo_mode_never_touches_the_shop_data(config: KioskConfig) -> None:
    demo = demo_config(config)
    assert demo.paths.data_dir == config.paths.data_dir / "demo"
    assert dataclasses.replace(demo, paths=config.paths, source_file=None) == config
    assert not (Path(config.paths.data_dir) / "kiosk.db").exists()


def test_demo_mode_keeps_the_installations_pin_and_settings(config: KioskConfig) -> None:
    """The PIN guards the PC, not the demo data; settings saved in demo mode are the ones the
    next run reads (they used to be written to <data>/demo/kiosk.toml and never read)."""
    demo = demo_config(config)
    assert demo.paths.pin_path == config.paths.pin_path
    assert demo.config_path == config.config_path == config.paths.data_dir / "kiosk.toml"


def test_on_a_fresh_install_staff_mode_is_locked_and_says_how_to_unlock(
    qtbot: QtBot, kiosk: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A passer-by long-presses "Staff" on a kiosk nobody set a PIN on: no PIN dialog to choose
    one, no staff screen, only how staff set it from a terminal."""
    shown: list[str] = []
    monkeypatch.setattr(
        "kiosk.ui.kiosk_app.QMessageBox.information",
        lambda _parent, _title, text: shown.append(text),
    )
    monkeypatch.setattr(
        "kiosk.ui.kiosk_app.PinDialog.exec", lambda _self: pytest.fail("no PIN dialog")
    )
    kiosk.open_staff()
    assert len(shown) == 1 and "kiosk staff set-pin" in shown[0]
    assert kiosk.window.stack.currentWidget() is kiosk.window.shopper
    assert not kiosk.config.paths.pin_path.exists()


def test_start_up_makes_the_daily_backup(kiosk: KioskApp) -> None:
    backups = list((kiosk.config.paths.data_dir / "backups").glob("kiosk-*.db"))
    assert len(backups) == 1
    kiosk.backup_if_due()  # not due again the same day
    assert len(list((kiosk.config.paths.data_dir / "backups").glob("kiosk-*.db"))) == 1


def test_a_forget_from_another_process_reaches_the_running_kiosk(
    qtbot: QtBot, kiosk: KioskApp, config: KioskConfig
) -> None:
    """Issue 13.9: `kiosk people forget` while the kiosk runs; it must stop recognising them."""
    from kiosk.store.people import open_people

    assert "Biden" in kiosk.controller.pipeline._gallery.names.values()
    other = open_people(demo_config(config).paths, retention_days=None)  # the CLI's connection
    try:
        other.forget(other.find_by_name("Biden")[0], "cli")
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: "Biden" not in kiosk.controller.pipeline._gallery.names.values(), timeout=2_000
    )


def test_unknown_visitors_are_purged_while_running_and_the_notice_says_how_long(
    kiosk: KioskApp,
) -> None:
    """Issue 13.11: purge on a schedule (not only at start-up); the notice shows the setting."""
    from kiosk.ui.shopper import privacy_details

    db = kiosk.people.store.db
    db.execute(
        "INSERT INTO visits (person_id, started_at, ended_at) VALUES "
        "(NULL, '2020-01-01T10:00:00+00:00', '2020-01-01T10:01:00+00:00')"
    )
    assert kiosk._purge_timer.isActive() and kiosk._purge_timer.interval() <= 3_600_000
    kiosk._purge_timer.timeout.emit()
    assert db.execute("SELECT count(*) FROM visits WHERE started_at < '2021'").fetchone()[0] == 0
    days = kiosk.config.privacy.retention_days
    assert kiosk.view.retention_days == days
    assert f"after {days} days" in privacy_details(days) and "7 days" not in privacy_details(3)


def test_staff_mode_shows_when_the_chain_is_offline(
    qtbot: QtBot, config: KioskConfig, vision_models: VisionModels, tmp_path: Path
) -> None:
    """A kiosk in a chain whose server cannot be reached keeps running and tells staff."""
    dead = dataclasses.replace(
        config.fleet, dsn=f"host={tmp_path} port=1 dbname=x", sync_interval_s=0.5
    )
    app = KioskApp(dataclasses.replace(demo_config(config), fleet=dead), vision_models, demo=True)
    qtbot.addWidget(app.window)
    try:
        assert app.fleet is not None
        qtbot.waitUntil(lambda: "OFFLINE" in app.staff.chain.text(), timeout=5_000)
        assert not app.staff.chain.isHidden()
    finally:
        app.shutdown()
    assert app.fleet is not None and not app.fleet._thread.is_alive()


def test_interest_reaches_the_staff_alert_list_with_a_sound(
    qtbot: QtBot, kiosk: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    beeps: list[int] = []
    monkeypatch.setattr("kiosk.ui.kiosk_app.QApplication.beep", lambda: beeps.append(1))
    display = dataclasses.replace(kiosk.config.display, alert_sound=True)
    kiosk.config = dataclasses.replace(kiosk.config, display=display)
    card = kiosk.view.panel.cards[0]
    qtbot.waitUntil(lambda: card.isVisible() and bool(card.sku), timeout=30_000)
    name = card.name.text()
    card.button.click()
    assert beeps == [1]
    assert kiosk.view.staff_button.text() == "Staff · 1"  # a count, never a name
    table = kiosk.alerts_tab.table
    row = [table.item(0, c).text() for c in range(1, 4)]  # type: ignore[union-attr]
    assert row == ["interested in", name, "not recognised"]  # the demo's photos never go live
    kiosk.staff.sign_in("Dana")
    kiosk.window.show_staff(kiosk.staff)
    kiosk.staff.show_page("alerts")
    assert kiosk.session.alerts.unseen == 0 and kiosk.view.staff_button.text() == "Staff"
    assert kiosk.staff.tabs.tabText(kiosk.staff.tabs.currentIndex()) == "Alerts"


def test_staff_switch_the_language_and_every_screen_follows(qtbot: QtBot, kiosk: KioskApp) -> None:
    tab = kiosk.settings_tab
    tab.language.setCurrentIndex(LANGUAGES.index("de"))
    tab.currency.setText("chf")
    tab.save()
    assert kiosk.translations.language == "de"
    qtbot.waitUntil(lambda: kiosk.staff.back.text() == "Zurück zum Geschäft")  # LanguageChange
    assert kiosk.staff.tabs.tabText(0) == "Registrieren"
    assert "Gesichter" in kiosk.view.notice.text()
    assert tab.save_button.text() == "Einstellungen speichern"
    card = kiosk.view.panel.cards[0]
    qtbot.waitUntil(lambda: card.isVisible() and bool(card.sku), timeout=30_000)
    assert card.button.text() == "Interessiert mich"
    assert card.price.text().endswith("\u00a0CHF") and "," in card.price.text()
    tab.language.setCurrentIndex(LANGUAGES.index("zh_CN"))
    tab.save()
    qtbot.waitUntil(lambda: kiosk.view.pause_button.text() == "暂停")
    assert card.button.text() == "我感兴趣"
    tab.language.setCurrentIndex(LANGUAGES.index("en"))
    tab.currency.setText("EUR")
    tab.save()
    qtbot.waitUntil(lambda: kiosk.view.pause_button.text() == "Pause")
    assert card.button.text() == "I'm interested"
    assert 'language = "en"' in kiosk.config_path.read_text()


def test_staff_fields_open_the_on_screen_keyboard(qtbot: QtBot, kiosk: KioskApp) -> None:
    from PySide6.QtCore import Qt

    kiosk.staff.sign_in("Dana")
    kiosk.window.show_staff(kiosk.staff)
    keyboard = kiosk.staff.keyboard
    for page, field in (
        ("enrol", kiosk.enrol_tab.name),
        ("gallery", kiosk.gallery_tab.search),
        ("catalog", kiosk.catalog_tab.search),
    ):
        kiosk.staff.show_page(page)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
        assert keyboard.isVisible() and keyboard.target is field
        keyboard.type_text("Ada")
        assert field.text().endswith("Ada")
        keyboard.done()
        assert not keyboard.isVisible()
