"""The simulator's orders: their lifecycle, their fills (executions), and CrossTrade's JSON
shapes for them (reference §10.2: ``ocoId``, ``orderAction``, ``epoch`` in ms, ...).

Working limit and stop orders fill when the market reaches them (:meth:`OrderBook.triggered`),
so a stop entry left by a reverse fills later, as it would on NinjaTrader.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ctpanel.sim.market import Contract

ORDER_TYPES = {"MARKET": "Market", "LIMIT": "Limit", "STOPMARKET": "StopMarket",
               "STOPLIMIT": "StopLimit"}
ACTIONS = {"BUY": "Buy", "SELL": "Sell"}
TIFS = {"DAY": "Day", "GTC": "Gtc"}
ACTIVE_STATES = {"Submitted", "Accepted", "Working", "PartFilled", "TriggerPending"}
GTD_NEVER = "2099-12-01T00:00:00.0000000"


@dataclass(frozen=True)
class OrderSpec:
    """An order body the simulator accepted."""

    contract: Contract
    action: str
    quantity: int
    order_type: str
    tif: str
    limit_price: float | None
    stop_price: float | None
    oco: str | None
    strategy: str | None


def nt_time(epoch: float) -> str:
    """NinjaTrader's local time text: no offset, seven fractional digits."""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


@dataclass
class SimOrder:
    order_id: str
    account: str
    ticket: OrderSpec
    name: str
    created: float = field(default_factory=time.time)
    state: str = "Submitted"
    filled: int = 0
    average_fill_price: float = 0.0
    triggered: bool = False  # a stop-limit whose stop was reached works as a limit
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def set_state(self, state: str, event: str, **extra: Any) -> None:
        self.state = state
        now = time.time()
        self.events.append({"timestamp": nt_time(now), "epoch": int(now * 1000),
                            "source": "NinjaTrader", "event": event, "orderState": state,
                            "orderId": self.order_id, **extra})

    def json(self) -> dict[str, Any]:
        ticket = self.ticket
        order_type = ORDER_TYPES[ticket.order_type]
        return {
            "account": self.account, "orderId": self.order_id,
            "instrument": ticket.contract.name, "instrumentType": "Future",
            "orderType": order_type, "orderState": self.state, "quantity": ticket.quantity,
            "averageFillPrice": self.average_fill_price, "filled": self.filled,
            "fromEntrySignal": None, "gtd": GTD_NEVER, "hasOverfill": False,
            "isBacktestOrder": False, "limitPrice": ticket.limit_price or 0.0,
            "limitPriceChanged": ticket.limit_price or 0.0, "ocoId": ticket.oco or "",
            "orderAction": ACTIONS[ticket.action], "quantityChanged": ticket.quantity,
            "stopPrice": ticket.stop_price or 0.0, "stopPriceChanged": ticket.stop_price or 0.0,
            "time": nt_time(self.created), "epoch": int(self.created * 1000),
            "timeInForce": TIFS[ticket.tif], "name": self.name,
            "isLimit": order_type == "Limit", "isLong": ticket.action == "BUY",
            "isMarket": order_type == "Market", "isShort": ticket.action == "SELL",
            "isStopLimit": order_type == "StopLimit", "isStopMarket": order_type == "StopMarket",
            "ownerStrategy": None,
        }


class OrderBook:
    def __init__(self) -> None:
        self.orders: dict[str, SimOrder] = {}
        self.executions: list[dict[str, Any]] = []

    def get(self, order_id: Any) -> SimOrder | None:
        return self.orders.get(order_id) if isinstance(order_id, str) else None

    def new(self, account: str, ticket: OrderSpec, *, order_id: str | None = None,
            name: str = "Entry") -> SimOrder:
        order = SimOrder(order_id or uuid.uuid4().hex, account, ticket, ticket.strategy or name)
        self.orders[order.order_id] = order
        order.set_state("Submitted", "OrderSubmitted")
        order.set_state("Accepted", "OrderAccepted")
        return order

    def fill(self, order: SimOrder, price: float, position_after: str) -> dict[str, Any]:
        """Record ``order`` filled in full at ``price``; returns the execution."""
        order.filled = order.ticket.quantity
        order.average_fill_price = price
        now = time.time()
        execution = {
            "id": uuid.uuid4().hex, "type": "NinjaTrader.Cbi.Execution", "time": nt_time(now),
            "epoch": int(now * 1000), "name": order.name, "orderId": order.order_id,
            "account": order.account, "instrument": order.ticket.contract.name,
            "marketPosition": "Long" if order.ticket.action == "BUY" else "Short",
            "price": price, "quantity": order.ticket.quantity, "commission": 0.0,
            "isEntry": order.name == "Entry", "isExit": order.name != "Entry",
            "position": position_after,
        }
        self.executions.append(execution)
        order.set_state("Filled", "Execution", executionId=execution["id"], price=price,
                        quantity=order.ticket.quantity)
        return execution

    def cancel(self, order: SimOrder) -> None:
        order.set_state("CancelPending", "CancelSubmitted")
        order.set_state("Cancelled", "OrderCancelled")

    def active(self, account: str, contract: Contract | None = None) -> list[SimOrder]:
        return [o for o in self.orders.values()
                if o.active and o.account == account
                and (contract is None or o.ticket.contract.name == contract.name)]

    def executions_since(self, account: str, epoch_ms: int) -> list[dict[str, Any]]:
        return [e for e in self.executions
                if e["account"] == account and e["epoch"] >= epoch_ms]


def fill_price(order: SimOrder, bid: float, ask: float) -> float | None:
    """The price ``order`` fills at with the market at ``bid`` / ``ask``; None while it
    should keep working. A stop-limit's stop, once reached, turns it into a limit."""
    ticket = order.ticket
    buying = ticket.action == "BUY"
    touch = ask if buying else bid
    kind = ticket.order_type
    if kind == "MARKET":
        return touch
    if kind in ("STOPMARKET", "STOPLIMIT") and not order.triggered:
        reached = touch >= ticket.stop_price if buying else touch <= ticket.stop_price
        if not reached:
            return None
        if kind == "STOPMARKET":
            return touch
        order.triggered = True
    limit = ticket.limit_price
    marketable = touch <= limit if buying else touch >= limit
    return (min(touch, limit) if buying else max(touch, limit)) if marketable else None


def stop_on_wrong_side(ticket: OrderSpec, bid: float, ask: float) -> str | None:
    """NinjaTrader rejects a buy stop at or below the market and a sell stop at or above it."""
    if ticket.order_type not in ("STOPMARKET", "STOPLIMIT"):
        return None
    if ticket.action == "BUY" and ticket.stop_price <= ask:
        return "Buy stop orders can't be placed below the market."
    if ticket.action == "SELL" and ticket.stop_price >= bid:
        return "Sell stop orders can't be placed above the market."
    return None
