"""Plain data the rest of ctpanel speaks in: enums, the order ticket, positions, results."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class OrderSide(StrEnum):
    """The side of an order: BUY or SELL."""

    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    """NinjaTrader's order types, as CrossTrade names them."""

    MARKET = "MARKET"
    LIMIT = "LIMIT"
    STOPMARKET = "STOPMARKET"
    STOPLIMIT = "STOPLIMIT"

    @property
    def needs_limit_price(self) -> bool:
        return self in (OrderType.LIMIT, OrderType.STOPLIMIT)

    @property
    def needs_stop_price(self) -> bool:
        return self in (OrderType.STOPMARKET, OrderType.STOPLIMIT)


class TimeInForce(StrEnum):
    """How long an order works: the session (DAY) or until cancelled (GTC)."""

    DAY = "DAY"
    GTC = "GTC"


class Transport(StrEnum):
    """How an order travels to CrossTrade: a REST POST or an RPC on the WebSocket."""

    REST = "rest"
    WS = "ws"


class Side(StrEnum):
    """Direction of a position, spelt as NinjaTrader's ``marketPosition``."""

    LONG = "Long"
    SHORT = "Short"
    FLAT = "Flat"

    @property
    def closing_action(self) -> OrderSide | None:
        """The action that takes the other side of this position (None when flat)."""
        return {Side.LONG: OrderSide.SELL, Side.SHORT: OrderSide.BUY}.get(self)

    @classmethod
    def after(cls, action: OrderSide) -> Side:
        return cls.LONG if action is OrderSide.BUY else cls.SHORT


@dataclass(frozen=True)
class ReverseOrder:
    """One validated order ticket; build it with :func:`ctpanel.core.domain.validation.parse_order`.

    The same ticket serves Place Order, whose body CrossTrade defines identically.
    """

    account: str
    instrument: str
    action: OrderSide
    quantity: int
    order_type: OrderType = OrderType.MARKET
    time_in_force: TimeInForce = TimeInForce.DAY
    limit_price: float | None = None
    stop_price: float | None = None
    oco_id: str | None = None
    strategy: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON body CrossTrade expects: camelCase keys, optional fields omitted when unset."""
        body: dict[str, Any] = {
            "instrument": self.instrument,
            "action": self.action.value,
            "quantity": self.quantity,
            "orderType": self.order_type.value,
            "timeInForce": self.time_in_force.value,
        }
        optional = {
            "limitPrice": self.limit_price,
            "stopPrice": self.stop_price,
            "ocoId": self.oco_id,
            "strategy": self.strategy,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body

    def describe(self) -> str:
        """Short human summary, e.g. ``SELL 2 ES 12-26 MARKET DAY``."""
        parts = [self.action.value, str(self.quantity), self.instrument, self.order_type.value]
        if self.limit_price is not None:
            parts.append(f"limit {self.limit_price:g}")
        if self.stop_price is not None:
            parts.append(f"stop {self.stop_price:g}")
        parts.append(self.time_in_force.value)
        if self.oco_id:
            parts.append(f"OCO {self.oco_id}")
        if self.strategy:
            parts.append(f"ATM {self.strategy}")
        return " ".join(parts)


@dataclass(frozen=True)
class Position:
    """A position as CrossTrade reports it; ``quantity`` is unsigned, direction is ``side``."""

    account: str
    instrument: str
    side: Side
    quantity: int
    average_price: float | None = None
    market_price: float | None = None
    unrealized_pnl: float | None = None

    @classmethod
    def flat(cls, account: str, instrument: str) -> Position:
        return cls(account=account, instrument=instrument, side=Side.FLAT, quantity=0)

    @property
    def is_flat(self) -> bool:
        return self.side is Side.FLAT or self.quantity == 0

    def describe(self) -> str:
        """``Long 2`` / ``Short 1`` / ``Flat``."""
        return "Flat" if self.is_flat else f"{self.side.value} {self.quantity}"


SIMULATION_CONNECTIONS = ("simulat", "playback")  # "Simulated Data Feed", "Playback Connection"


@dataclass(frozen=True)
class Account:
    """A NinjaTrader account as CrossTrade lists it, with the connection it trades on."""

    name: str
    display_name: str = ""
    connection_status: str | None = None
    connection: str | None = None  # the NinjaTrader connection (or provider) it trades through

    @property
    def is_simulation(self) -> bool:
        """NinjaTrader's simulation accounts: named ``Sim...`` (NinjaTrader requires it), or on
        a simulated or playback connection. Anything else counts as live: the safe side."""
        connection = (self.connection or "").lower()
        return self.name.startswith("Sim") or any(word in connection
                                                  for word in SIMULATION_CONNECTIONS)

    @property
    def kind(self) -> str:
        return "simulation account" if self.is_simulation else "live account"

    @property
    def label(self) -> str:
        if self.name.startswith("group:"):  # a group offered beside the accounts
            return self.display_name
        if self.display_name and self.display_name != self.name:
            return f"{self.display_name} ({self.name})"
        return self.name


@dataclass(frozen=True)
class OrderResult:
    """What CrossTrade answered to an order: the new order's id, and how long the trip took."""

    order_id: str
    round_trip_ms: float
    warning: str | None = None


@dataclass(frozen=True)
class Quote:
    """One quote as CrossTrade sends it (GetQuote, or a ``marketData`` push); any field may be
    missing. ``received_at`` is our monotonic clock when it arrived: its age is ours to judge."""

    instrument: str
    bid: float | None = None
    ask: float | None = None
    last: float | None = None
    tick_size: float | None = None
    point_value: float | None = None
    tick_value: float | None = None
    is_market_open: bool | None = None
    received_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def value_per_tick(self) -> float | None:
        """Currency per tick per contract: ``tickValue``, else tick size x point value."""
        if self.tick_value:
            return self.tick_value
        if self.tick_size and self.point_value:
            return self.tick_size * self.point_value
        return None


def finite_float(value: Any) -> float | None:
    """A float from an untrusted JSON value, or None when it is missing or not a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class AccountPnl:
    """An account's P&L as a ``pnlUpdate`` push gives it (None: not given)."""

    account: str
    unrealized: float | None
    realized: float | None


@dataclass(frozen=True)
class OrderInfo:
    """An order as ``GetOrder`` returns it (NinjaTrader's fields, §10.2)."""

    order_id: str
    state: str
    action: str = ""
    order_type: str = ""
    instrument: str = ""
    quantity: int | None = None
    filled: int = 0
    average_fill_price: float | None = None
    limit_price: float | None = None
    stop_price: float | None = None
    oco_id: str = ""  # the OCO group it belongs to (a bracket's legs share one)


@dataclass(frozen=True)
class Execution:
    """One execution (a fill) as ``ListExecutions`` gives it; ``epoch_ms`` in milliseconds."""

    order_id: str
    instrument: str
    price: float
    quantity: int
    epoch_ms: int
    market_position: str = ""
