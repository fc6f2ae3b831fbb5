"""The market in the selected instrument, Qt-free: live quotes over the WebSocket's market-data
subscription, a budget-aware ``GetQuote`` poll when the socket is not delivering, the contract's
tick size and values (cached per instrument), and the account's P&L over ``streamPnl``.

Subscription changes have their own budget (about 20 a minute, bursts of about 5, reference
§10.1): a new selection is acted on only after ``debounce`` seconds without another, at most
``keep`` instruments stay subscribed, and a change is made only when the mirror of that budget
has room; until then the poll covers. What is shown is what is known: a quote older than
``stale_after`` seconds is stale, and nothing survives a change of backend.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ctpanel.core.domain.models import AccountPnl, Position, Quote
from ctpanel.core.domain.plausibility import DEFAULT_BAND, QuoteGate
from ctpanel.core.domain.pricing import format_price, pnl_words, position_pnl
from ctpanel.core.domain.states import StreamState
from ctpanel.core.domain.validation import normalise_instrument
from ctpanel.core.errors import CtError
from ctpanel.core.wire.budget import TokenBucket
from ctpanel.core.wire.payloads import pnl_from, quotes_from
from ctpanel.core.wire.replies import snippet
from ctpanel.panel.session import Session
from ctpanel.panel.ticket import Freshness

log = logging.getLogger(__name__)

SUBSCRIPTION_BURST, SUBSCRIPTIONS_PER_MINUTE = 5, 20
DEBOUNCE_S = 0.4
KEEP_SUBSCRIBED = 3
STALE_AFTER_S = 5.0
POLL_EVERY_S = 2.0  # GetQuote while the socket is not delivering: 0.5 requests/s at most
QUOTE_POLL_RESERVE = 10  # quote polls pause below this many requests left (position reads: 8)
PNL_INTERVAL_MS = 1000


@dataclass(frozen=True)
class MarketView:
    """What the panel shows about the market in the selected instrument."""

    quote: Quote | None
    freshness: Freshness
    age: float | None  # seconds since the quote arrived
    source: str  # "stream", "poll" or ""
    problem: str = ""
    ignored: int = 0  # implausible quotes of this instrument, ignored

    @property
    def usable(self) -> Quote | None:
        """The quote, only while fresh: no check or preview is ever built on a stale one."""
        return self.quote if self.freshness is Freshness.FRESH else None


@dataclass(frozen=True)
class MarketState:
    """The market line and the P&L, as the panel's ``market`` event carries them."""

    view: MarketView
    pnl: str  # the open P&L in currency and ticks, and the account's
    figures: tuple[float, float | None] | None = None  # the position's (currency, ticks)


