"""The position line, first and large: side, size, average price, open P&L in currency and
ticks, and the read's age, worded to fit (:func:`ctpanel.panel.glance.position_texts`); under
it, in small type, where the figure came from or why it is not updated, and the account's P&L."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ctpanel.core.domain.models import Position, Side
from ctpanel.core.risk.room import FIRM_FLATTENS
from ctpanel.panel.glance import position_texts
from ctpanel.panel.market import MarketState
from ctpanel.panel.risk import AccountRisk
from ctpanel.panel.views import TicketState
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.entries_view import ProtectionLabel
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel, FittedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

# Blue and orange stay apart under the common colour-vision deficiencies; the word is shown too.
SIDE_NAMES = {Side.LONG: "long", Side.SHORT: "short", Side.FLAT: "flat"}


class PositionStrip(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("positionStrip")
        self.position: Position | None = None
        self._stamp: float | None = None
        self._stale = False
        self._figures: tuple[float, float | None] | None = None
        self._note = ""
        self._pnl_words = ""
        self.line = FittedLabel()
        self.line.setObjectName("positionLine")
        self.detail = ElidedLabel("")
        self.detail.setObjectName("positionAge")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(0)
        self.protection = ProtectionLabel(panel)
        layout.addWidget(self.line)
        layout.addWidget(self.protection)
        layout.addWidget(self.detail)
        self.risk = ElidedLabel("")
        self.risk.setObjectName("accountRisk")
        self.risk.hide()
        layout.addWidget(self.risk)
        follow(self, panel.events.risk, self.show_risk)
        follow(self, panel.events.position, self.show_position)
        follow(self, panel.events.position_note, self.show_note)
        follow(self, panel.events.clock, lambda stale: self.tick(stale=stale))
        follow(self, panel.events.market, self.show_market)
        follow(self, panel.events.ticket, self.show_ticket)
        self._group = ""
        self.show_position(panel.position())

    def show_position(self, position: Position | None) -> None:
        self.position = position
        self._stamp = time.monotonic() if position is not None else None
        self._note = ""
        self._stale = False
        side = SIDE_NAMES[position.side] if position is not None else "unknown"
        if self.line.property("side") != side:
            self.line.setProperty("side", side)
            restyle(self.line)  # the style sheet's [side=...] colours
        self._show()

    def show_risk(self, risk: AccountRisk | None) -> None:
        """The account's P&L today, its room to each limit and its lock (hidden: no rule)."""
        self.risk.setVisible(risk is not None)
        if risk is None:
            return
        text = f"{risk.locked} ({FIRM_FLATTENS}) · {risk.line}" if risk.locked else \
            " · ".join(part for part in (f"Risk: {risk.line}", risk.preview) if part)
        self.risk.setText(text)
        locked = "yes" if risk.locked else "no"
        if self.risk.property("locked") != locked:
            self.risk.setProperty("locked", locked)
            restyle(self.risk)

    def show_ticket(self, state: TicketState) -> None:
        """A group holds nothing itself: its members' positions are in the group table."""
        if state.preview is not None and state.group != self._group:
            self._group = state.group
            self._show()

    def show_market(self, state: MarketState) -> None:
        """The open P&L in currency and ticks (from live prices, else CrossTrade's figure)."""
        self._figures = state.figures
        self._pnl_words = state.pnl
        self._show()

    def show_note(self, note: str) -> None:
        """Say where the figure shown came from, or why it is not updated, until the next."""
        self._note = note
        self._show()

    def tick(self, *, stale: bool = False) -> None:
        """Refresh the age (called every second); a stale figure says so."""
        self._stale = stale
        self._show()

    def age_s(self) -> float | None:
        return time.monotonic() - self._stamp if self._stamp is not None else None

    def _show(self) -> None:
        if self._group and self.position is None:
            self.line.setTexts((f"GROUP {self._group}: each member in the table",
                                f"GROUP {self._group}", "GROUP"))
        else:
            self.line.setTexts(position_texts(self.position, self._figures, self.age_s(),
                                              stale=self._stale))
        parts = [self._note or ("STALE: not used for orders" if self._stale else "")]
        account = self._pnl_words.partition("   account ")[2]
        if account:
            parts.append(f"account P&L {account}")
        self.detail.setText(" · ".join(p for p in parts if p))
