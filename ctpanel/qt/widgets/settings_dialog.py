"""Preferences: transport, confirmation, hotkeys, re-arm delay, always-on-top, sounds, quantity
limit, the band outside which a quote is ignored."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QKeySequenceEdit,
    QSpinBox,
    QWidget,
)

from ctpanel.core.domain.protection import MAX_BRACKET_TICKS
from ctpanel.panel.hotkeys import global_hotkey_problem, hotkey_problem
from ctpanel.panel.options import CONFIRM_MODES, OPTIONS, PreferenceStore
from ctpanel.panel.sounds import SOUND_LABELS, SoundEvent
from ctpanel.panel.ticket import REARM_DELAY_RANGE_S
from ctpanel.qt.widgets.labels import WrappedLabel

CONFIRM_LABELS = {"never": "Never", "always": "Always", "live": "Live accounts only"}
# Keys that move through the dialog, never taken as the hotkey itself (unmodified).
NAVIGATION_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab,
                   Qt.Key.Key_Backtab)
PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier,
         Qt.KeyboardModifier.KeypadModifier)


class HotkeyEdit(QKeySequenceEdit):
    """One key combination. Return and Enter accept the dialog, Escape cancels it, Tab and
    Shift+Tab move on, as everywhere else: none of them becomes the hotkey."""

    def __init__(self, keys: str) -> None:
        super().__init__(QKeySequence(keys))
        self.setMaximumSequenceLength(1)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) \
                and isinstance(event, QKeyEvent) and event.key() in NAVIGATION_KEYS \
                and event.modifiers() in PLAIN:
            if event.type() is QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab,
                                                                         Qt.Key.Key_Backtab):
                self.focusNextPrevChild(event.key() == Qt.Key.Key_Tab
                                        and event.modifiers() != Qt.KeyboardModifier.ShiftModifier)
                return True
            event.ignore()  # the dialog's own Return and Escape
            return False
        return super().event(event)


class SettingsDialog(QDialog):
    def __init__(self, preferences: PreferenceStore, parent: QWidget | None = None) -> None:
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
        self.hotkey = HotkeyEdit(preferences.get("hotkey"))
        self.hotkey_problem = WrappedLabel("")
        self.hotkey_problem.setObjectName("hotkeyProblem")
        self.global_hotkey = HotkeyEdit(preferences.get("global_hotkey"))
        self.sounds = {event: QCheckBox(SOUND_LABELS[event]) for event in SoundEvent}
        for event, box in self.sounds.items():
            box.setChecked(preferences.get(event.preference))
        self.rearm_delay = QDoubleSpinBox()
        self.rearm_delay.setRange(*REARM_DELAY_RANGE_S)
        self.rearm_delay.setSingleStep(0.1)
        self.rearm_delay.setDecimals(1)
        self.rearm_delay.setSuffix(" s")
        self.rearm_delay.setValue(preferences.get("rearm_delay"))
        self.always_on_top = QCheckBox("Keep the panel above other windows")
        self.always_on_top.setChecked(preferences.get("always_on_top"))
        self.max_quantity = QSpinBox()
        self.max_quantity.setRange(1, 10_000)
        self.max_quantity.setValue(preferences.get("max_quantity"))
        self.quote_band = QDoubleSpinBox()
        self.quote_band.setRange(1, 100)
        self.quote_band.setDecimals(0)
        self.quote_band.setSuffix(" %")
        self.quote_band.setValue(preferences.get("quote_band_percent"))
        self.quote_band.setToolTip(OPTIONS["quote_band_percent"].help)
        self.stop_ticks = self._ticks_box("stop_ticks")
        self.target_ticks = self._ticks_box("target_ticks")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("Send orders over", self.transport)
        layout.addRow("Confirm before sending", self.confirm)
        layout.addRow("Reverse hotkey", self.hotkey)
        layout.addRow("Global hotkey (once armed)", self.global_hotkey)
        layout.addRow("", self.hotkey_problem)
        layout.addRow("Re-arm after an order", self.rearm_delay)
        layout.addRow("", self.always_on_top)
        for i, box in enumerate(self.sounds.values()):
            layout.addRow("Sounds" if i == 0 else "", box)
        layout.addRow("Largest quantity", self.max_quantity)
        layout.addRow("Ignore quotes further than", self.quote_band)
        layout.addRow("Default stop (next start)", self.stop_ticks)
        layout.addRow("Default target (next start)", self.target_ticks)
        layout.addRow(buttons)

    def _ticks_box(self, key: str) -> QSpinBox:
        """A default bracket leg in ticks from the fill; 0 shows as "none"."""
        box = QSpinBox()
        box.setRange(0, MAX_BRACKET_TICKS)
        box.setSpecialValueText("none")
        box.setSuffix(" ticks")
        box.setValue(self.preferences.get(key) or 0)
        box.setToolTip(OPTIONS[key].help)
        return box

    def accept(self) -> None:
        """Saves, unless a hotkey would fire while typing: then it says why and stays open."""
        hotkey = self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        global_hotkey = self.global_hotkey.keySequence().toString(
            QKeySequence.SequenceFormat.PortableText)
        problem = hotkey_problem(hotkey) or global_hotkey_problem(global_hotkey)
        self.hotkey_problem.setText(problem or "")
        if problem:
            return
        self.preferences.set("transport", self.transport.currentData())
        self.preferences.set("confirm", self.confirm.currentData())
        self.preferences.set("hotkey", hotkey)
        self.preferences.set("global_hotkey", global_hotkey)
        for event, box in self.sounds.items():
            self.preferences.set(event.preference, box.isChecked())
        self.preferences.set("rearm_delay", self.rearm_delay.value())
        self.preferences.set("always_on_top", self.always_on_top.isChecked())
        self.preferences.set("max_quantity", self.max_quantity.value())
        self.preferences.set("stop_ticks", self.stop_ticks.value())
        self.preferences.set("target_ticks", self.target_ticks.value())
        self.preferences.set("quote_band_percent", self.quote_band.value())
        super().accept()