class MarketWatch:
    """The panel's part for the market: quotes in the selected instrument, ticks, P&L."""

    def __init__(self, session: Session, *, on_change: Callable[[], None],
                 clock: Callable[[], float] = time.monotonic,
                 debounce: float = DEBOUNCE_S, keep: int = KEEP_SUBSCRIBED,
                 stale_after: float = STALE_AFTER_S, band: float = DEFAULT_BAND) -> None:
        self.session = session
        self.on_change = on_change
        self.clock = clock
        self.debounce = debounce
        self.keep = keep
        self.stale_after = stale_after
        self.band = band
        self.reference: float | None = None  # the position's average price, before any quote
        self.subscription_budget = TokenBucket(SUBSCRIPTION_BURST,
                                               SUBSCRIPTIONS_PER_MINUTE / 60, clock)
        self.subscription_changes = 0
        self.reset(account="")

    def reset(self, *, account: str) -> None:
        """A new backend: nothing known about its market survives."""
        self.account = account
        self.selected = ""  # the instrument as the trader typed it
        self.selected_at = float("-inf")
        self.names: dict[str, str] = {}  # typed (normalised) -> CrossTrade's full name
        self.quotes: dict[str, Quote] = {}  # by full name
        self.sources: dict[str, str] = {}
        self.specs: dict[str, Quote] = {}  # tick size and values, cached per full name
        self.subscribed: list[str] = []  # oldest first
        self.gates: dict[str, QuoteGate] = {}  # each instrument's plausibility checks
        self.problem = ""
        self.pnl: AccountPnl | None = None
        self.pnl_at: float | None = None
        self._polled_at = float("-inf")

    # --- what the panel asks --------------------------------------------------------------

    def select(self, instrument: str) -> None:
        """The trader picked ``instrument``; acted on after the debounce (see :meth:`tick`)."""
        text = normalise_instrument(instrument)
        if text != self.selected:
            self.selected, self.selected_at = text, self.clock()
            self.problem = ""

    def set_band(self, band: float) -> None:
        """How far from the last good quote a quote may be (a fraction), from now on."""
        self.band = band
        for gate in self.gates.values():
            gate.band = band

    def select_account(self, account: str) -> None:
        if account != self.account:
            self.account, self.pnl, self.pnl_at = account, None, None

    def full_name(self) -> str | None:
        return self.names.get(self.selected)

    def view(self) -> MarketView:
        name = self.full_name()
        quote = self.quotes.get(name) if name else None
        gate = self.gates.get(name) if name else None
        ignored = gate.ignored if gate else 0
        if quote is None:
            return MarketView(None, Freshness.UNKNOWN, None, "", self.problem, ignored)
        quote = self._with_specs(quote)
        age = max(0.0, self.clock() - quote.received_at)
        freshness = Freshness.FRESH if age <= self.stale_after else Freshness.STALE
        return MarketView(quote, freshness, age, self.sources.get(name, ""), self.problem,
                          ignored)

    def state(self, position: Position | None) -> MarketState:
        """The quote line and the P&L of ``position`` (the account's too, while streamed)."""
        view = self.view()
        figures = position_pnl(position, view.usable)
        words = pnl_words(figures)
        account = self.account_pnl()
        if account is not None and account.unrealized is not None:
            words += f"   account {account.unrealized + 0.0:+,.2f}"
        return MarketState(view, words, figures)

    def account_pnl(self) -> AccountPnl | None:
        """The streamed P&L of the selected account, while fresh."""
        if self.pnl_at is None or self.clock() - self.pnl_at > self.stale_after:
            return None
        return self.pnl

    # --- pushes ---------------------------------------------------------------------------

    def on_event(self, message: dict[str, Any]) -> None:
        """Every pushed WebSocket message of the current backend."""
        kind = message.get("type")
        if kind == "marketData":
            now = self.clock()
            for quote in quotes_from(message, received_at=now):
                self._store(quote, "stream")
            self.on_change()
        elif kind == "pnlUpdate" and self.account:
            pnl = pnl_from(message, self.account)
            if pnl is not None:
                self.pnl, self.pnl_at = pnl, self.clock()
                self.on_change()
        elif kind == "error" and message.get("action") in ("subscribe", "unsubscribe"):
            self.problem = ("Live prices: CrossTrade refused the subscription"
                            f"{refusal_words(message)}.")
            self.on_change()

    # --- the work, driven by the view's timer ---------------------------------------------

    async def tick(self) -> None:
        """Once a second or so: resolve the selection after its debounce, keep it subscribed,
        poll while the stream does not deliver."""
        backend = self.session.backend
        if backend is None or not self.selected:
            return
        if self.clock() - self.selected_at < self.debounce:
            return
        if self.full_name() is None or self._needs_poll():
            await self._poll(backend)
        name = self.full_name()
        if name is not None and backend.stream.state is StreamState.CONNECTED:
            await self._keep_subscribed(backend.stream, name)

    async def start_pnl(self) -> None:
        backend = self.session.backend
        if backend is not None:
            await backend.stream.stream_pnl(PNL_INTERVAL_MS)

    def _needs_poll(self) -> bool:
        quote = self.quotes.get(self.full_name() or "")
        stream_quiet = quote is None or self.clock() - quote.received_at > POLL_EVERY_S
        return stream_quiet and self.clock() - self._polled_at >= POLL_EVERY_S

    async def _poll(self, backend) -> None:
        if backend.client.budget.level < QUOTE_POLL_RESERVE:
            return  # orders keep the budget; the next tick tries again
        asked = self.selected
        self._polled_at = self.clock()
        try:
            quote = await backend.client.get_quote(asked)
        except CtError as error:
            self.problem = f"Could not read prices for {asked}: {error}"
            self.on_change()
            return
        if asked == self.selected and self.session.backend is backend:
            self.names[asked] = quote.instrument
            self.problem = ""
            self._store(replace(quote, received_at=self.clock()), "poll")
            self.on_change()

    async def _keep_subscribed(self, stream, name: str) -> None:
        if name in self.subscribed:
            self.subscribed.remove(name)
            self.subscribed.append(name)  # most recently used last
            return
        if not self.subscription_budget.take():
            return  # the poll covers until the budget has room
        self.subscription_changes += 1
        self.subscribed.append(name)
        await stream.subscribe([name])
        while len(self.subscribed) > self.keep and self.subscription_budget.take():
            oldest = self.subscribed.pop(0)
            self.subscription_changes += 1
            await stream.unsubscribe([oldest])

    def _store(self, quote: Quote, source: str) -> None:
        """Keep ``quote`` if it can be right (see :mod:`ctpanel.core.domain.plausibility`)."""
        spec = self.specs.get(quote.instrument)
        tick = quote.tick_size or (spec.tick_size if spec else None)
        gate = self.gates.setdefault(quote.instrument, QuoteGate(self.band))
        selected = quote.instrument == self.full_name()
        if not gate.admit(quote, tick=tick, fallback=self.reference if selected else None):
            return
        if quote.tick_size:
            self.specs[quote.instrument] = quote
        previous = self.quotes.get(quote.instrument)
        if previous is None or quote.received_at >= previous.received_at:
            self.quotes[quote.instrument] = quote
            self.sources[quote.instrument] = source

    def _with_specs(self, quote: Quote) -> Quote:
        """A pushed quote may lack the contract's values: the cached ones fill them in."""
        spec = self.specs.get(quote.instrument)
        if spec is None or quote.tick_size:
            return quote
        return replace(quote, tick_size=spec.tick_size, point_value=spec.point_value,
                       tick_value=spec.tick_value)


