"""The position strip: side, size, average price, open P&L, and the figure's age."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QWidget

from ctpanel.core.models import Position, Side
from ctpanel.core.pricing import format_price
from ctpanel.panel.market import MarketState
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel

# Blue and orange stay apart under the common colour-vision deficiencies; the word is shown too.
SIDE_COLOURS = {Side.LONG: "#4ea1ff", Side.SHORT: "#ff9f1c", Side.FLAT: "#9aa0aa"}


class PositionStrip(QWidget):
    def __init__(self, panel: Panel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("positionStrip")
        self.position: Position | None = None
        self._stamp: float | None = None
        self._note = ""
        self.side = ElidedLabel("–")
        self.side.setObjectName("positionSide")
        self.quantity_label = ElidedLabel("")  # not "size": that would hide QWidget.size()
        self.average = ElidedLabel("")
        self.pnl = ElidedLabel("")
        self.age = ElidedLabel("")
        self.age.setObjectName("positionAge")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        for label in (self.side, self.quantity_label, self.average, self.pnl):
            layout.addWidget(label)
        layout.addStretch(1)
        layout.addWidget(self.age)
        follow(self, panel.events.position, self.show_position)
        follow(self, panel.events.position_note, self.show_note)
        follow(self, panel.events.clock, lambda stale: self.tick(stale=stale))
        follow(self, panel.events.market, self.show_market)
        self.show_position(panel.position())

    def show_position(self, position: Position | None) -> None:
        self.position = position
        self._stamp = time.monotonic() if position is not None else None
        self._note = ""
        if position is None:
            self.side.setText("Position unknown")
            self.side.setStyleSheet("")
            for label in (self.quantity_label, self.average, self.pnl):
                label.setText("")
        else:
            self.side.setText(position.side.value.upper())
            self.side.setStyleSheet(f"color: {SIDE_COLOURS[position.side]}; font-weight: bold;")
            self.quantity_label.setText(
                "" if position.is_flat else f"{position.quantity} contracts")
            average = position.average_price
            self.average.setText(f"avg {format_price(average)}"
                                 if average and not position.is_flat else "")
        self.tick()

    def show_market(self, state: MarketState) -> None:
        """The open P&L in currency and ticks (from live prices, else CrossTrade's figure)."""
        self.pnl.setText(state.pnl)

    def show_note(self, note: str) -> None:
        """Say where the figure shown came from, or why it is not updated, until the next."""
        self._note = note
        self.age.setText(note)

    def tick(self, *, stale: bool = False) -> None:
        """Refresh the age label (called every second); a stale figure says so."""
        if self._note:
            return
        if self._stamp is None:
            self.age.setText("")
            return
        seconds = time.monotonic() - self._stamp
        age = "just now" if seconds < 1.5 else f"{seconds:.0f} s ago"
        self.age.setText(f"STALE, read {age}: not used for orders" if stale else age)
