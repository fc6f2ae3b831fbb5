"""Protection on the desk: one Cancel and Bracket for a position just read, one Change of a
working order's price, and the bracket that follows an entry's or a reverse's fill.

A position is **unprotected** from its fill until both legs of its bracket are read back
working. A bracket that is refused, or whose outcome cannot be known, leaves it unprotected
and says why: its outcome is read back (the working orders in the instrument), never re-sent.
Another try is the trader's own click (Protect now).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ctpanel.core.desk.fills import budget_room
from ctpanel.core.desk.trade import Trade
from ctpanel.core.domain.exits import order_words
from ctpanel.core.domain.models import OrderInfo, OrderResult, Position, Quote
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.domain.protection import (
    Bracket,
    BracketResult,
    ChangeOrder,
    ProtectOrder,
    bracket_words,
    breakeven_for,
    protect_for,
)
from ctpanel.core.domain.states import OrderState
from ctpanel.core.errors import CtError

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk
    from ctpanel.core.desk.fills import FillReport

log = logging.getLogger(__name__)
BRACKET_ROOM = 2  # the budget a bracket after a fill waits for: its read and itself


def _working(order: OrderInfo) -> bool:
    state = OrderState.read(order.state)
    return state is not None and state.working


@dataclass(frozen=True)
class ProtectReport:
    """A bracket CrossTrade confirmed, and its legs as read back."""

    order: ProtectOrder
    result: BracketResult
    legs: tuple[OrderInfo, ...] | None  # None: the working orders could not be read
    trade: Trade | None = None

    @property
    def protected(self) -> bool:
        """Both legs (each one asked for) read back working."""
        wanted = (self.order.stop_price is not None) + (self.order.target_price is not None)
        return self.legs is not None and sum(map(_working, self.legs)) >= wanted

    def words(self) -> str:
        if self.protected:
            return f"Protected: {bracket_words(self.legs)}"
        if self.legs is None:
            return ("UNPROTECTED: the bracket was accepted but its legs could not be read "
                    "back; check NinjaTrader")
        return ("UNPROTECTED: the bracket was accepted but its legs are not both working "
                f"({', '.join(order_words(leg) for leg in self.legs) or 'none found'})")


class UncertainBracket(CtError):
    """The bracket may or may not have been placed; the instrument's working orders say."""

    def __init__(self, cause: CtError, order: ProtectOrder,
                 legs: tuple[OrderInfo, ...] | None) -> None:
        self.cause = cause
        self.order = order
        self.legs = legs
        if legs is None:
            found = "the working orders could not be read either; check NinjaTrader"
        elif legs:
            found = f"working now: {bracket_words(legs)}"
        else:
            found = "no stop or target is working: the position is UNPROTECTED"
        super().__init__(f"Outcome unknown. {cause} Read again: {found}. Nothing was "
                         "re-sent; Protect now tries again.")


class ProtectRoute:
    """How a Cancel and Bracket is sent and read back, for the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        return trade.request.describe()

    async def send(self, trade: Trade) -> BracketResult:
        return await self.desk.client.cancel_and_bracket(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        ids = set(trade.result.order_ids)
        working = await self._working_in(trade.request)
        trade.after = None if working is None else tuple(
            order for order in working if order.order_id in ids)

    async def read_unknown(self, trade: Trade, error: CtError) -> UncertainBracket:
        working = await self._working_in(trade.request)
        closing = trade.request.side.closing_action.value
        trade.after = None if working is None else tuple(
            order for order in working if order.action == closing)
        return UncertainBracket(error, trade.request, trade.after)

    def record(self, trade: Trade) -> dict[str, Any]:
        result: BracketResult | None = trade.result
        return {"order_id": result.order_id if result else None,
                "cancelled": list(result.cancelled) if result else None,
                "legs": None if trade.after is None else [order_words(o) for o in trade.after],
                "protected": self.report(trade).protected if result else False}

    def report(self, trade: Trade) -> ProtectReport:
        return ProtectReport(trade.request, trade.result, trade.after, trade)

    async def _working_in(self, order: ProtectOrder) -> tuple[OrderInfo, ...] | None:
        await budget_room(self.desk.client)
        try:
            working = await self.desk.client.list_working_orders(order.account)
        except CtError as error:
            log.warning("Could not read the working orders: %s", error)
            return None
        return tuple(o for o in working if o.instrument == order.instrument)


@dataclass(frozen=True)
class ChangeReport:
    """A Change CrossTrade confirmed, and the order as read back."""

    order: ChangeOrder
    result: OrderResult
    after: OrderInfo | None
    trade: Trade | None = None

    def words(self) -> str:
        if self.after is None:
            return f"{self.order.describe()}: accepted (not read back)"
        price = self.after.stop_price if self.order.stop_price is not None else \
            self.after.limit_price
        return f"{self.order.describe()}: now {format_price(price) if price else '?'}"


class UncertainChange(CtError):
    """The Change may or may not have been made; the order's price, read again, says."""

    def __init__(self, cause: CtError, order: ChangeOrder, after: OrderInfo | None) -> None:
        wanted = order.stop_price if order.stop_price is not None else order.limit_price
        now = None if after is None else (
            after.stop_price if order.stop_price is not None else after.limit_price)
        if after is None:
            found = "the order could not be read either; check NinjaTrader"
        elif now == wanted:
            found = f"it is at {format_price(now)}: the change most likely went through"
        else:
            found = (f"it is still at {format_price(now) if now else '?'}: the change was "
                     "most likely not made")
        super().__init__(f"Outcome unknown. {cause} Read again: {found}. Nothing was re-sent.")


