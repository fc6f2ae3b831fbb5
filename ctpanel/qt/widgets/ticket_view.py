"""REVERSE (BUY and SELL beside it), the reason it is off, the preview, the protection row, and
the global hotkey's arm toggle, bound to the
:class:`~ctpanel.panel.panel.Panel`: a click is :meth:`Panel.press`, the toggle
:meth:`Panel.set_armed`; what they show is what the panel's events say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ctpanel.panel.options import Options
from ctpanel.panel.views import HotkeyView, TicketState
from ctpanel.qt.widgets.entries_view import EntryButtons, ProtectionRow
from ctpanel.qt.widgets.exits_view import ExitsView
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel, WrappedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


class TicketView(QWidget):
    """The preview, then REVERSE and the exits (``exits``) in one row, then the exits'
    previews, the reason, and the global hotkey's switch."""

    def __init__(self, panel: Panel, exits: ExitsView | None = None,
                 parent: QWidget | None = None, *,
                 entries: EntryButtons | None = None,
                 protection: ProtectionRow | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.account = ElidedLabel("")  # "Sim101: simulation account"
        self.account.setObjectName("accountKind")
        self.preview = WrappedLabel("")  # a long preview wraps; it never widens the window
        self.preview.setObjectName("preview")
        self.reverse_button = QPushButton("REVERSE")
        self.reverse_button.setObjectName("reverseButton")
        self.reverse_button.setMinimumHeight(56)
        self.reverse_button.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Preferred)
        self.reverse_button.setAccessibleName("Reverse position")
        self.reason = WrappedLabel("")
        self.reason.setObjectName("reverseReason")
        self.arm_button = QPushButton("")
        self.arm_button.setObjectName("armButton")
        self.arm_button.setCheckable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.account)
        layout.addWidget(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reverse_button, 4)
        if entries is not None:
            buttons.addWidget(entries, 2)
        if exits is not None:
            buttons.addWidget(exits, 5)
        layout.addLayout(buttons)
        if exits is not None:
            layout.addWidget(exits.previews)
        if protection is not None:
            layout.addWidget(protection)
        layout.addWidget(self.reason)
        layout.addWidget(self.arm_button)
        self.reverse_button.clicked.connect(lambda: panel.press())
        self.arm_button.clicked.connect(lambda: panel.set_armed(not panel.hotkey.armed))
        follow(self, panel.events.ticket, self._on_ticket)
        follow(self, panel.events.hotkey, self._on_hotkey)
        follow(self, panel.events.options, self._on_options)
        self._on_ticket(panel.ticket_state)
        self._on_hotkey(panel.hotkey.view())
        self._on_options(panel.options)

    def _on_ticket(self, state: TicketState) -> None:
        self.reverse_button.setEnabled(state.arming.armed)
        self.reverse_button.setText(state.arming.label)
        self.reason.setText(state.arming.reason)
        if state.preview is not None:
            # A group's preview is its table, one row per member; here, one line of it.
            self.preview.setText(state.group_summary if state.group else state.preview)
            self.account.setText(state.account)

    def _on_hotkey(self, view: HotkeyView) -> None:
        self.arm_button.setChecked(view.armed)
        self.arm_button.setText(
            f"GLOBAL HOTKEY {view.chord} ARMED — click or {view.arm_shortcut} to disarm"
            if view.armed else
            f"Global hotkey {view.chord}: off — click or {view.arm_shortcut} to arm")
        self.arm_button.setToolTip(view.note)

    def _on_options(self, options: Options) -> None:
        self.reverse_button.setToolTip(f"Reverse ({options.hotkey})")
