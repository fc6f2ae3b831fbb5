"""The reverse workflow shared by the panel and the CLI: send once, journal, verify.

``reverse`` never re-sends. When CrossTrade's answer cannot settle the outcome (a timeout after
sending, a dropped socket, a 5xx, an unreadable 2xx), it re-reads the position and reports what
it found (reversed, unchanged or flat) instead of guessing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ctpanel.core.desk.intents import IntentLog, WrittenAhead
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
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal

log = logging.getLogger(__name__)


class OrderSender(Protocol):
    async def reverse_position(self, order: ReverseOrder) -> OrderResult: ...


class PositionReader(Protocol):
    async def get_position(self, account: str, instrument: str) -> Position: ...

    async def list_orders(self, account: str) -> list[dict]: ...

    async def list_executions(self, account: str, lookback_s: int = 320
                              ) -> list[Execution]: ...


class Verdict(StrEnum):
    """What a re-read of the position says about an order whose outcome was unknown."""

    REVERSED = "reversed"
    UNCHANGED = "unchanged"
    FLAT = "flat"
    ENTRY_WORKING = "entry working"
    DIFFERENT = "different"
    UNREADABLE = "unreadable"


def judge(order: ReverseOrder, before: Position | None, after: Position | None,
          entry_working: bool = False) -> Verdict:
    """Compare the position after an uncertain reverse with what the order asked for.

    ``entry_working``: a working order like the new entry was found (limit and stop entries
    do not fill at once, so a flat position with that order working means the reverse ran).
    """
    if after is None:
        return Verdict.UNREADABLE
    if after.is_flat and entry_working:
        return Verdict.ENTRY_WORKING
    moved = before is None or (before.side, before.quantity) != (after.side, after.quantity)
    if moved and after.side is Side.after(order.action) and after.quantity == order.quantity:
        return Verdict.REVERSED
    if before is not None and (after.side, after.quantity) == (before.side, before.quantity):
        return Verdict.UNCHANGED
    if after.is_flat:
        return Verdict.FLAT
    return Verdict.DIFFERENT


VERDICT_WORDS = {
    Verdict.REVERSED: "the position now matches the order, so it was most likely placed",
    Verdict.UNCHANGED: "the position is unchanged, so the order was most likely not placed",
    Verdict.FLAT: "the position is now flat: the close may have run without the new entry",
    Verdict.ENTRY_WORKING: "the position was closed and the new entry is working",
    Verdict.DIFFERENT: "the position changed, but not to what the order asked for",
    Verdict.UNREADABLE: "the position could not be read either; check NinjaTrader directly",
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
        self.verdict = judge(order, before, after, entry_working=bool(self.working))
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


WORKING_STATES = {"submitted", "accepted", "working", "partfilled", "changepending"}


def _is_entry(candidate: dict, order: ReverseOrder, after: Position) -> bool:
    return (str(candidate.get("orderState", "")).lower() in WORKING_STATES
            and str(candidate.get("instrument", "")) == after.instrument
            and str(candidate.get("orderAction", "")).upper() == order.action.value
            and candidate.get("quantity") == order.quantity)


class ReverseService:
    """Sends reverses over REST or the WebSocket, journals them, and verifies the result."""

    def __init__(self, reader: PositionReader, senders: dict[Transport, OrderSender],
                 journal: Journal | None = None, *, mode: str = "live") -> None:
        self.reader = reader
        self.senders = senders
        self.journal = journal
        self.mode = mode  # "demo" or "live", in every journal record
        self.intents = IntentLog(journal, mode)

    async def read_position(self, account: str, instrument: str) -> Position:
        return await self.reader.get_position(account, instrument)

    async def reverse(
        self,
        order: ReverseOrder,
        *,
        transport: Transport = Transport.REST,
        before: Position | None = None,
        verify: bool = True,
        on_accepted: Callable[[OrderResult], None] | None = None,
    ) -> ReverseReport:
        """Send ``order`` once. ``before`` is the position the caller already knows, if any.

        ``on_accepted`` is called with CrossTrade's answer as soon as it arrives, before the
        journal write and the position re-read, so a caller can show the order id at once.
        Raises the typed error of the failure; failures whose outcome is not certain become
        :class:`UncertainOutcome` with the re-read position.
        """
        sender = self.senders[transport]
        started = time.perf_counter()
        clicked_at = time.time()
        intent = self.intents.begin("reverse", order.describe(), order.account,
                                    order.instrument, order.body(), transport.value)
        try:
            result = await sender.reverse_position(order)
        except CtError as error:
            elapsed = (time.perf_counter() - started) * 1000
            await intent.settled()
            if error.order_not_sent:
                await self._record(order, transport, "failed", elapsed, intent, error=error)
                raise
            after = await self._reread(order)
            working = await self._working_entries(order, after)
            fills = await self._fills_since(order, after, clicked_at)
            uncertain = UncertainOutcome(error, order, before, after, working, fills)
            await self._record(order, transport, "unknown", elapsed, intent, error=uncertain,
                               before=before, after=after)
            raise uncertain from error
        if on_accepted is not None:
            on_accepted(result)
        after = await self._reread(order) if verify else None
        entry_state = await self._entry_state(order, result.order_id) if verify else None
        await intent.settled()
        await self._record(order, transport, "ok", result.round_trip_ms, intent,
                           order_id=result.order_id, before=before, after=after,
                           entry_state=entry_state)
        return ReverseReport(order, result, before, after, transport, entry_state)

    async def _reread(self, order: ReverseOrder) -> Position | None:
        try:
            return await self.reader.get_position(order.account, order.instrument)
        except CtError as error:
            log.warning("Could not re-read the position: %s", error)
            return None

    async def _fills_since(self, order: ReverseOrder, after: Position | None,
                           clicked_at: float) -> list[Execution] | None:
        """Executions in the order's account and instrument since the click (§10.2:
        ``ListExecutions``, lookback at most 900 s); None when they could not be read."""
        lookback = min(900, int(time.time() - clicked_at) + 5)
        try:
            executions = await self.reader.list_executions(order.account, lookback)
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
            orders = await self.reader.list_orders(order.account)
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
            orders = await self.reader.list_orders(order.account)
        except CtError as error:
            log.warning("Could not list the working orders: %s", error)
            return []
        return [f"{o.get('orderAction')} {o.get('quantity')} {o.get('orderType')} "
                f"(order {o.get('orderId')})" for o in orders if _is_entry(o, order, after)]

    async def _record(self, order: ReverseOrder, transport: Transport, status: str,
                      round_trip_ms: float, intent: WrittenAhead, *, order_id: str | None = None,
                      error: CtError | None = None, before: Position | None = None,
                      after: Position | None = None, entry_state: str | None = None) -> None:
        if self.journal is None:
            return
        record = {
            "kind": "reverse", "mode": self.mode, "transport": transport.value,
            "account": order.account,
            "instrument": order.instrument, "body": order.body(), "status": status,
            "client_id": intent.client_id,
            "order_id": order_id, "round_trip_ms": round(round_trip_ms, 1),
            "error": str(error) if error else None,
            "error_type": type(error).__name__ if error else None,
            "before": before.describe() if before else None,
            "after": after.describe() if after else None,
        }
        if entry_state is not None:
            record["entry_state"] = entry_state
        try:
            await self.journal.append_async(record)
        except OSError as failure:
            # The order already went out; losing the journal line must not hide its result.
            log.error("Could not write the journal (%s): %s", self.journal.path, failure)
