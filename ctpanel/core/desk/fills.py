"""Following a new order to its fill, Qt-free: after the order id is shown, ``GetOrderStatus``
(cheap) until the order is filled, working or ended, then ``GetOrder`` for the fill's price
and size (or the lifecycle for a rejection's reason), in one plain line:
"Filled 2 @ 25,401.25 (1 tick slippage vs last at click)", "Working: BUY 3 STOPMARKET @ ...",
"Rejected: <reason>". Every read waits for the request budget to keep a reserve for orders.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ctpanel.core.domain.models import OrderInfo, OrderType, ReverseOrder
from ctpanel.core.domain.pricing import describe_slippage, format_price
from ctpanel.core.domain.states import OrderState
from ctpanel.core.errors import CtError
from ctpanel.core.wire.payloads import rejection_reason

log = logging.getLogger(__name__)

# A limit or stop entry resting in the market: it is followed no further (it may rest for
# hours); one still on its way (submitted, a change pending) is looked at again.
RESTING = frozenset({OrderState.ACCEPTED, OrderState.WORKING, OrderState.TRIGGER_PENDING,
                     OrderState.PART_FILLED})
FOLLOW_FOR_S = 10.0
FIRST_LOOK_S, LOOK_GROWTH, LONGEST_GAP_S = 0.1, 2.0, 2.0
FOLLOW_RESERVE = 8


@dataclass(frozen=True)
class FillReport:
    """What following an order found: its NinjaTrader state, and the one line the log shows."""

    order_id: str
    state: str  # NinjaTrader's, or "unknown" when it could not be followed
    line: str
    filled: int = 0
    average_fill_price: float | None = None
    slippage: str = ""

    def record(self) -> dict:
        """The journal's record of the fill (the desk adds its client id and scope)."""
        return {"kind": "fill", "order_id": self.order_id, "state": self.state,
                "filled": self.filled, "average_fill_price": self.average_fill_price,
                "slippage": self.slippage or None, "line": self.line}


class FillFollower:
    """Follows one confirmed order to its fill, within the request budget (see the module)."""

    def __init__(self, client, *, sleep: Callable[[float], Awaitable[None]] | None = None,
                 follow_for: float = FOLLOW_FOR_S) -> None:
        import asyncio  # here: the window is shown before asyncio is loaded

        self.client = client
        self.sleep = sleep or asyncio.sleep
        self.follow_for = follow_for

    async def follow(self, order: ReverseOrder, order_id: str, *,
                     last_at_click: float | None, tick: float | None,
                     through_resting: bool = False) -> FillReport:
        """Until filled, working (a limit or stop entry) or ended; a line either way.
        ``through_resting``: a resting entry is followed on to its fill (its bracket waits
        for it), for as long as this follower follows."""
        waited, gap = 0.0, FIRST_LOOK_S
        state = ""
        while waited <= self.follow_for:
            await self._budget_room()
            try:
                state = await self.client.get_order_status(order.account, order_id)
            except CtError as error:
                return FillReport(order_id, "unknown", f"Fill not known: {error}")
            known = OrderState.read(state)
            if known is OrderState.FILLED:
                return await self._filled(order, order_id, last_at_click, tick)
            if known is not None and known.done:
                return await self._ended(order, order_id, state)
            if known in RESTING and order.order_type is not OrderType.MARKET \
                    and not through_resting:
                return FillReport(order_id, state, f"{state}: {working_words(order)}")
            await self.sleep(gap)
            waited += gap
            gap = min(gap * LOOK_GROWTH, LONGEST_GAP_S)
        return FillReport(order_id, state or "unknown",
                          f"Not filled after {self.follow_for:g} s: the order is "
                          f"{(state or 'in an unknown state').lower()}. Check NinjaTrader.")

    async def _filled(self, order: ReverseOrder, order_id: str, last_at_click: float | None,
                      tick: float | None) -> FillReport:
        try:
            info: OrderInfo = await self.client.get_order(order.account, order_id)
        except CtError as error:
            return FillReport(order_id, "Filled", f"Filled (price not read: {error})")
        price = info.average_fill_price
        filled = info.filled or order.quantity
        if price is None:
            return FillReport(order_id, "Filled", f"Filled {filled} (price not given)", filled)
        slippage = describe_slippage(order.action, price, last_at_click, tick)
        words = f" ({slippage})" if slippage else ""
        return FillReport(order_id, "Filled", f"Filled {filled} @ {format_price(price)}{words}",
                          filled, price, slippage)

    async def _ended(self, order: ReverseOrder, order_id: str, state: str) -> FillReport:
        reason = None
        if state.lower() == "rejected":
            try:
                reason = rejection_reason(await self.client.get_order_lifecycle(
                    order.account, order_id))
            except CtError as error:  # an add-on before 1.13.2 has no lifecycle
                log.info("No lifecycle for order %s: %s", order_id, error)
        return FillReport(order_id, state,
                          f"{state}: {reason}" if reason else f"{state} (no reason given)")

    async def _budget_room(self) -> None:
        await budget_room(self.client, self.sleep)


async def budget_room(client, sleep: Callable[[float], Awaitable[None]] | None = None,
                      reserve: float = FOLLOW_RESERVE) -> None:
    """Wait until CrossTrade's budget (as mirrored) keeps ``reserve`` requests for orders:
    a read after an order never spends the room the next click needs."""
    import asyncio

    sleep = sleep or asyncio.sleep
    budget = client.budget
    while budget.level < reserve:
        await sleep(1 / budget.rate)


def working_words(order: ReverseOrder) -> str:
    """``BUY 3 STOPMARKET @ 25,410.00``."""
    prices = [format_price(p) for p in (order.stop_price, order.limit_price) if p]
    at = f" @ {' / '.join(prices)}" if prices else ""
    return f"{order.action.value} {order.quantity} {order.order_type.value}{at}"
