"""Settings: camera, how strict recognition is, what faces show, language and currency, alerts,
retention and how products are picked; each explained in plain words (and which way is stricter).

Display settings (badges, camera view, language, currency, alert sound) apply at once; the
camera, recognition, retention and the way products are picked apply when the kiosk restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import CAMERA_VIEWS, LANGUAGES, KioskConfig
from kiosk.config.loading import load_config, write_setting
from kiosk.errors import ConfigError
from kiosk.ui.i18n import LANGUAGE_NAMES
from kiosk.ui.widgets import button, label

POLICIES = ("bandit", "rules", "popularity", "random")  # the learner first
Setting = tuple[str, str, float | int | str | bool]


class SettingsTab(QWidget):
    """Edits kiosk.toml (each write atomic)."""

    sig_saved = Signal(object)  # the new KioskConfig

    def __init__(
        self, config: KioskConfig, config_path: Path, audit: Callable[[str, str], None]
    ) -> None:
        super().__init__()
        self.config_path = config_path
        self._audit = audit
        self._labels: dict[str, QLabel] = {}
        self._helps: dict[str, QLabel] = {}
        self._build_fields(config)
        self.save_button = button("", "interested")
        self.save_button.clicked.connect(self.save)
        self.status = label("", "", wrap=True)
        form_widget = QWidget()
        self._form = QFormLayout(form_widget)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # title above field
        self._add_rows()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.status)
        self.retranslate()

    def _build_fields(self, config: KioskConfig) -> None:
        display = config.display
        self.camera = QLineEdit(config.camera.source)
        self.threshold = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=1.5, singleStep=0.01)
        self.threshold.setValue(config.pipeline.max_distance)
        self.names_badge = QCheckBox()
        self.names_badge.setChecked(display.show_names)
        self.emotion_badge = QCheckBox()
        self.emotion_badge.setChecked(display.show_emotion)
        self.mask_badge = QCheckBox()
        self.mask_badge.setChecked(display.show_mask)
        self.camera_view = QComboBox()
        self.camera_view.addItems(["", ""])
        self.camera_view.setCurrentIndex(CAMERA_VIEWS.index(display.camera_view))
        self.language = QComboBox()
        self.language.addItems([LANGUAGE_NAMES[code] for code in LANGUAGES])
        self.language.setCurrentIndex(LANGUAGES.index(display.language))
        self.currency = QLineEdit(display.currency)
        self.currency.setMaxLength(3)
        self.alert_sound = QCheckBox()
        self.alert_sound.setChecked(display.alert_sound)
        self.retention = QSpinBox(minimum=1, maximum=365)
        self.retention.setValue(config.privacy.retention_days)
        self.policy = QComboBox()
        self.policy.addItems(["" for _ in POLICIES])
        self.policy.setCurrentIndex(POLICIES.index(config.recommend.policy))

    def _add_rows(self) -> None:
        rows = (  # (label key, field, key of the explanation shown below it)
            ("camera", self.camera, "camera"),
            ("threshold", self.threshold, "threshold"),
            ("badges", self.names_badge, ""),
            ("", self.emotion_badge, ""),
            ("", self.mask_badge, "badges"),
            ("view", self.camera_view, ""),
            ("language", self.language, ""),
            ("currency", self.currency, "currency"),
            ("sound", self.alert_sound, ""),
            ("retention", self.retention, "retention"),
            ("policy", self.policy, "policy"),
        )
        for key, field, help_key in rows:
            if key:
                self._labels[key] = label("", "settingTitle")
                self._form.addRow(self._labels[key], field)
            else:
                self._form.addRow(field)
            if help_key:
                self._helps[help_key] = label("", "help", wrap=True)
                self._form.addRow("", self._helps[help_key])

    def retranslate(self) -> None:
        """Words in the current language."""
        self._word_labels()
        self._word_help()
        self.names_badge.setText(self.tr("Names of recognised shoppers (after the live check)"))
        self.emotion_badge.setText(self.tr("Expression badge (happy, sad, …): off by default"))
        self.mask_badge.setText(self.tr("Mask badge"))
        self.camera_view.setItemText(0, self.tr("Small mirror above the picks"))
        self.camera_view.setItemText(1, self.tr("Large picture beside the picks"))
        self.alert_sound.setText(self.tr("Beep when a shopper calls staff or is interested"))
        self.retention.setSuffix(self.tr(" days"))
        self.threshold.setSpecialValueText(self.tr("tested default (0.600)"))
        names = (
            self.tr("Learns from shoppers' taps (recommended)"),
            self.tr("Fixed rules"),
            self.tr("Most popular products"),
            self.tr("Random (for testing only)"),
        )
        for i, text in enumerate(names):
            self.policy.setItemText(i, text)
        self.save_button.setText(self.tr("Save settings"))

    def _word_labels(self) -> None:
        words = {
            "camera": self.tr("Camera"),
            "threshold": self.tr("How alike faces must be to recognise someone"),
            "badges": self.tr("Shown on faces"),
            "view": self.tr("Camera picture"),
            "language": self.tr("Language"),
            "currency": self.tr("Currency of the catalog's prices"),
            "sound": self.tr("Staff alerts"),
            "retention": self.tr("Keep unknown visitors' visit times for"),
            "policy": self.tr("How products are picked"),
        }
        for key, widget in self._labels.items():
            widget.setText(words[key])

    def _word_help(self) -> None:
        words = {
            "camera": self.tr(
                "0 is the first webcam, 1 the second; a device such as /dev/video2 or a video "
                "file also works. Check it with: kiosk doctor"
            ),
            "threshold": self.tr(
                "The largest difference (distance) between a face and an enrolled face that "
                "still counts as the same person. Lower is stricter: fewer shoppers greeted "
                "with someone else's name, but enrolled shoppers are recognised less often. "
                "0 uses the value tested with the model (0.600)."
            ),
            "badges": self.tr(
                "Everyone in the queue can read these badges: a public “sad” is unkind, so "
                "the expression badge is off unless you switch it on."
            ),
            "currency": self.tr("A three-letter code: EUR, USD, GBP, CNY, CHF, …"),
            "retention": self.tr(
                "Only the times of visits by people who are not enrolled, deleted after this."
            ),
            "policy": self.tr(
                "“Learns from taps” tries products and shows more of what shoppers tap “I'm "
                "interested” on (a method called a contextual bandit). “Fixed rules” uses "
                "shoppers' stated likes and their mood. Changes apply after a restart."
            ),
        }
        for key, widget in self._helps.items():
            widget.setText(words[key])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def values(self) -> list[Setting]:
        """Every setting on the page as (section, name, value)."""
        return [
            ("camera", "source", self.camera.text().strip() or "0"),
            ("pipeline", "max_distance", round(self.threshold.value(), 4)),
            ("display", "show_names", self.names_badge.isChecked()),
            ("display", "show_emotion", self.emotion_badge.isChecked()),
            ("display", "show_mask", self.mask_badge.isChecked()),
            ("display", "camera_view", CAMERA_VIEWS[self.camera_view.currentIndex()]),
            ("display", "language", LANGUAGES[self.language.currentIndex()]),
            ("display", "currency", self.currency.text().strip().upper()),
            ("display", "alert_sound", self.alert_sound.isChecked()),
            ("privacy", "retention_days", self.retention.value()),
            ("recommend", "policy", POLICIES[self.policy.currentIndex()]),
        ]

    def save(self) -> None:
        """Write every setting to kiosk.toml (each write is atomic) and report."""
        try:
            for section, name, value in self.values():
                write_setting(self.config_path, section, name, value)
            config = load_config(self.config_path, {})
        except (ConfigError, OSError) as exc:
            self.status.setText(self.tr("Not saved: {reason}").replace("{reason}", str(exc)))
            return
        self._audit("settings", "changed settings")
        self.status.setText(
            self.tr(
                "Saved to {path}. What faces show, the camera picture, language, currency and "
                "alerts apply now; the camera, recognition, retention and how products are "
                "picked apply when the kiosk restarts."
            ).replace("{path}", str(self.config_path))
        )
        self.sig_saved.emit(config)