class ChangeRoute:
    """How a Change is sent and read back, for the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        return trade.request.describe()

    async def send(self, trade: Trade) -> OrderResult:
        return await self.desk.client.change_order(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        trade.after = await self._read(trade.request)

    async def read_unknown(self, trade: Trade, error: CtError) -> UncertainChange:
        trade.after = await self._read(trade.request)
        return UncertainChange(error, trade.request, trade.after)

    def record(self, trade: Trade) -> dict[str, Any]:
        return {"order_id": trade.request.order_id,
                "after": order_words(trade.after) if trade.after else None}

    def report(self, trade: Trade) -> ChangeReport:
        return ChangeReport(trade.request, trade.result, trade.after, trade)

    async def _read(self, order: ChangeOrder) -> OrderInfo | None:
        try:
            return await self.desk.client.get_order(order.account, order.order_id)
        except CtError as error:
            log.warning("Could not read the changed order: %s", error)
            return None


@dataclass(frozen=True)
class Protection:
    """Where one position's protection stands, in the words the position line shows."""

    protected: bool
    words: str
    report: ProtectReport | None = None
    error: CtError | None = None


async def protect_after_fill(desk: Desk, account: str, instrument: str, fill: FillReport,
                             bracket: Bracket, quote: Quote | None, *,
                             room: float = BRACKET_ROOM) -> Protection | None:
    """The one bracket after a fill: the position read once (the quote beside it, if the
    click's has no tick size), then one Cancel and Bracket priced from the fill on the tick
    grid and sized to that position. None when there is nothing to protect yet (no bracket
    set, or the order has not filled)."""
    if not bracket.is_set or OrderState.read(fill.state) is not OrderState.FILLED:
        return None
    import asyncio  # here: the window is shown before asyncio is loaded

    # The bracket is the urgent request now: alone, it waits only for room for itself and its
    # read (``room``); a group's members, protecting at once, keep the clicks' reserve so they
    # do not run into CrossTrade's limit together. The quote is read beside the position only
    # when the click's has no tick size: each request counts against the budget.
    await budget_room(desk.client, reserve=room)
    quote_read = desk.client.get_quote(instrument) if not (quote and quote.tick_size) \
        else asyncio.sleep(0, quote)
    position, market = await asyncio.gather(desk.read_position(account, instrument),
                                            quote_read, return_exceptions=True)
    if isinstance(position, CtError):
        return Protection(False, f"UNPROTECTED: the position after the fill could not be "
                                 f"read ({position}); no bracket was sent", error=position)
    if isinstance(position, BaseException):
        raise position
    if isinstance(market, Quote) and market.tick_size:
        quote = market
    reference = fill.average_fill_price
    if reference is None:
        reference = position.average_price
    return await protect_position(desk, position, bracket, reference, quote, age_s=0.0)


async def protect_position(desk: Desk, position: Position, bracket: Bracket,
                           reference: float | None, quote: Quote | None, *,
                           age_s: float | None) -> Protection:
    """One Cancel and Bracket on ``position`` (read ``age_s`` ago) from ``reference``: after
    a fill, or Protect now on purpose. A refusal or a failure is the reason it stays
    unprotected."""
    tick = quote.tick_size if quote else None
    try:
        order = protect_for(position, bracket, reference, tick, quote)
        report = await desk.protect(order, before=position, age_s=age_s)
    except CtError as error:
        return protection_of(error)
    return protection_of(report)


async def breakeven_position(desk: Desk, position: Position, plus_ticks: int,
                             quote: Quote | None) -> ChangeReport:
    """One Change of ``position``'s stop leg (found in its account's working orders, read
    now) to its own average price ± ``plus_ticks``; refused in words when there is no stop or
    the market is on the wrong side."""
    working = await desk.client.list_working_orders(position.account)
    change = breakeven_for(position, tuple(working), quote.tick_size if quote else None,
                           plus_ticks, quote)
    return await desk.change(change, before=position)


async def protect_members(desk: Desk, positions: Iterable[Position], bracket: Bracket,
                          quote: Quote | None, *, age_s: float | None
                          ) -> dict[str, Protection]:
    """A group's Protect now: each member's position (read ``age_s`` ago; flat ones left
    out) bracketed from its own average price, all at once; each member's outcome, a failure
    in words."""
    import asyncio

    held = [p for p in positions if not p.is_flat]
    done = await asyncio.gather(*(protect_position(desk, p, bracket, p.average_price, quote,
                                                   age_s=age_s) for p in held))
    return {p.account: protection for p, protection in zip(held, done, strict=True)}


async def breakeven_members(desk: Desk, positions: Iterable[Position], plus_ticks: int,
                            quote: Quote | None) -> dict[str, ChangeReport | CtError]:
    """A group's Breakeven: each member's stop to its own average price, all at once."""
    import asyncio

    held = [p for p in positions if not p.is_flat]

    async def one(position: Position) -> ChangeReport | CtError:
        try:
            return await breakeven_position(desk, position, plus_ticks, quote)
        except CtError as error:
            return error
    done = await asyncio.gather(*map(one, held))
    return {p.account: outcome for p, outcome in zip(held, done, strict=True)}


def protection_of(outcome: ProtectReport | CtError) -> Protection:
    """Where a position stands after a Protect now's outcome (its report, or its error)."""
    if isinstance(outcome, ProtectReport):
        return Protection(outcome.protected, outcome.words(), outcome)
    return Protection(False, f"UNPROTECTED: {outcome}", error=outcome)
