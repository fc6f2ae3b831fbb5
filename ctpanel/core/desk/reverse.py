"""A reverse on the desk: how it is sent, read back and judged.

The desk (:mod:`ctpanel.core.desk.desk`) never re-sends. When CrossTrade's answer cannot settle
the outcome (a timeout after sending, a dropped socket, a 5xx, an unreadable 2xx), this route
re-reads the position, the working orders and the executions since, and the outcome says what
it found (reversed, unchanged or flat) instead of guessing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ctpanel.core.desk.trade import Trade
from ctpanel.core.domain.models import (
    Execution,
    OrderResult,
    OrderType,
    Position,
    ReverseOrder,
    Side,
    Transport,
)
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.domain.states import is_working_state
from ctpanel.core.errors import CtError

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk

log = logging.getLogger(__name__)


class ReverseVerdict(StrEnum):
    """What a re-read of the position says about an order whose outcome was unknown."""

    REVERSED = "reversed"
    UNCHANGED = "unchanged"
    FLAT = "flat"
    ENTRY_WORKING = "entry working"
    DIFFERENT = "different"
    UNREADABLE = "unreadable"


def judge_reverse(order: ReverseOrder, before: Position | None, after: Position | None,
          entry_working: bool = False) -> ReverseVerdict:
    """Compare the position after an uncertain reverse with what the order asked for.

    ``entry_working``: a working order like the new entry was found (limit and stop entries
    do not fill at once, so a flat position with that order working means the reverse ran).
    """
    if after is None:
        return ReverseVerdict.UNREADABLE
    if after.is_flat and entry_working:
        return ReverseVerdict.ENTRY_WORKING
    moved = before is None or (before.side, before.quantity) != (after.side, after.quantity)
    if moved and after.side is Side.after(order.action) and after.quantity == order.quantity:
        return ReverseVerdict.REVERSED
    if before is not None and (after.side, after.quantity) == (before.side, before.quantity):
        return ReverseVerdict.UNCHANGED
    if after.is_flat:
        return ReverseVerdict.FLAT
    return ReverseVerdict.DIFFERENT


VERDICT_WORDS = {
    ReverseVerdict.REVERSED:
        "the position now matches the order, so it was most likely placed",
    ReverseVerdict.UNCHANGED:
        "the position is unchanged, so the order was most likely not placed",
    ReverseVerdict.FLAT:
        "the position is now flat: the close may have run without the new entry",
    ReverseVerdict.ENTRY_WORKING: "the position was closed and the new entry is working",
    ReverseVerdict.DIFFERENT: "the position changed, but not to what the order asked for",
    ReverseVerdict.UNREADABLE:
        "the position could not be read either; check NinjaTrader directly",
}


@dataclass(frozen=True)
class ReverseReport:
    """A reverse that CrossTrade confirmed."""

    order: ReverseOrder
    result: OrderResult
    before: Position | None
    after: Position | None
    transport: Transport
    entry_state: str | None = None  # a limit or stop entry's NinjaTrader state, once read
    trade: Trade | None = None  # the request's life (its client id, states and log)

    def summary(self) -> str:
        before = self.before.describe() if self.before else "?"
        after = self.after.describe() if self.after else "not re-read"
        return (f"Order {self.result.order_id}: {self.order.describe()} "
                f"({before} -> {after}, {self.result.round_trip_ms:.0f} ms)")

    def position_words(self) -> str:
        """Before -> after in plain words; a limit or stop entry that has not filled is named,
        with its state, and the position is said to be flat until it fills."""
        before = self.before.describe() if self.before else "unknown"
        after = self.after.describe() if self.after else "unknown"
        text = f"{before} -> {after}"
        if self.order.order_type is not OrderType.MARKET and self.after is not None \
                and self.after.is_flat:
            state = (self.entry_state or "state unknown").lower()
            text += (f"; entry {self.order.describe()} is {state} (order "
                     f"{self.result.order_id}): flat until it fills")
        return text


class UncertainOutcome(CtError):
    """The order may or may not have been placed; ``verdict`` says what a re-read found."""

    def __init__(self, cause: CtError, order: ReverseOrder, before: Position | None,
                 after: Position | None, working: list[str] | None = None,
                 fills: list[Execution] | None = None) -> None:
        self.cause = cause
        self.order = order
        self.before = before
        self.after = after
        self.working = working or []
        self.fills = fills  # executions in that instrument since the click; None: not read
        self.verdict = judge_reverse(order, before, after, entry_working=bool(self.working))
        now = after.describe() if after else "unknown"
        orders = f" Working: {', '.join(self.working)}." if self.working else ""
        super().__init__(f"Outcome unknown. {cause} Re-read the position: {now}; "
                         f"{VERDICT_WORDS[self.verdict]}.{orders} {fills_words(fills)}")


def fills_words(fills: list[Execution] | None) -> str:
    """What the executions since the click say, in plain words."""
    if fills is None:
        return "The recent executions could not be read."
    if not fills:
        return "No execution in this instrument since the click."
    listed = ", ".join(f"{'BUY' if f.market_position == 'Long' else 'SELL'} {f.quantity} @ "
                       f"{format_price(f.price)}" for f in fills)
    return f"Executions since the click: {listed}."


def _is_entry(candidate: dict, order: ReverseOrder, after: Position) -> bool:
    return (is_working_state(candidate.get("orderState"))
            and str(candidate.get("instrument", "")) == after.instrument
            and str(candidate.get("orderAction", "")).upper() == order.action.value
            and candidate.get("quantity") == order.quantity)


def order_record(trade: Trade) -> dict:
    """An order's own fields of its outcome record: the order id, before and after, and a
    limit or stop entry's state (a reverse's and an entry's alike)."""
    record = {"order_id": trade.result.order_id if trade.result else None,
              "before": trade.before.describe() if trade.before else None,
              "after": trade.after.describe() if trade.after else None}
    if trade.extra.get("entry_state") is not None:
        record["entry_state"] = trade.extra["entry_state"]
    return record


