"""The market line above the position: bid, ask and last of the selected instrument, the
quote's age and where it came from; stale, closed or unknown said in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctpanel.panel.market import MarketView, quote_words
from ctpanel.panel.ticket import Freshness
from ctpanel.qt.widgets.follow import follow
from ctpanel.qt.widgets.labels import ElidedLabel

if TYPE_CHECKING:
    from ctpanel.panel.panel import Panel


class QuoteLine(ElidedLabel):
    def __init__(self, panel: Panel) -> None:
        super().__init__("Prices: waiting for the market…")
        self.setObjectName("quoteLine")
        self.view: MarketView | None = None
        follow(self, panel.events.market, lambda state: self.show_view(state.view))

    def show_view(self, view: MarketView) -> None:
        self.view = view
        self.setText(quote_words(view))
        closed = view.quote is not None and view.quote.is_market_open is False
        stale = view.freshness is Freshness.STALE
        self.setProperty("state", "stale" if stale else "closed" if closed else "")