def quote_words(view: MarketView) -> str:
    """``Bid 6,849.75   Ask 6,850.00   Last 6,850.00   · live 0.3 s``; stale, closed or
    unknown said in words."""
    quote = view.quote
    if quote is None:
        ignored = f" (ignored {view.ignored} implausible)" if view.ignored else ""
        return (view.problem or "Prices: waiting for the market…") + ignored
    prices = "   ".join(f"{name} {format_price(value) if value is not None else '–'}"
                       for name, value in (("Bid", quote.bid), ("Ask", quote.ask),
                                           ("Last", quote.last)))
    age = f"{view.age:.1f} s" if view.age is not None and view.age < 10 else \
        f"{view.age or 0:.0f} s"
    if view.freshness is Freshness.STALE:
        state = f"STALE, {age} old: not used"
    else:
        state = f"{'live' if view.source == 'stream' else 'polled'} {age}"
    closed = "MARKET CLOSED · " if quote.is_market_open is False else ""
    problem = f" · {view.problem}" if view.problem else ""
    if view.ignored:
        plural = "s" if view.ignored != 1 else ""
        problem += f" · ignored {view.ignored} implausible quote{plural} for {quote.instrument}"
    return f"{closed}{prices}   · {state}{problem}"


def refusal_words(message: dict[str, Any]) -> str:
    """Why CrossTrade refused, as a short printable excerpt of its own words (never a repr of
    whatever structure it sent)."""
    for key in ("detail", "error", "message"):
        text = message.get(key)
        if isinstance(text, str) and text.strip():
            return f": {snippet(text, 80)}"
    return " (no reason given)"
