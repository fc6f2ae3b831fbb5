"""The exits' workflow, shared by the panel and the CLI: send once, read back, journal.

Like the reverse (:mod:`ctpanel.core.desk.reverse`), an exit is never re-sent. When CrossTrade's
answer cannot settle it (a timeout after sending, a dropped socket, a 5xx), the account is read
again and what it shows is said: the exit ran, did not, or the picture changed otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from ctpanel.core.desk.intents import IntentLog, WrittenAhead
from ctpanel.core.domain.exits import (
    EverythingConfirmed,
    EverythingListing,
    ExitOrder,
    ExitReport,
    ExitResult,
    Picture,
    outcome_words,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal

if TYPE_CHECKING:
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


class ExitService:
    def __init__(self, client: CrossTradeClient, journal: Journal | None = None, *,
                 mode: str = "live") -> None:
        self.client = client
        self.journal = journal
        self.mode = mode
        self.intents = IntentLog(journal, mode)

    async def read_picture(self, account: str, instrument: str | None) -> Picture:
        """The account's open positions and working orders (and the instrument's position),
        read side by side; a part that could not be read is None."""
        import asyncio  # here: the panel's window is shown before asyncio is loaded

        position_read = (self.client.get_position(account, instrument) if instrument
                         else asyncio.sleep(0, None))
        position, holdings, working = await asyncio.gather(
            _or_none(position_read, "the position"),
            _or_none(self.client.list_positions(account), "the positions"),
            _or_none(self.client.list_working_orders(account), "the working orders"))
        return Picture(account, position,
                       tuple(holdings) if holdings is not None else None, working)

    async def exit(self, order: ExitOrder, *, before: Picture | None = None,
                   on_accepted: Callable[[ExitResult], None] | None = None,
                   watch: str | None = None, verify: bool = True) -> ExitReport:
        """Send ``order`` once; read the account back (with the position in ``watch``, the
        order's instrument by default). Raises the failure's typed error, an
        :class:`UncertainExit` (with what a re-read shows) when the outcome is unknown.
        ``verify=False``: no read after a confirmed exit (a group reads every member at once)."""
        instrument = watch or order.instrument
        started = time.perf_counter()
        intent = self.intents.begin(order.kind.value,
                                    order.describe().removesuffix(f" on {order.account}"),
                                    order.account, order.instrument, order.body())
        try:
            result = await self.client.send_exit(order)
        except CtError as error:
            elapsed = (time.perf_counter() - started) * 1000
            await intent.settled()
            if error.order_not_sent:
                await self._record(order, "failed", elapsed, intent, error=error, before=before)
                raise
            after = await self.read_picture(order.account, instrument)
            uncertain = UncertainExit(error, order, before, after)
            await self._record(order, "unknown", elapsed, intent, error=uncertain,
                               before=before, after=after)
            raise uncertain from error
        if on_accepted is not None:
            on_accepted(result)
        after = await self.read_picture(order.account, instrument) if verify else None
        report = ExitReport(order, result, before, after)
        await intent.settled()
        await self._record(order, "ok", result.round_trip_ms, intent, result=result,
                           before=before, after=after)
        return report

    async def list_everything(self, accounts: list[str]) -> EverythingListing:
        """What a flatten of every account would touch: every open position (one read) and
        each account's working orders, as far as CrossTrade's budget allows while keeping
        room for the flatten itself (an account not read is listed as such)."""
        import asyncio

        positions = await self.client.list_all_positions()
        holding = [p.account for p in positions]
        names = list(dict.fromkeys([*holding, *accounts]))  # accounts holding something first
        room = max(0, int(self.client.budget.level) - FLATTEN_ROOM)

        async def unread() -> None:
            return None
        orders = await asyncio.gather(*(
            _or_none(self.client.list_working_orders(name), f"{name}'s working orders")
            if index < room else unread() for index, name in enumerate(names)))
        return EverythingListing(tuple(positions), dict(zip(names, orders, strict=True)))

    async def flatten_everything(self, confirmed: EverythingConfirmed) -> ExitResult:
        """Every account, every position and order; only with the trader's confirmation."""
        started = time.perf_counter()
        status, error, result = "ok", None, None
        intent = self.intents.begin("flatten everything", "FLATTEN every account", None, None,
                                    {})
        try:
            result = await self.client.flatten_everything(confirmed)
            return result
        except CtError as failure:
            error = failure
            status = "failed" if failure.order_not_sent else "unknown"
            raise
        finally:
            elapsed = result.round_trip_ms if result else (time.perf_counter() - started) * 1000
            await intent.settled()
            await self._write({
                "kind": "flatten everything", "mode": self.mode, "account": None,
                "client_id": intent.client_id,
                "instrument": None, "body": {}, "status": status,
                "order_ids": list(result.order_ids) if result else None,
                "closed": [f"{p.account}: {p.describe()} {p.instrument}"
                           for p in result.closed] if result else None,
                "listing": confirmed.listing.text(),
                "round_trip_ms": round(elapsed, 1),
                "error": str(error) if error else None,
                "error_type": type(error).__name__ if error else None})

    async def _record(self, order: ExitOrder, status: str, round_trip_ms: float,
                      intent: WrittenAhead, *,
                      result: ExitResult | None = None, error: CtError | None = None,
                      before: Picture | None = None, after: Picture | None = None) -> None:
        await self._write({
            "kind": order.kind.value, "mode": self.mode, "account": order.account,
            "instrument": order.instrument, "body": order.body(), "status": status,
            "client_id": intent.client_id,
            "order_id": result.reference if result else None,
            "order_ids": list(result.order_ids) if result else None,
            "round_trip_ms": round(round_trip_ms, 1),
            "outcome": outcome_words(order, before, after) if after is not None else None,
            "warning": result.warning if result else None,
            "error": str(error) if error else None,
            "error_type": type(error).__name__ if error else None})

    async def _write(self, record: dict) -> None:
        if self.journal is None:
            return
        try:
            await self.journal.append_async(record)
        except OSError as failure:
            # The request already went out; losing the journal line must not hide its result.
            log.error("Could not write the journal (%s): %s", self.journal.path, failure)
