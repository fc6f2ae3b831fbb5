"""Compact mode: a small always-on-top window beside NinjaTrader's chart.

Position, last price, P&L, REVERSE with its reason, CLOSE, and the last result. It holds no
logic: it binds to the same :class:`~ctpanel.panel.panel.Panel` as the full window, and its
buttons are :meth:`Panel.press`, through the same ticket.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctpanel.core.domain.models import Position
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.domain.states import Intent
from ctpanel.panel.glance import position_texts
from ctpanel.panel.market import MarketState
from ctpanel.panel.notices import Level, Notice
from ctpanel.panel.views import HotkeyView, TicketState
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.entries_view import EntryButtons, ProtectionLabel
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel, FittedLabel, WrappedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

COMPACT_SIZE = (340, 176)  # at 100 % scaling; Qt scales it with the screen


class CompactWindow(QWidget):
    sig_closed = Signal()  # the trader closed it: back to the full panel

    def __init__(self, panel: Panel) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("compactWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the armed border
        self.resize(*COMPACT_SIZE)
        self.panel = panel
        self._position: Position | None = None
        self._figures: tuple[float, float | None] | None = None
        self.selection = ElidedLabel("")  # "Sim101 · ES 12-26": what the buttons act on
        self.selection.setObjectName("compactSelection")
        self.position = FittedLabel()
        self.position.setObjectName("compactPosition")
        self.position.setTexts(position_texts(None, None, None))
        self.last = ElidedLabel("Last –")
        self.pnl = ElidedLabel("")
        self.pnl.setObjectName("compactPnl")
        self.hotkey = FittedLabel()
        self.hotkey.setObjectName("compactHotkey")
        self.hotkey.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reverse_button = QPushButton("REVERSE")
        self.reverse_button.setObjectName("compactReverse")
        self.reverse_button.setAccessibleName("Reverse position")
        self.reverse_button.setMinimumHeight(40)
        self.close_button = QPushButton("CLOSE")
        self.close_button.setObjectName("compactClose")
        self.close_button.setAccessibleName("Close position")
        self.close_button.setMinimumHeight(40)
        self.reason = WrappedLabel("")
        self.reason.setObjectName("reverseReason")
        self.result = ElidedLabel("")
        self.result.setObjectName("compactResult")
        top = QHBoxLayout()
        top.addWidget(self.selection, 3)
        top.addWidget(self.last, 2, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.hotkey)
        layout.addLayout(top)
        layout.addWidget(self.position)
        self.protection = ProtectionLabel(panel)
        layout.addWidget(self.protection)
        layout.addWidget(self.pnl)
        self.entries = EntryButtons(panel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reverse_button, 3)
        buttons.addWidget(self.entries, 2)
        buttons.addWidget(self.close_button, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.reason)
        layout.addWidget(self.result)
        self.reverse_button.clicked.connect(lambda: panel.press())
        self.close_button.clicked.connect(lambda: panel.press(Intent.CLOSE))
        events = panel.events
        follow(self, events.position, self.show_position)
        follow(self, events.market, self.show_market)
        follow(self, events.ticket, self.show_ticket)
        follow(self, events.hotkey, self.show_hotkey)
        follow(self, events.prices_cleared, self.new_selection)
        panel.notices.appended.connect(self.show_notice)
        self.new_selection()
        self.show_position(panel.position())
        self.show_ticket(panel.ticket_state)
        self.show_hotkey(panel.hotkey.view())

    def new_selection(self) -> None:
        """Another account, instrument or backend: the last one's result is not this one's."""
        self.result.setText("")
        self.selection.setText(" · ".join(part for part in (self.panel.account,
                                                            self.panel.instrument) if part))

    def show_position(self, position: Position | None) -> None:
        self._position = position
        self._show_position()

    def _show_position(self) -> None:
        self.position.setTexts(position_texts(self._position, self._figures, None))

    def show_market(self, state: MarketState) -> None:
        view, quote = state.view, state.view.usable
        self.last.setText(f"Last {format_price(quote.last)}" if quote and quote.last
                          else "Last – (stale)" if view.quote else "Last –")
        self._figures = state.figures
        self._show_position()
        account = state.pnl.partition("   account ")[2]
        self.pnl.setText(f"account P&L {account}" if account else "")

    def show_ticket(self, state: TicketState) -> None:
        self.reverse_button.setEnabled(state.arming.armed)
        self.reverse_button.setText(state.arming.label)
        self.reason.setText(state.arming.reason)
        close = state.exits.get("close")
        if close is not None:
            self.close_button.setEnabled(close.armed)
            self.close_button.setText(close.label)
            self.close_button.setToolTip(close.preview or close.reason)

    def show_hotkey(self, view: HotkeyView) -> None:
        armed, chord = view.armed, view.chord
        close = f" · CLOSE {view.close_chord}" if view.close_chord else ""
        entries = "".join(f" · {name} {text}" for name, text in
                          (("BUY", view.buy_chord), ("SELL", view.sell_chord)) if text)
        self.hotkey.setTexts((f"HOTKEY ARMED {chord}{close}{entries}", f"ARMED {chord}{close}",
                              f"ARMED {chord}") if armed else
                             (f"Global hotkey {chord} off", f"Hotkey {chord} off"))
        if self.property("armed") == armed:
            return
        for widget in (self, self.hotkey):
            widget.setProperty("armed", armed)
            restyle(widget)  # the style sheet's [armed=...] rules

    def show_notice(self, notice: Notice) -> None:
        if notice.level not in (Level.INFO, Level.HISTORY):
            self.show_result(notice.text)  # the last result, warning or failure

    def show_result(self, text: str) -> None:
        self.result.setText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()  # closing compact mode returns to the full panel; quitting is Ctrl+Q
        self.sig_closed.emit()
