"""Entries and protection, Qt-free (reference 12.1, 12.2): BUY / SELL from flat or adding, a
stop and a target in ticks, one Cancel and Bracket sized to a position just read, and one
Change of a stop (breakeven) or of a leg (±1 tick).

Each request is built only from a position read from the backend, and refused in words when
that picture does not allow it: an "entry" against the position held is a reverse or an exit,
a bracket for a flat position would be a straddle entry (CrossTrade places the OCO pair at the
quantity given when there is no position), and a stop past the market would fill at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from ctpanel.core.domain.models import (
    OrderInfo,
    OrderSide,
    Position,
    Quote,
    ReverseOrder,
    Side,
)
from ctpanel.core.domain.pricing import format_price, snap
from ctpanel.core.errors import InvalidOrder, Problem

MAX_BRACKET_TICKS = 2000  # 500 points of ES: past that a figure is a typing slip
STOP_TYPES = frozenset({"STOPMARKET", "STOPLIMIT", "STOP"})


def _refused(field: str, words: str) -> InvalidOrder:
    return InvalidOrder([Problem(field, words)])


# --- entries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryOrder:
    """A BUY or SELL that enters from flat or adds to a position on its side: one Place Order
    carrying its own ``orderId`` (the journal's client id: a lost answer is looked up by it)
    and ``requireMarketPosition``, the server's second line against a stale picture."""

    order: ReverseOrder
    requires: Side  # the position the server must still see: FLAT, or the side added to
    client_order_id: str

    account = property(lambda self: self.order.account)
    instrument = property(lambda self: self.order.instrument)
    action = property(lambda self: self.order.action)
    quantity = property(lambda self: self.order.quantity)
    order_type = property(lambda self: self.order.order_type)
    limit_price = property(lambda self: self.order.limit_price)
    stop_price = property(lambda self: self.order.stop_price)
    strategy = property(lambda self: self.order.strategy)

    @property
    def adds(self) -> bool:
        return self.requires is not Side.FLAT

    def body(self) -> dict[str, Any]:
        return {**self.order.body(), "orderId": self.client_order_id,
                "requireMarketPosition": self.requires.value.lower()}

    def describe(self) -> str:
        """``BUY 2 ES 12-26 MARKET DAY from flat`` / ``... adding to Long``."""
        where = "from flat" if not self.adds else f"adding to {self.requires.value}"
        return f"{self.order.describe()} {where}"


def new_order_id() -> str:
    """A custom ``orderId`` (CrossTrade keeps it; lookups and cancels accept it)."""
    return uuid.uuid4().hex


def entry_for(order: ReverseOrder, position: Position | None,
              client_order_id: str) -> EntryOrder:
    """The entry ``order`` is, on ``position`` just read; refused in words when it is not one."""
    if position is None:
        raise _refused("position", "The position was not read: nothing is sent on an unknown "
                                   "picture.")
    if position.is_flat:
        return EntryOrder(order, Side.FLAT, client_order_id)
    if Side.after(order.action) is not position.side:
        raise _refused("action", (
            f"{order.action.value} {order.quantity} would trade against the "
            f"{position.describe()} position: use REVERSE to turn it, or CLOSE to take it "
            "off."))
    return EntryOrder(order, position.side, client_order_id)


# --- a stop and a target in ticks ----------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    """A stop and a target in ticks from a reference price (the fill), each optional."""

    stop_ticks: int | None = None
    target_ticks: int | None = None

    def __post_init__(self) -> None:
        problems = [Problem(name, f"{label} must be a whole number of ticks from 1 to "
                                  f"{MAX_BRACKET_TICKS}, not {value!r}.")
                    for name, label, value in (("stop_ticks", "The stop", self.stop_ticks),
                                               ("target_ticks", "The target",
                                                self.target_ticks))
                    if value is not None and (isinstance(value, bool)
                                              or not isinstance(value, int)
                                              or not 1 <= value <= MAX_BRACKET_TICKS)]
        if problems:
            raise InvalidOrder(problems)

    @property
    def is_set(self) -> bool:
        return self.stop_ticks is not None or self.target_ticks is not None

    def words(self) -> str:
        """``Stop 8 t · Target 16 t``; ``no stop or target`` when neither is set."""
        parts = [f"{name} {ticks} t" for name, ticks in (("Stop", self.stop_ticks),
                                                          ("Target", self.target_ticks))
                 if ticks is not None]
        return " · ".join(parts) or "no stop or target"

    def prices(self, side: Side, reference: float, tick: float
               ) -> tuple[float | None, float | None]:
        """(stop, target) on the tick grid for a ``side`` position entered at ``reference``."""
        direction = 1 if side is Side.LONG else -1
        base = snap(reference, tick)
        stop = None if self.stop_ticks is None else \
            snap(base - direction * self.stop_ticks * tick, tick)
        target = None if self.target_ticks is None else \
            snap(base + direction * self.target_ticks * tick, tick)
        return stop, target


NO_BRACKET = Bracket()


def bracket_from_text(stop: str, target: str) -> Bracket:
    """The ticket's two tick fields (blank: not set), refused in words, never changed."""
    values, problems = {}, []
    for name, label, text in (("stop_ticks", "Stop", stop), ("target_ticks", "Target", target)):
        text = (text or "").strip()
        if not text:
            values[name] = None
        elif text.isdigit() and len(text) <= 4:
            values[name] = int(text)
        else:
            problems.append(Problem(name, f"{label} ticks must be a whole number from 1 to "
                                          f"{MAX_BRACKET_TICKS} (got {text[:12]!r})."))
    if problems:
        raise InvalidOrder(problems)
    return Bracket(**values)


def plus_ticks_from_text(text: str) -> int:
    """Breakeven's "+N ticks" as typed (blank: 0), refused in words, never changed."""
    text = (text or "").strip()
    if not text:
        return 0
    if text.isdigit() and len(text) <= 4 and int(text) <= MAX_BRACKET_TICKS:
        return int(text)
    raise _refused("plus_ticks", f"Breakeven +ticks must be a whole number from 0 to "
                                 f"{MAX_BRACKET_TICKS} (got {text[:12]!r}).")


def risk_words(side: Side, reference: float, stop: float | None, target: float | None,
               value_per_tick: float | None, tick: float) -> str:
    """``stop 6,847.75 (−$100 per contract) · target 6,853.75``."""
    parts = []
    if stop is not None:
        risk = ""
        if value_per_tick:
            loss = abs(round((reference - stop) / tick)) * value_per_tick
            risk = f" (−${loss:,.0f} per contract)"
        parts.append(f"stop {format_price(stop)}{risk}")
    if target is not None:
        parts.append(f"target {format_price(target)}")
    return " · ".join(parts)


# --- Cancel and Bracket ---------------------------------------------------------------------


@dataclass(frozen=True)
class ProtectOrder:
    """One Cancel and Bracket for a position just read: ``action`` is the protected side (a
    long is ``Buy``: the legs are sells), ``quantity`` that position's size."""

    account: str
    instrument: str
    side: Side
    quantity: int
    stop_price: float | None
    target_price: float | None
    bracket: Bracket

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"instrument": self.instrument,
                                "action": "Buy" if self.side is Side.LONG else "Sell",
                                "quantity": self.quantity}
        if self.stop_price is not None:
            body["stopLoss"] = self.stop_price
        if self.target_price is not None:
            body["takeProfit"] = self.target_price
        return body

    def legs_words(self) -> str:
        """``stop 6,844.00 / target 6,860.00``."""
        return " / ".join(f"{name} {format_price(price)}" for name, price in
                          (("stop", self.stop_price), ("target", self.target_price))
                          if price is not None)

    def describe(self) -> str:
        """``PROTECT Long 2 ES 12-26: stop 6,844.00 / target 6,860.00``."""
        return (f"PROTECT {self.side.value} {self.quantity} {self.instrument}: "
                f"{self.legs_words()}")

    def preview(self, working: int | None) -> str:
        """``Cancels 2 working orders in ES 12-26, then stop ... / target ... for Long 2``."""
        if working is None:
            cancels = f"Cancels every working order in {self.instrument}"
        elif working == 0:
            cancels = f"No working order in {self.instrument} to cancel"
        else:
            cancels = (f"Cancels {working} working order{'s' if working != 1 else ''} in "
                       f"{self.instrument}")
        return f"{cancels}, then {self.legs_words()} for {self.side.value} {self.quantity}"


