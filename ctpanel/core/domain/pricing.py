"""Prices against the market, Qt-free: the tick grid, side-of-market checks, the reference
price of a market order, prices pre-filled from the market, and slippage.

A buy stop at or below the ask (a sell stop at or above the bid) would trigger at once, and
NinjaTrader rejects it: refused before sending. A limit on the far side of the touch fills at
once like a market order: warned. A price far from the market asks for confirmation even when
confirmations are off ("smart confirmation").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ctpanel.core.domain.models import OrderSide, OrderType, Position, Quote, Side
from ctpanel.core.domain.plausibility import plausible_money

DEFAULT_STOP_OFFSET_TICKS = 4
DEFAULT_CONFIRM_DISTANCE_TICKS = 40


def format_price(price: float) -> str:
    """``25,410.00``, ``6,849.13``, ``1.08545``: two decimals, more when the price has them."""
    text = f"{price:,.10f}".rstrip("0")
    decimals = len(text.partition(".")[2])
    return f"{price:,.{max(2, decimals)}f}"


def snap(price: float, tick: float) -> float:
    """``price`` on the tick grid (half a tick rounds away from zero), exactly in decimal."""
    step = Decimal(str(tick))
    ticks = (Decimal(str(price)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return float(ticks * step)


def ticks_between(a: float, b: float, tick: float) -> float:
    """``a - b`` in ticks."""
    return float((Decimal(str(a)) - Decimal(str(b))) / Decimal(str(tick)))


class Severity(StrEnum):
    """How a price check weighs: refuse the order, or warn beside it."""

    REFUSE = "refuse"  # not sent
    WARN = "warn"  # said, sent if the trader presses anyway


@dataclass(frozen=True)
class MarketCheck:
    """One check of an entry price against the market, in plain words."""

    severity: Severity
    message: str


def touch(quote: Quote | None, action: OrderSide) -> tuple[float, str] | None:
    """Where a market order on ``action``'s side would fill: the ask for a buy, the bid for a
    sell (the last price when that side is missing)."""
    if quote is None:
        return None
    price, name = (quote.ask, "ask") if action is OrderSide.BUY else (quote.bid, "bid")
    if price is None and quote.last is not None:
        return quote.last, "last"
    return (price, name) if price is not None else None


def side_of_market(action: OrderSide, order_type: OrderType, limit_price: float | None,
                   stop_price: float | None, quote: Quote | None) -> list[MarketCheck]:
    """Plain-words checks of a limit or stop entry against the market, worst first."""
    at = touch(quote, action)
    if at is None or order_type is OrderType.MARKET:
        return []
    market, name = at
    checks: list[MarketCheck] = []
    if order_type.needs_stop_price and stop_price:
        if action is OrderSide.BUY and stop_price <= market:
            checks.append(MarketCheck(Severity.REFUSE, (
                f"A buy stop must be above the market: {name} is {format_price(market)}.")))
        if action is OrderSide.SELL and stop_price >= market:
            checks.append(MarketCheck(Severity.REFUSE, (
                f"A sell stop must be below the market: {name} is {format_price(market)}.")))
    if order_type is OrderType.LIMIT and limit_price:
        if action is OrderSide.BUY and limit_price >= market:
            checks.append(MarketCheck(Severity.WARN, (
                f"BUY LIMIT at or above the {name} ({format_price(market)}) fills at once "
                "like a market order.")))
        if action is OrderSide.SELL and limit_price <= market:
            checks.append(MarketCheck(Severity.WARN, (
                f"SELL LIMIT at or below the {name} ({format_price(market)}) fills at once "
                "like a market order.")))
    return checks


def distance_in_ticks(price: float, quote: Quote | None) -> float | None:
    """How far ``price`` is from the last price (else the mid), in ticks."""
    if quote is None or not quote.tick_size:
        return None
    reference = quote.last
    if reference is None and quote.bid is not None and quote.ask is not None:
        reference = (quote.bid + quote.ask) / 2
    if reference is None:
        return None
    return abs(ticks_between(price, reference, quote.tick_size))


def far_from_market(prices: list[float], quote: Quote | None, limit_ticks: float) -> str | None:
    """Why a price needs confirming ("smart confirmation"), or None when all are near."""
    for price in prices:
        distance = distance_in_ticks(price, quote)
        if distance is not None and distance > limit_ticks:
            return (f"{format_price(price)} is {distance:.0f} ticks from the market "
                    f"(last {format_price(quote.last or 0)}).")
    return None


def prefilled_prices(action: OrderSide, order_type: OrderType, quote: Quote | None, *,
                     stop_offset_ticks: int = DEFAULT_STOP_OFFSET_TICKS
                     ) -> tuple[float | None, float | None]:
    """(limit, stop) for a newly picked order type: a limit joins the touch on the entry side
    (a buy at the bid, a sell at the ask); a stop goes ``stop_offset_ticks`` beyond the
    market (a stop-limit's limit at its stop). None where the market is unknown."""
    if quote is None or not quote.tick_size:
        return None, None
    tick = quote.tick_size
    passive = quote.bid if action is OrderSide.BUY else quote.ask
    limit = stop = None
    if order_type.needs_stop_price:
        at = touch(quote, action)
        if at is not None:
            direction = 1 if action is OrderSide.BUY else -1
            stop = snap(at[0] + direction * stop_offset_ticks * tick, tick)
    if order_type is OrderType.LIMIT and passive is not None:
        limit = snap(passive, tick)
    elif order_type is OrderType.STOPLIMIT:
        limit = stop
    return limit, stop


def slippage_ticks(action: OrderSide, fill: float, reference: float, tick: float) -> float:
    """Ticks the fill was worse (positive) or better (negative) than ``reference``."""
    worse = ticks_between(fill, reference, tick)
    return worse if action is OrderSide.BUY else -worse


def describe_slippage(action: OrderSide, fill: float, last_at_click: float | None,
                      tick: float | None) -> str:
    """``1 tick slippage vs last at click`` / ``no slippage ...`` / ``2 ticks better ...``."""
    if last_at_click is None or not tick:
        return ""
    ticks = round(slippage_ticks(action, fill, last_at_click, tick), 2)
    if ticks == 0:
        return "no slippage vs last at click"
    size = abs(ticks)
    words = f"{size:g} tick{'s' if size != 1 else ''}"
    return f"{words} slippage vs last at click" if ticks > 0 else \
        f"{words} better than last at click"


def position_pnl(position: Position | None, quote: Quote | None
                 ) -> tuple[float, float | None] | None:
    """(currency, ticks per contract) of an open position's unrealised P&L: from the live last
    price when a fresh quote has it, else CrossTrade's own figure from the position read."""
    if position is None or position.is_flat:
        return None
    sign = 1 if position.side is Side.LONG else -1
    tick = quote.tick_size if quote else None
    per_tick = quote.value_per_tick if quote else None
    average = position.average_price
    if quote is not None and quote.last is not None and tick and per_tick and average:
        ticks = sign * ticks_between(quote.last, average, tick)
        return ticks * per_tick * position.quantity, ticks
    if position.unrealized_pnl is None:
        return None
    ticks = position.unrealized_pnl / (per_tick * position.quantity) if per_tick else None
    return position.unrealized_pnl, ticks


def pnl_words(pnl: tuple[float, float | None] | None) -> str:
    """``P&L +250.00 (+5 ticks)``."""
    if pnl is None:
        return ""
    money, ticks = pnl
    if plausible_money(money) is None:
        return "P&L unknown"  # a figure that cannot be right is never shown as a number
    if ticks is not None and not math.isfinite(ticks):
        ticks = None
    text = f"P&L {round(money, 2) + 0.0:+,.2f}"
    if ticks is None:
        return text
    shown = round(ticks, 1) + 0.0
    return text + f" ({shown:+g} tick{'' if abs(shown) == 1 else 's'})"
