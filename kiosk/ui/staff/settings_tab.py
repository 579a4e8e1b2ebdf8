"""Settings: camera, recognition threshold, overlays, retention, suggestion policy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import KioskConfig, load_config, write_setting
from kiosk.core.vocabulary import PolicyName
from kiosk.errors import ConfigError
from kiosk.ui.widgets import button, label

POLICIES = tuple(str(p) for p in reversed(PolicyName))  # the learner first


class SettingsTab(QWidget):
    """Edits kiosk.toml. Overlays apply at once; camera and thresholds after a restart."""

    sig_saved = Signal(object)  # the new KioskConfig

    def __init__(
        self, config: KioskConfig, config_path: Path, audit: Callable[[str, str], None]
    ) -> None:
        super().__init__()
        self.config_path = config_path
        self._audit = audit
        self.camera = QLineEdit(config.camera.source)
        self.threshold = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=1.5, singleStep=0.01)
        self.threshold.setValue(config.pipeline.max_distance)
        self.threshold.setSpecialValueText("model default (0.600)")
        self.names_badge = QCheckBox("Names of recognised shoppers")
        self.names_badge.setChecked(config.display.show_names)
        self.emotion_badge = QCheckBox("Emotion badge")
        self.emotion_badge.setChecked(config.display.show_emotion)
        self.mask_badge = QCheckBox("Mask badge")
        self.mask_badge.setChecked(config.display.show_mask)
        self.retention = QSpinBox(minimum=1, maximum=365, suffix=" days")
        self.retention.setValue(config.privacy.retention_days)
        self.policy = QComboBox()
        self.policy.addItems(POLICIES)
        self.policy.setCurrentText(config.recommend.policy)
        form = QFormLayout()
        form.addRow("Camera (index, device or file)", self.camera)
        form.addRow("Recognition distance threshold", self.threshold)
        form.addRow("Shown on faces", self.names_badge)
        form.addRow("", self.emotion_badge)
        form.addRow("", self.mask_badge)
        form.addRow("Keep unknown visitors' data for", self.retention)
        form.addRow("Suggestion policy", self.policy)
        save = button("Save settings", "interested")
        save.clicked.connect(self.save)
        self.status = label("", "", wrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def save(self) -> None:
        """Write every setting to kiosk.toml (each write is atomic) and report."""
        values: list[tuple[str, str, float | int | str | bool]] = [
            ("camera", "source", self.camera.text().strip() or "0"),
            ("pipeline", "max_distance", round(self.threshold.value(), 4)),
            ("display", "show_names", self.names_badge.isChecked()),
            ("display", "show_emotion", self.emotion_badge.isChecked()),
            ("display", "show_mask", self.mask_badge.isChecked()),
            ("privacy", "retention_days", self.retention.value()),
            ("recommend", "policy", self.policy.currentText()),
        ]
        try:
            for section, name, value in values:
                write_setting(self.config_path, section, name, value)
            config = load_config(self.config_path, {})
        except (ConfigError, OSError) as exc:
            self.status.setText(f"Not saved: {exc}")
            return
        self._audit("settings", "changed settings")
        self.status.setText(
            f"Saved to {self.config_path}. Overlays apply now; camera, threshold, retention and "
            f"policy apply when the kiosk restarts."
        )
        self.sig_saved.emit(config)
