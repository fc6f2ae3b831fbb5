"""Whether a figure from the server can be right, before anything uses it. Qt-free.

Every server reply is untrusted input: a finite but absurd price (``1e308``) would otherwise be
shown as a 309-digit number, turn the P&L into infinity, and be used to judge how far a stop is
from the market. Two layers:

- **Absolute** (:func:`plausible_price`, :func:`plausible_money`, used by every payload reader):
  no futures contract trades above ``MAX_QUOTE_PRICE``, and no P&L or contract value reaches
  ``MAX_MONEY``. A figure outside is unknown, never a number.
- **Relative** (:class:`QuoteGate`, per instrument): a quote is used only if bid <= ask, its
  prices are on (or within a hair of) the tick grid, and they lie within ``band`` of the
  instrument's last good quote (or, before there is one, of the position's average price).
  Anything else is ignored and counted. Should the market really move past the band (or the
  first quote have been the bad one), ``RUN_TO_REANCHOR`` quotes in a row that agree with one
  another are believed: one bad quote never locks the good ones out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ctpanel.core.domain.models import Quote, finite_float

MAX_QUOTE_PRICE = 10_000_000.0  # above any futures price (a Bitcoin future at 100k, Nikkei at 40k)
MAX_MONEY = 100_000_000_000.0  # a P&L or a contract's value beyond this cannot be right
DEFAULT_BAND = 0.20  # 20 % from the last good quote: a limit-up day is a fraction of that
RUN_TO_REANCHOR = 3
GRID_TOLERANCE = 0.01  # of a tick: float noise, not an off-grid price


def plausible_price(value: Any) -> float | None:
    """A price from the server: finite, positive and below ``MAX_QUOTE_PRICE``; else None."""
    number = finite_float(value)
    return number if number is not None and 0 < number < MAX_QUOTE_PRICE else None


def plausible_money(value: Any) -> float | None:
    """A P&L or an amount: finite and smaller than ``MAX_MONEY`` either way; else None."""
    number = finite_float(value)
    return number if number is not None and abs(number) < MAX_MONEY else None


def on_grid(price: float, tick: float | None) -> bool:
    """Whether ``price`` is a whole number of ``tick`` (no tick known: yes)."""
    if not tick:
        return True
    steps = price / tick
    return abs(steps - round(steps)) <= GRID_TOLERANCE


def quote_prices(quote: Quote) -> list[float]:
    """The prices a quote carries (bid, ask, last), those that are known."""
    return [price for price in (quote.bid, quote.ask, quote.last) if price is not None]


def within(price: float, reference: float, band: float) -> bool:
    """Whether ``price`` lies within ``band`` (a fraction) of ``reference``."""
    return abs(price - reference) <= band * reference


@dataclass(frozen=True)
class Verdict:
    """Whether a quote may be shown, and if not, why (in plain words)."""

    ok: bool
    why: str = ""


def judge(quote: Quote, *, tick: float | None, reference: float | None,
          band: float) -> Verdict:
    """One quote on its own and against ``reference`` (a price known to be right)."""
    prices = quote_prices(quote)
    if not prices:
        return Verdict(False, "no price in it")
    if quote.bid is not None and quote.ask is not None and quote.bid > quote.ask:
        return Verdict(False, "bid above ask")
    if not all(on_grid(price, tick) for price in prices):
        return Verdict(False, "off the tick grid")
    if reference is not None and not all(within(p, reference, band) for p in prices):
        return Verdict(False, f"more than {band:.0%} from the market")
    return Verdict(True)


def centre(quote: Quote) -> float:
    """The quote's middle: its last trade, else the middle of bid and ask."""
    if quote.last is not None:
        return quote.last
    prices = quote_prices(quote)
    return sum(prices) / len(prices)


class QuoteGate:
    """The relative checks of one instrument's quotes, with what it ignored."""

    def __init__(self, band: float = DEFAULT_BAND) -> None:
        self.band = band
        self.anchor: float | None = None  # the centre of the last quote let through
        self.ignored = 0
        self._run: list[float] = []  # consecutive ignored quotes that agree with one another

    def admit(self, quote: Quote, *, tick: float | None, fallback: float | None = None
              ) -> bool:
        """True when ``quote`` may be used; ``fallback`` is the reference before any quote
        (the position's average price)."""
        reference = self.anchor if self.anchor is not None else fallback
        verdict = judge(quote, tick=tick, reference=reference, band=self.band)
        if verdict.ok:
            self._admitted(quote)
            return True
        if judge(quote, tick=tick, reference=None, band=self.band).ok and self._reanchors(quote):
            self._admitted(quote)
            return True
        self.ignored += 1
        return False

    def _reanchors(self, quote: Quote) -> bool:
        """A run of sound quotes, each within the band of the first, outside the anchor's."""
        price = centre(quote)
        if self._run and not within(price, self._run[0], self.band):
            self._run = []
        self._run.append(price)
        return len(self._run) >= RUN_TO_REANCHOR

    def _admitted(self, quote: Quote) -> None:
        self.anchor = centre(quote)
        self._run = []