def protect_for(position: Position | None, bracket: Bracket, reference: float | None,
                tick: float | None, quote: Quote | None = None) -> ProtectOrder:
    """The Cancel and Bracket that protects ``position`` (read just before) with ``bracket``
    from ``reference`` (the fill price, or the average price). Refused in words when flat,
    when no leg is set, or when a leg is already past the market (it would fill at once)."""
    if position is None:
        raise _refused("position", "The position was not read: no bracket on an unknown "
                                   "picture.")
    if position.is_flat:
        raise _refused("position", f"{position.instrument} is flat on {position.account}: "
                                   "nothing to protect.")
    if not bracket.is_set:
        raise _refused("stop_ticks", "Set a stop or a target in ticks first.")
    if reference is None or not tick:
        raise _refused("position", "The entry price or the tick size is not known: the "
                                   "bracket's prices cannot be set.")
    stop, target = bracket.prices(position.side, reference, tick)
    order = ProtectOrder(position.account, position.instrument, position.side,
                         position.quantity, stop, target, bracket)
    problem = legs_against_market(order, quote)
    if problem:
        raise _refused("stop_ticks", problem)
    return order


def legs_against_market(order: ProtectOrder, quote: Quote | None) -> str | None:
    """Why a leg would fill at once (a long's stop at or above the bid, its target at or below
    it; the other way for a short), or None. Unknown market: None (the server still checks)."""
    long = order.side is Side.LONG
    market = (quote.bid if long else quote.ask) if quote else None
    if market is None:
        return None
    name = "bid" if long else "ask"
    shown = format_price(market)
    if order.stop_price is not None and (order.stop_price >= market if long
                                         else order.stop_price <= market):
        return (f"The stop at {format_price(order.stop_price)} is already past the market "
                f"({name} {shown}): it would fill at once. Choose more stop ticks, or CLOSE.")
    if order.target_price is not None and (order.target_price <= market if long
                                           else order.target_price >= market):
        return (f"The target at {format_price(order.target_price)} is already past the "
                f"market ({name} {shown}): it would fill at once. Choose more target ticks, "
                "or CLOSE.")
    return None


