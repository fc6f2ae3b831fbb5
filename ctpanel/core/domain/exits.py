"""The exits, Qt-free: Close, Flatten (one account) and Cancel, as one validated request each,
and the words for what they will do and what they did.

CrossTrade's semantics (reference 5.8, 5.11, 5.14, 10.3, 11.1): a close's ``quantity`` is capped
at the open size and its ``percent`` (0..1) rounds up; a partial close places a market order
and leaves working orders in place; a full close goes through NinjaTrader's flatten and cancels
them; a flatten of one account closes its positions and cancels its orders.

An :class:`ExitOrder` always names an account: the empty flatten body that flattens *every*
account cannot be built from one. That request has one door, the client's
``flatten_everything``, which takes an :class:`EverythingConfirmed` only the confirmation of a
listing hands out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ctpanel.core.domain.models import OrderInfo, Position
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.domain.states import Intent, is_working_state
from ctpanel.core.errors import InvalidOrder, Problem


@dataclass(frozen=True)
class ExitOrder:
    """One exit request. ``instrument`` narrows a flatten or a cancel; ``quantity`` or
    ``percent`` makes a close partial; ``order_id`` cancels one order."""

    kind: Intent
    account: str
    instrument: str | None = None
    quantity: int | None = None
    percent: float | None = None
    order_id: str | None = None

    def __post_init__(self) -> None:
        problems = exit_problems(self)
        if problems:
            raise InvalidOrder(problems)

    def body(self) -> dict[str, Any]:
        if self.kind is Intent.CANCEL and self.order_id:
            return {}
        body: dict[str, Any] = {}
        if self.instrument:
            body["instrument"] = self.instrument
        if self.quantity is not None:
            body["quantity"] = self.quantity
        elif self.percent is not None:
            body["percent"] = self.percent
        return body

    def describe(self) -> str:
        """``CLOSE 1 ES 12-26 on Sim101``, ``FLATTEN Sim101``, ``CANCEL order 4f2a on Sim101``."""
        if self.kind is Intent.CLOSE:
            part = (f" {self.quantity}" if self.quantity is not None else
                    f" {self.percent:.0%} of" if self.percent is not None else " all of")
            return f"CLOSE{part} {self.instrument} on {self.account}"
        if self.kind is Intent.FLATTEN:
            where = f"{self.instrument} on {self.account}" if self.instrument else self.account
            return f"FLATTEN {where}"
        if self.order_id:
            return f"CANCEL order {self.order_id} on {self.account}"
        where = f"in {self.instrument} " if self.instrument else ""
        return f"CANCEL every working order {where}on {self.account}"


def exit_problems(order: ExitOrder) -> list[Problem]:
    """What is wrong with ``order``, one problem per field (none: it may be sent)."""
    problems = []
    if not isinstance(order.kind, Intent) or not order.kind.is_exit:
        problems.append(Problem("kind", f"{order.kind} is not a close, a flatten or a cancel."))
    if not isinstance(order.account, str) or not order.account.strip():
        problems.append(Problem("account", "An exit needs an account."))
    if order.kind is Intent.CLOSE and not order.instrument:
        problems.append(Problem("instrument", "A close needs an instrument."))
    if order.quantity is not None and (isinstance(order.quantity, bool)
                                       or not isinstance(order.quantity, int)
                                       or order.quantity < 1):
        problems.append(Problem("quantity", "The quantity to close must be a whole number "
                                            "of contracts, at least 1."))
    if order.percent is not None and not (isinstance(order.percent, int | float)
                                          and 0 < order.percent <= 1):
        problems.append(Problem("percent", "The part to close must be between 0 and 100 %."))
    if order.quantity is not None and order.percent is not None:
        problems.append(Problem("quantity", "Give a quantity or a percentage, not both."))
    if (order.quantity is not None or order.percent is not None) \
            and order.kind is not Intent.CLOSE:
        problems.append(Problem("quantity", "Only a close takes a quantity."))
    if order.order_id is not None and (order.kind is not Intent.CANCEL or order.instrument):
        problems.append(Problem("order", "An order id goes with a cancel, on its own."))
    return problems


def closing_size(open_size: int, quantity: int | None, percent: float | None) -> int:
    """How many contracts a close takes, as CrossTrade computes it: the quantity capped at
    the open size, else the percentage rounded up, else everything."""
    if quantity is not None:
        return min(quantity, open_size)
    if percent is not None:
        return min(open_size, math.ceil(open_size * percent - 1e-9))
    return open_size


# --- working orders ----------------------------------------------------------------------------


def is_working(order: OrderInfo) -> bool:
    """Whether ``order`` is still working (NinjaTrader's working states)."""
    return is_working_state(order.state)


def order_words(order: OrderInfo) -> str:
    """``BUY 2 STOPMARKET @ 25,410.00 (order 4f2a...)``."""
    quantity = order.quantity if order.quantity is not None else "?"
    price = order.stop_price if order.order_type.startswith("STOP") else order.limit_price
    at = f" @ {format_price(price)}" if price else ""
    return (f"{order.action or '?'} {quantity} {order.order_type or 'order'}{at} "
            f"(order {order.order_id})")


def in_instrument(names: Iterable[str | None], instrument: str) -> bool:
    """Whether ``instrument`` is one of ``names`` (the name asked for, the name read back)."""
    wanted = {name.upper() for name in names if name}
    return instrument.upper() in wanted


def count_words(count: int, what: str = "working order") -> str:
    """``1 working order``, ``3 working orders``, ``no working orders``."""
    return f"{count or 'no'} {what}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Picture:
    """What an exit is built on and judged by: the account's open positions and working
    orders (each None when it could not be read), and the selected instrument's position."""

    account: str
    position: Position | None = None
    holdings: tuple[Position, ...] | None = None
    working: tuple[OrderInfo, ...] | None = None

    def names(self, instrument: str | None) -> set[str]:
        names = {instrument} if instrument else set()
        if self.position is not None and instrument:
            names.add(self.position.instrument)
        return {name for name in names if name}

    def orders_in(self, instrument: str | None) -> tuple[OrderInfo, ...] | None:
        if self.working is None or instrument is None:
            return self.working
        names = self.names(instrument)
        return tuple(o for o in self.working if in_instrument(names, o.instrument))

    def positions_in(self, instrument: str | None) -> tuple[Position, ...] | None:
        if instrument is not None and self.position is not None:
            return () if self.position.is_flat else (self.position,)
        if self.holdings is None:
            return None
        names = self.names(instrument)
        return tuple(p for p in self.holdings if not p.is_flat
                     and (instrument is None or in_instrument(names, p.instrument)))


@dataclass(frozen=True)
class ExitResult:
    """What CrossTrade answered: the positions it closed (as they were), the order ids it
    named (cancelled ones, or a close's), a warning ("nothing to flatten")."""

    closed: tuple[Position, ...]
    order_ids: tuple[str, ...]
    round_trip_ms: float
    warning: str | None = None

    @property
    def reference(self) -> str:
        """An id to show for the request: the first order id, else a dash."""
        return self.order_ids[0] if self.order_ids else "–"


@dataclass(frozen=True)
class ExitReport:
    """An exit CrossTrade confirmed, with the picture before and the one read after."""

    order: ExitOrder
    result: ExitResult
    before: Picture | None
    after: Picture | None
    trade: Any = None  # the request's life on the desk (its client id, states and log)

    def words(self) -> str:
        """``Close: Long 3 -> Flat; 2 orders cancelled`` (what was read back, not assumed)."""
        words = outcome_words(self.order, self.before, self.after)
        return f"{self.order.kind.value.capitalize()}: {words}"


def outcome_words(order: ExitOrder, before: Picture | None, after: Picture | None) -> str:
    """Before -> after for what the exit touched, the orders it cancelled, the ones left."""
    scope = order.instrument
    parts = []
    if order.kind is not Intent.CANCEL:
        parts.append(f"{_positions_words(before, scope)} -> {_positions_words(after, scope)}")
    gone = cancelled_between(before, after, scope, order.order_id)
    if gone or (gone is not None and order.kind is not Intent.CLOSE):
        parts.append(f"{count_words(len(gone), 'order')} cancelled")
    left = after.orders_in(scope) if after is not None else None
    if left is None:
        parts.append("working orders could not be read")
    elif left:
        parts.append(f"still working: {', '.join(order_words(o) for o in left)}")
    elif order.kind is not Intent.CLOSE or gone:
        parts.append("none still working")
    return "; ".join(parts)


def cancelled_between(before: Picture | None, after: Picture | None, scope: str | None,
                      order_id: str | None = None) -> list[str] | None:
    """The working orders before that are not working after (None when either is unknown)."""
    earlier = before.orders_in(scope) if before is not None else None
    later = after.orders_in(scope) if after is not None else None
    if earlier is None or later is None:
        return None
    still = {o.order_id for o in later}
    return [o.order_id for o in earlier if o.order_id not in still
            and (order_id is None or o.order_id == order_id)]


def _positions_words(picture: Picture | None, scope: str | None) -> str:
    positions = picture.positions_in(scope) if picture is not None else None
    if positions is None:
        return "unknown"
    if not positions:
        return "Flat"
    if scope is not None:
        return positions[0].describe()
    return ", ".join(f"{p.describe()} {p.instrument}" for p in positions)


# --- flatten everything ------------------------------------------------------------------------


@dataclass(frozen=True)
class EverythingListing:
    """What a flatten of every account would touch, read just before asking."""

    positions: tuple[Position, ...]
    working: dict[str, tuple[OrderInfo, ...] | None] = field(default_factory=dict)

    def text(self) -> str:
        lines = [f"{p.account}: {p.describe()} {p.instrument}" for p in self.positions]
        for account, orders in self.working.items():
            if orders is None:
                lines.append(f"{account}: working orders could not be read")
            elif orders:
                lines.append(f"{account}: {count_words(len(orders))}")
        return "\n".join(lines) or "No open position and no working order was found."


class EverythingConfirmed:
    """The one pass to the empty flatten body. Only :func:`confirm_everything` makes one, and
    only for a "yes" given to a listing of what it will close."""

    __slots__ = ("listing",)

    def __init__(self, listing: EverythingListing, _key: object) -> None:
        if _key is not _CONFIRMATION_KEY:
            raise PermissionError("Flatten everything needs the trader's confirmation.")
        self.listing = listing


_CONFIRMATION_KEY = object()


def confirm_everything(listing: EverythingListing, yes: bool) -> EverythingConfirmed | None:
    """The trader's answer to the listing: a pass for the empty body, or None."""
    return EverythingConfirmed(listing, _CONFIRMATION_KEY) if yes is True else None
