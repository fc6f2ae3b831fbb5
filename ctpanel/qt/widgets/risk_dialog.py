"""Settings → Risk…: the firm's rules of the selected account or group, from a preset or typed
(news windows can be pasted, one per line). What the fields make, and what is wrong with them,
is :func:`ctpanel.panel.risk_form.rules_from_fields`'s; saving is
:meth:`Panel.save_risk_fields`. Nothing is saved while a field is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.domain.risk_rules import PRESET_CAVEAT, LossBasis, TrailBasis
from ctpanel.panel.risk_form import RiskFields, preset_fields, preset_names

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


class RiskDialog(QDialog):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        target = panel.risk_target()
        name = f"group {target[0]}" if target and target[1] else (target[0] if target else "?")
        self.setWindowTitle(f"Risk rules: {name}")
        self.preset = QComboBox()
        self.preset.addItems(preset_names())
        self.daily_loss, self.trailing, self.max_contracts = QLineEdit(), QLineEdit(), \
            QLineEdit()
        self.loss_basis = QComboBox()
        self.loss_basis.addItems([b.value for b in LossBasis])
        self.trail_basis = QComboBox()
        self.trail_basis.addItems([b.value for b in TrailBasis])
        self.micro_counts = QComboBox()
        self.micro_counts.addItems(["0.1", "1"])
        self.flat_by, self.reset_at = QLineEdit(), QLineEdit()
        self.news = QPlainTextEdit()
        self.news.setObjectName("riskNews")
        self.news.setPlaceholderText("08:30 America/New_York ±2 CPI\n14:00 ET ±2 FOMC")
        self.news.setTabChangesFocus(True)
        self.news.setFixedHeight(self.fontMetrics().height() * 5)
        self.no_hedge = QCheckBox("&No hedge: refuse an order that leaves an account opposite "
                                  "another in a related root")
        for widget, tip in ((self.daily_loss, "dollars, realised plus open (empty: not set)"),
                            (self.trailing, "dollars below the high of net liquidation"),
                            (self.max_contracts, "in mini-equivalents"),
                            (self.flat_by, "e.g. 15:10 America/Chicago (empty: not set)"),
                            (self.reset_at, "when a lock ends, e.g. 17:00 America/Chicago")):
            widget.setPlaceholderText(tip)
        self.problem = QLabel("")
        self.problem.setObjectName("riskProblem")
        self.problem.setWordWrap(True)
        caveat = QLabel(f"Presets are a start: {PRESET_CAVEAT}. The panel refuses an entry "
                        "that would breach a rule; it never flattens on its own (the firm's "
                        "systems do that). An exit is never refused.")
        caveat.setWordWrap(True)
        form = QFormLayout()
        for label, widget in (("&Preset", self.preset), ("&Daily loss limit $", self.daily_loss),
                              ("Loss &counts", self.loss_basis),
                              ("&Trailing drawdown $", self.trailing),
                              ("Trailing &basis", self.trail_basis),
                              ("&Max contracts (minis)", self.max_contracts),
                              ("A micro c&ounts", self.micro_counts),
                              ("&Flat by", self.flat_by), ("Session &reset", self.reset_at),
                              ("News &windows", self.news)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(caveat)
        layout.addLayout(form)
        layout.addWidget(self.no_hedge)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.show_fields(panel.risk_fields())
        self.preset.activated.connect(
            lambda _: self.show_fields(preset_fields(self.preset.currentText())))

    def show_fields(self, fields: RiskFields) -> None:
        self.preset.setCurrentText(fields.preset)
        self.daily_loss.setText(fields.daily_loss)
        self.loss_basis.setCurrentText(fields.loss_basis)
        self.trailing.setText(fields.trailing_drawdown)
        self.trail_basis.setCurrentText(fields.trail_basis)
        self.max_contracts.setText(fields.max_contracts)
        self.micro_counts.setCurrentText(fields.micro_counts)
        self.flat_by.setText(fields.flat_by)
        self.reset_at.setText(fields.reset_at)
        self.news.setPlainText(fields.news)
        self.no_hedge.setChecked(fields.no_hedge)

    def fields(self) -> RiskFields:
        return RiskFields(
            self.preset.currentText(), self.daily_loss.text(), self.loss_basis.currentText(),
            self.trailing.text(), self.trail_basis.currentText(), self.max_contracts.text(),
            self.micro_counts.currentText(), self.flat_by.text(), self.reset_at.text(),
            self.news.toPlainText(), self.no_hedge.isChecked())

    def accept(self) -> None:
        """Saves, unless a field is wrong: then it says which and stays open."""
        problems = self.panel.save_risk_fields(self.fields())
        self.problem.setText(" ".join(problems))
        if not problems:
            super().accept()