@dataclass(frozen=True)
class BracketResult:
    """What Cancel and Bracket answered: the legs' ids, what it cancelled, its quantity."""

    order_ids: tuple[str, ...]
    stop_order_id: str | None
    target_order_id: str | None
    cancelled: tuple[str, ...]
    quantity: int | None
    round_trip_ms: float
    warning: str | None = None

    @property
    def order_id(self) -> str:
        return ", ".join(self.order_ids)


# --- Change: breakeven and ±1 tick ----------------------------------------------------------


@dataclass(frozen=True)
class ChangeOrder:
    """One Change of a working order's stop or limit price."""

    account: str
    instrument: str
    order_id: str
    stop_price: float | None = None
    limit_price: float | None = None
    reason: str = ""  # "breakeven", "+1 tick"

    def body(self) -> dict[str, Any]:
        return {key: value for key, value in (("stopPrice", self.stop_price),
                                              ("limitPrice", self.limit_price))
                if value is not None}

    def describe(self) -> str:
        """``MOVE stop of order 4f2a to 6,850.00 (breakeven)``."""
        leg, price = ("stop", self.stop_price) if self.stop_price is not None else \
            ("limit", self.limit_price)
        why = f" ({self.reason})" if self.reason else ""
        return f"MOVE {leg} of order {self.order_id} in {self.instrument} to " \
               f"{format_price(price)}{why}"


def is_stop_leg(order: OrderInfo, position: Position) -> bool:
    """A working stop in the position's instrument on its closing side."""
    closing = position.side.closing_action
    return (order.order_type in STOP_TYPES and closing is not None
            and order.action == closing.value and order.instrument == position.instrument
            and order.stop_price is not None)


