"""Tolerant readers that turn untrusted JSON payloads into models.

Several list shapes are undocumented (see the API reference, §5.1 and §5.5), so each reader
accepts a bare list or a list wrapped in a named key or in ``data``, and skips items it cannot
read instead of failing the whole reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ctpanel.core.models import Account, Position, Quote, Side, finite_float
from ctpanel.core.replies import field, snippet

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


def side_from(value: Any) -> Side | None:
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
        average_price=finite_float(item.get("averagePrice")),
        market_price=finite_float(item.get("marketPrice")),
        unrealized_pnl=finite_float(item.get("unrealizedProfitLoss")),
    )


def positions_from(payload: Any, *, account: str = "") -> list[Position]:
    found = (position_from(item, account=account) for item in _listed(payload, "positions"))
    return [position for position in found if position is not None]


def accounts_from(payload: Any) -> list[Account]:
    """Accounts from ``GET /accounts`` (strings or objects) or from the snapshot."""
    accounts: list[Account] = []
    for item in _listed(payload, "accounts"):
        if isinstance(item, Mapping) and isinstance(item.get("account"), Mapping):
            item = item["account"]  # the snapshot nests the account object
        if isinstance(item, str):
            name = _text(item)
            display, status = name, None
        elif isinstance(item, Mapping):
            name = _text(item.get("name")) or _text(item.get("account"))
            display = _text(item.get("displayName")) or name
            status = _text(item.get("connectionStatus"), 40)
        else:
            continue
        if name:
            accounts.append(Account(name=name, display_name=display or name,
                                    connection_status=status))
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


def quote_from(payload: Any, instrument: str) -> Quote | None:
    item = payload[0] if isinstance(payload, list) and payload else payload
    if not isinstance(item, Mapping):
        return None
    data = item.get("data") if isinstance(item.get("data"), Mapping) else item
    return Quote(
        instrument=_text(data.get("instrument")) or instrument,
        bid=finite_float(data.get("bid")),
        ask=finite_float(data.get("ask")),
        last=finite_float(data.get("last")),
        tick_size=finite_float(data.get("tickSize")),
        extra={k: v for k, v in data.items() if isinstance(k, str)},
    )
