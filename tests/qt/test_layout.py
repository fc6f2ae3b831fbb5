"""A layout that never follows the content: 10 KB strings and huge numbers, in every place the
server's text or figures can reach, leave the window (and compact mode) as wide as it was."""

from PySide6.QtWidgets import QApplication, QLabel

from ctpanel.core.domain.models import Account, Position, Quote, Side
from ctpanel.panel.market import MarketState, MarketView
from ctpanel.panel.notices import Level
from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.ticket import Arming, Freshness
from ctpanel.panel.views import ModeView, StatusView, TicketState
from ctpanel.qt.widgets.labels import ElidedLabel, WrappedLabel

HUGE_TEXT = "W" * 10_000
HUGE_NUMBER = 9.99e306


def flood_every_label(panel) -> None:
    """What a hostile server could make the panel say, through the panel's own events."""
    events = panel.events
    events.position.emit(Position("Sim101", HUGE_TEXT, Side.LONG, 10**15, HUGE_NUMBER))
    events.position_note.emit(HUGE_TEXT)
    quote = Quote(HUGE_TEXT, bid=HUGE_NUMBER, ask=HUGE_NUMBER, last=HUGE_NUMBER)
    events.market.emit(MarketState(MarketView(quote, Freshness.FRESH, 0.1, "stream", HUGE_TEXT,
                                              10**12), HUGE_TEXT))
    # (The button's own label is always ours: REVERSE, SENDING…, CONFIRM?)
    events.ticket.emit(TicketState(Arming(False, HUGE_TEXT, "REVERSE", HUGE_TEXT), HUGE_TEXT,
                                   HUGE_TEXT))
    events.status.emit(StatusView(ConnectionStatus(), HUGE_TEXT))
    events.mode.emit(ModeView("live", HUGE_TEXT, HUGE_TEXT, True))
    events.accounts.emit([Account(HUGE_TEXT, HUGE_TEXT)], HUGE_TEXT)
    events.instruments.emit([HUGE_TEXT], [HUGE_TEXT], HUGE_TEXT)
    events.strategies.emit([HUGE_TEXT])
    panel.notices.say(Level.ERROR, HUGE_TEXT)


def test_no_server_text_or_number_widens_the_window(panel):
    window, compact = panel.window, panel.window.compact
    window.resize(560, 820)
    QApplication.processEvents()
    width, compact_width = window.width(), compact.width()
    flood_every_label(panel.model)
    for label in window.findChildren(QLabel) + compact.findChildren(QLabel):
        if isinstance(label, ElidedLabel | WrappedLabel):  # every label server text reaches
            label.setText(label.text() + HUGE_TEXT)
    QApplication.processEvents()
    assert window.width() == width and compact.width() == compact_width
    assert window.minimumSizeHint().width() <= width
    assert window.body.ticket.reverse_button.isVisible()
    # Cut to fit, the whole text one hover away.
    line = window.body.quote_line
    assert line.text().endswith(HUGE_TEXT) and line.toolTip().startswith("Bid 9,989,")
    assert len(line.toolTip()) > 1000


def test_a_huge_quote_through_the_panel_shows_nothing_absurd(panel):
    panel.model.market.on_event({"type": "marketData", "quotes": [
        {"instrument": "ES 12-26", "bid": 1e308, "ask": 1e308, "last": 1e308}]})
    assert "e+" not in panel.window.body.quote_line.text()
    assert len(panel.window.body.strip.line.text()) < 80
