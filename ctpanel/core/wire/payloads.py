"""Tolerant readers that turn untrusted JSON payloads into models.

Several list shapes are undocumented (see the API reference, §5.1 and §5.5), so each reader
accepts a bare list or a list wrapped in a named key or in ``data``, and skips items it cannot
read instead of failing the whole reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ctpanel.core.domain.models import (
    Account,
    AccountPnl,
    Execution,
    OrderInfo,
    Position,
    Quote,
    Side,
    finite_float,
)
from ctpanel.core.domain.plausibility import plausible_money, plausible_price
from ctpanel.core.wire.replies import field, snippet

_ORDER_ID = re.compile(r"[A-Za-z0-9_\-:.]{1,128}")
_MAX_ITEMS = 1000


def _text(value: Any, limit: int = 128) -> str | None:
    if isinstance(value, str) and value.strip():
        return snippet(value, limit)
    return None


def _listed(payload: Any, *keys: str) -> list[Any]:
    """The list in ``payload``: bare, under one of ``keys``, or under ``data`` (bare or keyed)."""
    if isinstance(payload, list):
        return payload[:_MAX_ITEMS]
    for key in keys:
        value = field(payload, key)
        if isinstance(value, list):
            return value[:_MAX_ITEMS]
    data = field(payload, "data")
    return data[:_MAX_ITEMS] if isinstance(data, list) else []


def has_list(payload: Any, *keys: str) -> bool:
    """Whether ``payload`` is a list, or holds one under a key or ``data`` (even empty)."""
    if isinstance(payload, list):
        return True
    return any(isinstance(field(payload, key), list) for key in (*keys, "data"))


def side_from(value: Any) -> Side | None:
    """The side a server's text names (``Long``, ``short``, ``Flat``), else None."""
    text = str(value or "").strip().lower()
    return {"long": Side.LONG, "short": Side.SHORT, "flat": Side.FLAT}.get(text)


def position_from(item: Any, *, account: str = "", instrument: str = "") -> Position | None:
    """A :class:`Position` from one position object, or None when it is unreadable."""
    if not isinstance(item, Mapping):
        return None
    side = side_from(item.get("marketPosition"))
    quantity = item.get("quantity", 0)
    if side is None or isinstance(quantity, bool) or not isinstance(quantity, int | float):
        return None
    quantity = abs(int(quantity))
    if side is Side.FLAT or quantity == 0:
        side, quantity = Side.FLAT, 0
    return Position(
        account=_text(item.get("account")) or account,
        instrument=_text(item.get("instrument")) or instrument,
        side=side,
        quantity=quantity,
        average_price=plausible_price(item.get("averagePrice")),
        market_price=plausible_price(item.get("marketPrice")),
        unrealized_pnl=plausible_money(item.get("unrealizedProfitLoss")),
    )


def positions_from(payload: Any, *, account: str = "") -> list[Position]:
    """The positions in a list reply, each read tolerantly; unreadable ones skipped."""
    found = (position_from(item, account=account) for item in _listed(payload, "positions"))
    return [position for position in found if position is not None]


def accounts_from(payload: Any) -> list[Account]:
    """Accounts from ``GET /accounts`` (strings or objects) or from the snapshot."""
    accounts: list[Account] = []
    for item in _listed(payload, "accounts"):
        if isinstance(item, Mapping) and isinstance(item.get("account"), Mapping):
            item = item["account"]  # the snapshot nests the account object
        connection = None
        if isinstance(item, str):
            name = _text(item)
            display, status = name, None
        elif isinstance(item, Mapping):
            name = _text(item.get("name")) or _text(item.get("account"))
            display = _text(item.get("displayName")) or name
            status = _text(item.get("connectionStatus"), 40)
            connection = " / ".join(filter(None, (_text(item.get("connection"), 80),
                                                  _text(item.get("provider"), 40)))) or None
        else:
            continue
        if name:
            accounts.append(Account(name=name, display_name=display or name,
                                    connection_status=status, connection=connection))
    return _unique_by_name(accounts)


