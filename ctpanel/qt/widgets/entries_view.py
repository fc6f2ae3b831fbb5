"""BUY and SELL beside REVERSE, and the protection row under them: the stop and target in
ticks, breakeven's +ticks, Protect now and Breakeven. Bound to the
:class:`~ctpanel.panel.panel.Panel`: a click is :meth:`Panel.press` (``"buy"``, ``"sell"``,
``"protect"``, ``"breakeven"``), a typed tick :meth:`Panel.bracket_changed`; what they show is
what the panel's events say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.desk.protect import Protection
from ctpanel.core.domain.protection import Bracket
from ctpanel.panel.options import Options
from ctpanel.panel.views import TicketState
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


def _button(text: str, name: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return button


class EntryButtons(QWidget):
    """BUY over SELL, in a column beside REVERSE."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buy_button = _button("BUY", "buyButton", "Buy: enter or add long")
        self.sell_button = _button("SELL", "sellButton", "Sell: enter or add short")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.buy_button)
        layout.addWidget(self.sell_button)
        self.buy_button.clicked.connect(lambda: panel.press("buy"))
        self.sell_button.clicked.connect(lambda: panel.press("sell"))
        follow(self, panel.events.ticket, self.show_ticket)
        follow(self, panel.events.options, self.show_options)
        self.show_ticket(panel.ticket_state)
        self.show_options(panel.options)

    def show_ticket(self, state: TicketState) -> None:
        for action, button in (("buy", self.buy_button), ("sell", self.sell_button)):
            arming = state.exits.get(action)
            if arming is not None:
                button.setEnabled(arming.armed)
                button.setToolTip(arming.preview if arming.armed else arming.reason)

    def show_options(self, options: Options) -> None:
        self.buy_button.setAccessibleDescription(f"Hotkey {options.buy_hotkey}")
        self.sell_button.setAccessibleDescription(f"Hotkey {options.sell_hotkey}")


class ProtectionRow(QWidget):
    """``Stop t [8]  Target t [16]  BE +t [0]  [Protect now] [Breakeven]``; under it, the
    entry's preview with its prices and risk, or why a typed tick is refused."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.stop_ticks = self._ticks("stopTicks", "Stop ticks from the fill")
        self.target_ticks = self._ticks("targetTicks", "Target ticks from the fill")
        self.plus_ticks = self._ticks("plusTicks", "Breakeven plus ticks")
        self.protect_button = QPushButton("Protect &now")
        self.protect_button.setObjectName("protectButton")
        self.breakeven_button = QPushButton("Brea&keven")
        self.breakeven_button.setObjectName("breakevenButton")
        self.problem_text = ""
        self.line = ElidedLabel("")  # the entry's prices and risk, or why a tick is refused
        self.line.setObjectName("entryPreview")
        stop_label, target_label, plus_label = (QLabel("Sto&p t"), QLabel("Target t"),
                                                QLabel("BE +t"))
        stop_label.setBuddy(self.stop_ticks)
        target_label.setBuddy(self.target_ticks)
        plus_label.setBuddy(self.plus_ticks)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(3)
        for widget in (stop_label, self.stop_ticks, target_label, self.target_ticks,
                       plus_label, self.plus_ticks):
            row.addWidget(widget)
        row.addWidget(self.protect_button, 1)
        row.addWidget(self.breakeven_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(row)
        layout.addWidget(self.line)
        for field in (self.stop_ticks, self.target_ticks, self.plus_ticks):
            field.textEdited.connect(self._typed)
        self.protect_button.clicked.connect(lambda: panel.press("protect"))
        self.breakeven_button.clicked.connect(lambda: panel.press("breakeven"))
        follow(self, panel.events.ticket, self.show_ticket)
        follow(self, panel.events.bracket, self.show_bracket)
        self.show_bracket(panel.bracket)

    def show_bracket(self, bracket: Bracket) -> None:
        """The ticks a newly picked account or group starts with."""
        self.stop_ticks.setText(str(bracket.stop_ticks or ""))
        self.target_ticks.setText(str(bracket.target_ticks or ""))
        self.problem_text = ""
        self.show_ticket(self.panel.ticket_state)

    def _ticks(self, name: str, accessible: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setAccessibleName(accessible)
        field.setPlaceholderText("—")
        field.setMaximumWidth(field.fontMetrics().horizontalAdvance("99999") + 16)
        return field

    def _typed(self, _text: str = "") -> None:
        self.problem_text = self.panel.bracket_changed(
            self.stop_ticks.text(), self.target_ticks.text(), self.plus_ticks.text())
        self.show_ticket(self.panel.ticket_state)

    def show_ticket(self, state: TicketState) -> None:
        for action, button in (("protect", self.protect_button),
                               ("breakeven", self.breakeven_button)):
            arming = state.exits.get(action)
            if arming is not None:
                button.setEnabled(arming.armed)
                button.setToolTip(arming.preview if arming.armed else arming.reason)
        entries = [state.exits.get(action) for action in ("buy", "sell")]
        previews = [f"{a.label}: {a.preview}" for a in entries if a is not None and a.preview]
        refused = bool(self.problem_text)
        self.line.setText(self.problem_text or (previews[0] if previews else ""))
        self.line.setToolTip(self.line.text())
        if self.line.property("refused") != refused:
            self.line.setProperty("refused", refused)
            restyle(self.line)


class ProtectionLabel(ElidedLabel):
    """UNPROTECTED (and why) in red on the position line, from the fill until the bracket's
    legs are read back working; then the legs. Empty when there is nothing to say."""

    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("protectionLine")
        follow(self, panel.events.protection, self.show_protection)
        self.show_protection(panel.protection_view())

    def show_protection(self, protection: Protection | None) -> None:
        self.setText(protection.words if protection is not None else "")
        self.setToolTip(protection.words if protection is not None else "")
        self.setVisible(protection is not None)
        state = "none" if protection is None else str(protection.protected).lower()
        if self.property("protected") != state:
            self.setProperty("protected", state)
            restyle(self)  # the style sheet's [protected=...] colours
