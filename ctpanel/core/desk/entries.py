"""A BUY or SELL on the desk: how an entry (from flat, or adding) is sent and read back.

An entry carries its own ``orderId``, the journal's client id for it. When CrossTrade's answer
is lost, that id is looked up (``GetOrder`` accepts the custom id): found, the order was placed
and its state says how far it got; not found, it was most likely not placed. The position is
read again either way, and the outcome says what both show. Never re-sent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ctpanel.core.desk.reverse import ReverseReport, order_record, reread_position
from ctpanel.core.desk.trade import Trade
from ctpanel.core.domain.models import OrderInfo, OrderResult, OrderType, Position
from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.errors import CtError, NotFoundError

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntryReport(ReverseReport):
    """An entry CrossTrade confirmed (the same figures as a reverse's: before, after, the
    state of a limit or stop entry)."""


class UncertainEntry(CtError):
    """The entry may or may not have been placed; its own id and the position were read."""

    def __init__(self, cause: CtError, order: EntryOrder, found: OrderInfo | None,
                 looked_up: bool, after: Position | None) -> None:
        self.cause = cause
        self.order = order
        self.found = found
        self.after = after
        now = after.describe() if after else "unknown"
        if found is not None:
            verdict = (f"order {order.client_order_id} was found, {found.state.lower()}: it "
                       "was placed")
        elif looked_up:
            verdict = f"no order {order.client_order_id} was found: most likely not placed"
        else:
            verdict = "the order could not be looked up either; check NinjaTrader directly"
        super().__init__(f"Outcome unknown. {cause} Read again: position {now}; {verdict}. "
                         "Nothing was re-sent.")


class EntryRoute:
    """How an entry is sent (one Place Order) and read back, for the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        return trade.request.describe()

    async def send(self, trade: Trade) -> OrderResult:
        trade.extra["sent_at"] = time.time()
        return await self.desk.client.place_order(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        order: EntryOrder = trade.request
        trade.after = await self._position(order)
        if order.order_type is not OrderType.MARKET:
            found = await self._look_up(order, trade.result.order_id)
            trade.extra["entry_state"] = found.state if found else None

    async def read_unknown(self, trade: Trade, error: CtError) -> UncertainEntry:
        order: EntryOrder = trade.request
        trade.after = await self._position(order)
        try:
            found = await self.desk.client.get_order(order.account, order.client_order_id)
            looked_up = True
        except NotFoundError:
            found, looked_up = None, True
        except CtError as failure:
            log.warning("Could not look the entry up by its id: %s", failure)
            found, looked_up = None, False
        trade.extra["entry_state"] = found.state if found else None
        return UncertainEntry(error, order, found, looked_up, trade.after)

    def record(self, trade: Trade) -> dict:
        order: EntryOrder = trade.request
        return {**order_record(trade), "custom_order_id": order.client_order_id,
                "requires": order.requires.value.lower()}

    def report(self, trade: Trade) -> EntryReport:
        return EntryReport(trade.request, trade.result, trade.before, trade.after,
                           trade.transport, trade.extra.get("entry_state"), trade)

    async def _position(self, order: EntryOrder) -> Position | None:
        return await reread_position(self.desk.client, order)

    async def _look_up(self, order: EntryOrder, order_id: str) -> OrderInfo | None:
        try:
            return await self.desk.client.get_order(order.account, order_id)
        except CtError as error:
            log.warning("Could not read the entry order's state: %s", error)
            return None