def breakeven_for(position: Position | None, working: tuple[OrderInfo, ...] | None,
                  tick: float | None, plus_ticks: int, quote: Quote | None) -> ChangeOrder:
    """One Change of the stop leg's ``stopPrice`` to the average price ± ``plus_ticks``;
    refused in words when the market is on the wrong side of that price."""
    if position is None or position.is_flat:
        raise _refused("position", "No open position (as last read): nothing to move to "
                                   "breakeven.")
    if position.average_price is None or not tick:
        raise _refused("position", "The average price or the tick size is not known.")
    if isinstance(plus_ticks, bool) or not isinstance(plus_ticks, int) \
            or not 0 <= plus_ticks <= MAX_BRACKET_TICKS:
        raise _refused("plus_ticks", f"+ticks must be a whole number from 0 to "
                                     f"{MAX_BRACKET_TICKS}.")
    if working is None:
        raise _refused("orders", "The working orders could not be read: the stop to move is "
                                 "not known.")
    stops = [order for order in working if is_stop_leg(order, position)]
    if not stops:
        raise _refused("orders", f"No working stop protects {position.describe()} "
                                 f"{position.instrument}: use Protect now first.")
    long = position.side is Side.LONG
    price = snap(position.average_price + (plus_ticks if long else -plus_ticks) * tick, tick)
    market = (quote.bid if long else quote.ask) if quote else None
    if market is None:
        raise _refused("quote", "No quote: whether the market allows that stop is not known.")
    if long and price >= market:
        raise _refused("quote", f"A sell stop must stay below the bid: breakeven "
                                f"{format_price(price)} is not below the bid "
                                f"{format_price(market)}.")
    if not long and price <= market:
        raise _refused("quote", f"A buy stop must stay above the ask: breakeven "
                                f"{format_price(price)} is not above the ask "
                                f"{format_price(market)}.")
    stop = stops[0]
    if stop.stop_price == price:
        raise _refused("orders", f"The stop is already at {format_price(price)}.")
    reason = "breakeven" + (f" +{plus_ticks} t" if plus_ticks else "")
    return ChangeOrder(position.account, position.instrument, stop.order_id,
                       stop_price=price, reason=reason)


def nudge_for(order: OrderInfo, account: str, ticks: int, tick: float | None,
              quote: Quote | None) -> ChangeOrder:
    """One Change moving a working leg by ``ticks`` (±1 per click); a stop is kept on its side
    of the market."""
    if not tick:
        raise _refused("quote", "The tick size is not known: the leg cannot be moved.")
    is_stop = order.order_type in STOP_TYPES
    current = order.stop_price if is_stop else order.limit_price
    if current is None:
        raise _refused("orders", f"Order {order.order_id} has no price to move.")
    price = snap(current + ticks * tick, tick)
    words = f"{ticks:+d} tick{'s' if abs(ticks) != 1 else ''}"
    if is_stop:
        selling = order.action == OrderSide.SELL.value
        market = (quote.bid if selling else quote.ask) if quote else None
        if market is not None and (price >= market if selling else price <= market):
            raise _refused("quote", f"A {'sell' if selling else 'buy'} stop must stay "
                                    f"{'below the bid' if selling else 'above the ask'} "
                                    f"({format_price(market)}): not moved to "
                                    f"{format_price(price)}.")
        return ChangeOrder(account, order.instrument, order.order_id, stop_price=price,
                           reason=words)
    return ChangeOrder(account, order.instrument, order.order_id, limit_price=price,
                       reason=words)


def bracket_words(legs: tuple[OrderInfo, ...]) -> str:
    """``stop 6,847.75 / target 6,853.75 (OCO)``: a bracket's legs as the orders list shows
    them."""
    stop = next((leg for leg in legs if leg.stop_price is not None
                 and leg.order_type.startswith("STOP")), None)
    target = next((leg for leg in legs if leg.order_type == "LIMIT"), None)
    parts = [f"{name} {format_price(price)}" for name, price in (
        ("stop", stop.stop_price if stop else None),
        ("target", target.limit_price if target else None)) if price is not None]
    shared = {leg.oco_id for leg in legs if leg.oco_id}
    return " / ".join(parts) + (" (OCO)" if len(legs) > 1 and len(shared) == 1 else "")


def oco_groups(working: tuple[OrderInfo, ...]) -> list[tuple[OrderInfo, ...]]:
    """The working orders that share an OCO id, two or more, each group in its order."""
    groups: dict[str, list[OrderInfo]] = {}
    for order in working:
        if order.oco_id:
            groups.setdefault(order.oco_id, []).append(order)
    return [tuple(legs) for legs in groups.values() if len(legs) > 1]
