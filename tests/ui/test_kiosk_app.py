"""The assembled kiosk in demo mode (offscreen): taps are rewards, enrolment end to end."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import KioskConfig
from kiosk.services.demo import demo_config
from kiosk.ui.kiosk_app import KioskApp
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


def test_enrolment_wizard_end_to_end_on_the_video(qtbot: QtBot, kiosk: KioskApp) -> None:
    kiosk.staff.sign_in("Dana")
    kiosk.enrol_tab.staff_name = "Dana"
    kiosk.window.show_staff(kiosk.staff)
    tab = kiosk.enrol_tab
    tab.name.setText("Alex Example")
    tab.start()
    assert tab.pages.currentIndex() == 0 and "consent" in tab.form_message.text()  # no consent
    tab.consent.setChecked(True)
    tab.start()
    assert tab.pages.currentIndex() == 1
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 2, timeout=60_000)
    people = {p.name: p for p in kiosk.people.list_people()}
    assert people["Alex Example"].templates >= kiosk.config.enrolment.captures
    assert "Alex Example" in kiosk.controller.pipeline._gallery.names.values()
    audit = list(kiosk.people.store.db.query("SELECT staff, action, detail FROM audit"))
    assert any(a["staff"] == "Dana" for a in audit)
    assert all("Alex" not in a["detail"] for a in audit)  # no names in the audit log
    assert not kiosk.controller.worker._paused.is_set()  # analysis resumed


def test_settings_are_saved_atomically(qtbot: QtBot, kiosk: KioskApp) -> None:
    tab = kiosk.settings_tab
    tab.emotion_badge.setChecked(False)
    tab.retention.setValue(3)
    tab.save()
    text = kiosk.config_path.read_text()
    assert "retention_days = 3" in text and "show_emotion = false" in text
    assert kiosk.view.video.overlays.emotion is False


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