async def reread_position(client, order) -> Position | None:
    """The order's position read again after it (None, and logged, when it cannot be)."""
    try:
        return await client.get_position(order.account, order.instrument)
    except CtError as error:
        log.warning("Could not re-read the position: %s", error)
        return None


class ReverseRoute:
    """How a reverse is sent (over REST or the WebSocket) and read back, for the desk."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def words(self, trade: Trade) -> str:
        return trade.request.describe()

    async def send(self, trade: Trade) -> OrderResult:
        trade.extra["sent_at"] = time.time()
        return await self.desk.senders[trade.transport].reverse_position(trade.request)

    async def read_confirmed(self, trade: Trade) -> None:
        order = trade.request
        trade.after = await self._reread(order)
        trade.extra["entry_state"] = await self._entry_state(order, trade.result.order_id)

    async def read_unknown(self, trade: Trade, error: CtError) -> UncertainOutcome:
        """The position, a working entry like the order's, and the executions since."""
        order = trade.request
        trade.after = await self._reread(order)
        working = await self._working_entries(order, trade.after)
        fills = await self._fills_since(order, trade.after, trade.extra["sent_at"])
        return UncertainOutcome(error, order, trade.before, trade.after, working, fills)

    def record(self, trade: Trade) -> dict:
        return order_record(trade)

    def report(self, trade: Trade) -> ReverseReport:
        return ReverseReport(trade.request, trade.result, trade.before, trade.after,
                             trade.transport, trade.extra.get("entry_state"), trade)

    async def _reread(self, order: ReverseOrder) -> Position | None:
        return await reread_position(self.desk.client, order)

    async def _fills_since(self, order: ReverseOrder, after: Position | None,
                           clicked_at: float) -> list[Execution] | None:
        """Executions in the order's account and instrument since the click (§10.2:
        ``ListExecutions``, lookback at most 900 s); None when they could not be read."""
        lookback = min(900, int(time.time() - clicked_at) + 5)
        try:
            executions = await self.desk.client.list_executions(order.account, lookback)
        except CtError as error:
            log.warning("Could not read the recent executions: %s", error)
            return None
        names = {order.instrument.upper()} | ({after.instrument.upper()} if after else set())
        since_ms = int(clicked_at * 1000) - 1000  # a second of clock skew
        return [e for e in executions
                if e.instrument.upper() in names and e.epoch_ms >= since_ms]

    async def _entry_state(self, order: ReverseOrder, order_id: str) -> str | None:
        """A limit or stop entry does not fill at once: its state (Working, Accepted, Filled,
        Rejected...), read from the account's orders. None for market orders, or unreadable."""
        if order.order_type is OrderType.MARKET:
            return None
        try:
            orders = await self.desk.client.list_orders(order.account)
        except CtError as error:
            log.warning("Could not read the entry order's state: %s", error)
            return None
        state = next((o.get("orderState") for o in orders if o.get("orderId") == order_id), None)
        return state if isinstance(state, str) and state else None

    async def _working_entries(self, order: ReverseOrder, after: Position | None) -> list[str]:
        """Working orders that look like the new entry (only asked about non-market entries)."""
        if order.order_type is OrderType.MARKET or after is None:
            return []
        try:
            orders = await self.desk.client.list_orders(order.account)
        except CtError as error:
            log.warning("Could not list the working orders: %s", error)
            return []
        return [f"{o.get('orderAction')} {o.get('quantity')} {o.get('orderType')} "
                f"(order {o.get('orderId')})" for o in orders if _is_entry(o, order, after)]
