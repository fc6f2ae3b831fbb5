"""The exits on the desk: how a close, a flatten, a cancel and a flatten of everything are
sent, read back and judged.

Like every request on the desk (:mod:`ctpanel.core.desk.desk`), an exit is never re-sent.
When CrossTrade's answer cannot settle it (a timeout after sending, a dropped socket, a 5xx),
the account is read again and what it shows is said: the exit ran, did not, or the picture
changed otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, TypeVar

from ctpanel.core.desk.trade import Trade
from ctpanel.core.domain.exits import (
    EverythingListing,
    ExitOrder,
    ExitReport,
    ExitResult,
    Picture,
    outcome_words,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import CtError

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk
    from ctpanel.core.wire.client import CrossTradeClient

log = logging.getLogger(__name__)
T = TypeVar("T")
FLATTEN_ROOM = 3  # requests kept for the flatten itself (and a read after it)


class UncertainExit(CtError):
    """The exit may or may not have run; the account was read again to say what is true."""

    def __init__(self, cause: CtError, order: ExitOrder, before: Picture | None,
                 after: Picture | None) -> None:
        self.cause = cause
        self.order = order
        self.before = before
        self.after = after
        self.verdict = exit_verdict(order, before, after)
        super().__init__(f"Outcome unknown. {cause} Read again: "
                         f"{outcome_words(order, before, after)}; {self.verdict}.")


def exit_verdict(order: ExitOrder, before: Picture | None, after: Picture | None) -> str:
    """What a re-read says about an exit whose answer was lost."""
    scope = order.instrument
    positions = after.positions_in(scope) if after is not None else None
    orders = after.orders_in(scope) if after is not None else None
    if positions is None and orders is None:
        return "the account could not be read either; check NinjaTrader directly"
    earlier = _shape(before.positions_in(scope), before.orders_in(scope)) if before else None
    if earlier == _shape(positions, orders):
        return "nothing changed, so the request was most likely not carried out"
    if order.kind is Intent.CANCEL:
        gone = orders is not None and not any(o.order_id == order.order_id for o in orders)
        done = not orders if order.order_id is None else gone
    elif order.kind is Intent.FLATTEN:
        done = positions == () and not orders
    else:
        done = positions == () if order.quantity is None and order.percent is None else True
    if done:
        return "the account now shows what was asked, so it was most likely carried out"
    return "the account changed, but not to what was asked"


def _shape(positions, orders) -> tuple:
    """What an exit changes: sides and sizes, order ids and states (not the moving prices)."""
    return (None if positions is None else
            sorted((p.instrument, p.side.value, p.quantity) for p in positions),
            None if orders is None else sorted((o.order_id, o.state) for o in orders))


async def _or_none(read: Awaitable[T], what: str) -> T | None:
    try:
        return await read
    except CtError as error:
        log.warning("Could not read %s: %s", what, error)
        return None


async def read_picture(client: CrossTradeClient, account: str,
                       instrument: str | None) -> Picture:
    """The account's open positions and working orders (and the instrument's position), read
    side by side; a part that could not be read is None."""
    import asyncio  # here: the panel's window is shown before asyncio is loaded

    position_read = (client.get_position(account, instrument) if instrument
                     else asyncio.sleep(0, None))
    position, holdings, working = await asyncio.gather(
        _or_none(position_read, "the position"),
        _or_none(client.list_positions(account), "the positions"),
        _or_none(client.list_working_orders(account), "the working orders"))
    return Picture(account, position,
                   tuple(holdings) if holdings is not None else None, working)


async def list_everything(client: CrossTradeClient, accounts: list[str]) -> EverythingListing:
    """What a flatten of every account would touch: every open position (one read) and each
    account's working orders, as far as CrossTrade's budget allows while keeping room for the
    flatten itself (an account not read is listed as such)."""
    import asyncio

    positions = await client.list_all_positions()
    holding = [p.account for p in positions]
    names = list(dict.fromkeys([*holding, *accounts]))  # accounts holding something first
    room = max(0, int(client.budget.level) - FLATTEN_ROOM)

    async def unread() -> None:
        return None
    orders = await asyncio.gather(*(
        _or_none(client.list_working_orders(name), f"{name}'s working orders")
        if index < room else unread() for index, name in enumerate(names)))
    return EverythingListing(tuple(positions), dict(zip(names, orders, strict=True)))


class ExitRoute:
    """How a close, a flatten or a cancel is sent and read back, for the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        order = trade.request
        return order.describe().removesuffix(f" on {order.account}")

    async def send(self, trade: Trade) -> ExitResult:
        return await self.desk.client.send_exit(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        trade.after = await self._read_after(trade)

    async def read_unknown(self, trade: Trade, error: CtError) -> UncertainExit:
        trade.after = await self._read_after(trade)
        return UncertainExit(error, trade.request, trade.before, trade.after)

    def record(self, trade: Trade) -> dict:
        result, order = trade.result, trade.request
        return {"order_id": result.reference if result else None,
                "order_ids": list(result.order_ids) if result else None,
                "outcome": outcome_words(order, trade.before, trade.after)
                if trade.after is not None else None,
                "warning": result.warning if result else None}

    def report(self, trade: Trade) -> ExitReport:
        return ExitReport(trade.request, trade.result, trade.before, trade.after, trade)

    async def _read_after(self, trade: Trade) -> Picture:
        order = trade.request
        return await read_picture(self.desk.client, order.account,
                                  trade.extra.get("watch") or order.instrument)


class FlattenEverythingRoute:
    """Every account: the one request that names none. Its outcome, when unknown, is left to
    the caller's read of every account (the panel reads its own right after)."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        return "FLATTEN every account"

    async def send(self, trade: Trade) -> ExitResult:
        return await self.desk.client.flatten_everything(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        return None

    async def read_unknown(self, trade: Trade, error: CtError) -> CtError:
        return error

    def record(self, trade: Trade) -> dict:
        result = trade.result
        return {"order_ids": list(result.order_ids) if result else None,
                "closed": [f"{p.account}: {p.describe()} {p.instrument}"
                           for p in result.closed] if result else None,
                "listing": trade.request.listing.text()}
