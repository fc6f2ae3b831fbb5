"""Preferences: transport, confirmation, hotkey, always-on-top, quantity limit."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QKeySequenceEdit,
    QSpinBox,
    QWidget,
)

from ctpanel.qt.settings import CONFIRM_MODES, OPTIONS, Preferences

CONFIRM_LABELS = {"never": "Never", "always": "Always", "live": "Live accounts only"}


class SettingsDialog(QDialog):
    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ctpanel settings")
        self.setObjectName("settingsDialog")
        self.preferences = preferences
        self.transport = QComboBox()
        self.transport.addItem("REST (HTTPS)", "rest")
        self.transport.addItem("WebSocket", "ws")
        self.transport.setCurrentIndex(max(0, self.transport.findData(
            preferences.get("transport"))))
        self.confirm = QComboBox()
        for mode in CONFIRM_MODES:
            self.confirm.addItem(CONFIRM_LABELS[mode], mode)
        self.confirm.setCurrentIndex(max(0, self.confirm.findData(preferences.get("confirm"))))
        self.hotkey = QKeySequenceEdit(QKeySequence(preferences.get("hotkey")))
        self.always_on_top = QCheckBox("Keep the panel above other windows")
        self.always_on_top.setChecked(preferences.get("always_on_top"))
        self.max_quantity = QSpinBox()
        self.max_quantity.setRange(1, 10_000)
        self.max_quantity.setValue(preferences.get("max_quantity"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Send orders over", self.transport)
        layout.addRow("Confirm before sending", self.confirm)
        layout.addRow("Reverse hotkey", self.hotkey)
        layout.addRow("", self.always_on_top)
        layout.addRow("Largest quantity", self.max_quantity)
        layout.addRow(buttons)

    def accept(self) -> None:
        hotkey = self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        self.preferences.set("transport", self.transport.currentData())
        self.preferences.set("confirm", self.confirm.currentData())
        self.preferences.set("hotkey", hotkey or OPTIONS["hotkey"].default)
        self.preferences.set("always_on_top", self.always_on_top.isChecked())
        self.preferences.set("max_quantity", self.max_quantity.value())
        super().accept()