def _unique_by_name(accounts: Iterable[Account]) -> list[Account]:
    seen: dict[str, Account] = {}
    for account in accounts:
        seen.setdefault(account.name.lower(), account)
    return list(seen.values())


def order_id_from(payload: Any) -> str | None:
    """The ``orderId`` of a placement reply, if it is a plausible id."""
    value = field(payload, "orderId")
    if isinstance(value, str) and _ORDER_ID.fullmatch(value.strip()):
        return value.strip()
    return None


def quote_from(payload: Any, instrument: str = "", *, received_at: float = 0.0) -> Quote | None:
    """A :class:`Quote` from one quote object (or the first of an array), or None."""
    item = payload[0] if isinstance(payload, list) and payload else payload
    if not isinstance(item, Mapping):
        return None
    data = item.get("data") if isinstance(item.get("data"), Mapping) else item
    name = _text(data.get("instrument")) or instrument
    if not name:
        return None
    open_flag = data.get("isMarketOpen")
    return Quote(
        instrument=name,
        bid=plausible_price(data.get("bid")),
        ask=plausible_price(data.get("ask")),
        last=plausible_price(data.get("last")),
        tick_size=plausible_price(data.get("tickSize")),
        point_value=_positive_money(data.get("pointValue")),
        tick_value=_positive_money(data.get("tickValue")),
        is_market_open=open_flag if isinstance(open_flag, bool) else None,
        received_at=received_at,
        extra={k: v for k, v in data.items() if isinstance(k, str)},
    )


def quotes_from(message: Any, *, received_at: float = 0.0) -> list[Quote]:
    """The quotes of a ``marketData`` push (``{"type": "marketData", "quotes": [...]}``)."""
    items = _listed(message, "quotes")
    found = (quote_from(item, received_at=received_at) for item in items)
    return [quote for quote in found if quote is not None]


def _positive_money(value: Any) -> float | None:
    number = plausible_money(value)
    return number if number is not None and number > 0 else None


_UNREALIZED_KEYS = ("unrealizedProfitLoss", "unrealizedPnl", "unrealizedPnL", "unrealized")
_REALIZED_KEYS = ("realizedProfitLoss", "realizedPnl", "realizedPnL", "realized")


def pnl_from(message: Any, account: str) -> AccountPnl | None:
    """``account``'s P&L in a ``pnlUpdate`` push. Its ``accounts`` element shape is not
    documented (§10.4): a list of per-account objects (named by ``name`` or ``account``) or a
    dict keyed by account, with ``unrealizedProfitLoss`` or ``unrealizedPnl``: both are read."""
    accounts = field(message, "accounts")
    wanted = account.strip().lower()
    entry: Any = None
    if isinstance(accounts, Mapping):
        entry = next((v for k, v in accounts.items()
                      if isinstance(k, str) and k.strip().lower() == wanted), None)
    elif isinstance(accounts, list):
        entry = next((item for item in accounts[:_MAX_ITEMS] if isinstance(item, Mapping)
                      and str(item.get("name") or item.get("account") or "").strip().lower()
                      == wanted), None)
    if not isinstance(entry, Mapping):
        return None
    if isinstance(entry.get("item"), Mapping):
        entry = {**entry, **entry["item"]}  # the snapshot's nesting, should it appear here
    unrealized = next((plausible_money(entry[k]) for k in _UNREALIZED_KEYS if k in entry), None)
    realized = next((plausible_money(entry[k]) for k in _REALIZED_KEYS if k in entry), None)
    if unrealized is None and realized is None:
        return None
    return AccountPnl(account, unrealized, realized)


def order_state_from(payload: Any) -> str | None:
    """``GetOrderStatus``'s ``status`` (or an order's ``orderState``), e.g. ``Filled``."""
    value = field(payload, "status")
    if not isinstance(value, str):
        value = field(payload, "orderState")
    return _text(value, 40)


def order_from(payload: Any) -> OrderInfo | None:
    """An order as ``GetOrder`` or a list gives it, or None when unreadable."""
    if not isinstance(payload, Mapping):
        return None
    order_id = order_id_from(payload)
    state = order_state_from(payload)
    if order_id is None or state is None:
        return None
    data = payload if "orderId" in payload else payload.get("data")
    if not isinstance(data, Mapping):
        return None
    quantity, filled = data.get("quantity"), data.get("filled")
    return OrderInfo(
        order_id=order_id, state=state,
        action=(_text(data.get("orderAction"), 10) or "").upper(),
        order_type=(_text(data.get("orderType"), 20) or "").upper(),
        instrument=_text(data.get("instrument")) or "",
        quantity=quantity if _is_count(quantity) else None,
        filled=filled if _is_count(filled) else 0,
        average_fill_price=plausible_price(data.get("averageFillPrice")),
        limit_price=plausible_price(data.get("limitPrice")),
        stop_price=plausible_price(data.get("stopPrice")),
        oco_id=_text(data.get("ocoId") or data.get("oco"), 64) or "",
    )


def orders_from(payload: Any) -> list[OrderInfo]:
    """Orders from a list (``ListOrders``), each read tolerantly; unreadable ones skipped."""
    return [order for order in map(order_from, _listed(payload, "orders")) if order is not None]


def atm_templates_from(payload: Any) -> list[str]:
    """Template names from any of the shapes third parties read: names or ``{name}`` objects,
    bare or under ``templates``, ``atmTemplates``, ``strategies`` or ``data``."""
    names = []
    for item in _listed(payload, "templates", "atmTemplates", "strategies"):
        name = _text(item.get("name") if isinstance(item, Mapping) else item, 64)
        if name and name not in names:
            names.append(name)
    return names


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9


def executions_from(payload: Any) -> list[Execution]:
    """The executions in a ``ListExecutions`` reply; unreadable ones skipped."""
    found: list[Execution] = []
    for item in _listed(payload, "executions"):
        if not isinstance(item, Mapping):
            continue
        price, quantity, epoch = (plausible_price(item.get("price")), item.get("quantity"),
                                  item.get("epoch"))
        epoch = finite_float(epoch)
        if price is None or not _is_count(quantity) or epoch is None or epoch <= 0:
            continue
        found.append(Execution(_text(item.get("orderId")) or "",
                               _text(item.get("instrument")) or "", price, quantity, int(epoch),
                               _text(item.get("marketPosition"), 10) or ""))
    return found


def rejection_reason(payload: Any) -> str | None:
    """Why an order was rejected, from its lifecycle events (the field is not documented:
    ``error``, ``message``, ``comment`` or ``reason`` of the last Rejected event)."""
    for event in reversed(_listed(payload, "events")):
        if isinstance(event, Mapping) and str(event.get("orderState", "")).lower() == "rejected":
            for key in ("error", "message", "comment", "reason", "nativeError"):
                reason = _text(event.get(key), 200)
                if reason:
                    return reason
    return None


def ids_from(payload: Any, *keys: str) -> list[str]:
    """Order ids listed under any of ``keys`` (strings only, at most 200)."""
    found: list[str] = []
    for key in keys:
        value = field(payload, key)
        for item in value if isinstance(value, list) else [value]:
            text = _text(item) if isinstance(item, str) else None
            if text and _ORDER_ID.fullmatch(text) and text not in found:
                found.append(text)
    return found[:200]


def bracket_ids_from(payload: Any) -> tuple[str | None, str | None, list[str], list[str],
                                            int | None]:
    """Cancel and Bracket's reply, read tolerantly (its shape is not documented): the stop's
    and the target's ids, every leg id, the ids it cancelled and the quantity it placed."""
    stop = next(iter(ids_from(payload, "stopOrderId", "stopLossOrderId")), None)
    target = next(iter(ids_from(payload, "targetOrderId", "takeProfitOrderId")), None)
    legs = [i for i in (target, stop) if i]
    legs += [i for i in ids_from(payload, "orderIds", "orderId") if i not in legs]
    cancelled = ids_from(payload, "cancelledOrderIds", "cancelled", "cancelledOrders")
    quantity = field(payload, "quantity")
    return stop, target, legs, cancelled, quantity if _is_count(quantity) else None
