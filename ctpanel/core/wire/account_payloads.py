"""Tolerant readers of an account's figures: ``GetAccount``'s ``item`` (or the snapshot's
``account.item``) and ``GetWatermarks`` (reference 12.3). Raw doubles are rounded to cents; a
limit of ``0.0`` is "not set here" (None); an unreadable figure is None, never zero."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ctpanel.core.domain.account_risk import AccountFigures
from ctpanel.core.domain.models import Position
from ctpanel.core.domain.plausibility import plausible_money
from ctpanel.core.wire.payloads import positions_from
from ctpanel.core.wire.replies import field

_MAX_ACCOUNTS = 1000


def _money(item: Mapping, *keys: str) -> float | None:
    for key in keys:
        number = plausible_money(item.get(key))
        if number is not None:
            return round(number, 2)
    return None


def _limit(item: Mapping, *keys: str) -> float | None:
    number = _money(item, *keys)
    return abs(number) if number else None  # 0.0: not set here


def _item(payload: Any) -> Mapping | None:
    """The account's item, whichever nesting holds it (``item``, ``data.item``, ``account``)."""
    for holder in (payload, field(payload, "data"), field(payload, "account")):
        item = field(holder, "item") if isinstance(holder, Mapping) else None
        if isinstance(item, Mapping):
            return {**holder, **item}  # top-level limits, then the item's own
    return None


def figures_from(payload: Any, account: str, *, read_at: float | None = None
                 ) -> AccountFigures | None:
    """``account``'s figures in a ``GetAccount`` reply; None when it holds none."""
    item = _item(payload)
    if item is None:
        return None
    figures = AccountFigures(
        account=account,
        realized=_money(item, "realizedProfitLoss", "realizedPnl", "realized"),
        unrealized=_money(item, "unrealizedProfitLoss", "unrealizedPnl", "unrealized"),
        net_liquidation=_money(item, "netLiquidation", "netLiq", "netliq"),
        daily_loss_limit=_limit(item, "dailyLossLimit"),
        trailing_max_drawdown=_limit(item, "trailingMaxDrawdown"),
        read_at=read_at)
    if figures.realized is None and figures.unrealized is None \
            and figures.net_liquidation is None:
        return None
    return figures


def snapshot_of(payload: Any, *, read_at: float | None = None
                ) -> tuple[dict[str, AccountFigures], list[Position]]:
    """Every account's figures and open positions in one ``GET /accounts/snapshot``
    (reference 5.3: each element's ``account`` carries the fields of ``GetAccount``, ``item``
    included, beside its ``positions``). Figures are keyed by the account's name as sent."""
    figures: dict[str, AccountFigures] = {}
    positions: list[Position] = []
    elements = field(payload, "accounts")
    for element in elements[:_MAX_ACCOUNTS] if isinstance(elements, list) else []:
        holder = field(element, "account") if isinstance(element, Mapping) else None
        name = field(holder, "name") if isinstance(holder, Mapping) else None
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            continue
        found = figures_from(holder, name.strip(), read_at=read_at)
        if found is not None:
            figures[name.strip()] = found
        held = element.get("positions")
        if isinstance(held, list):
            positions += [p for p in positions_from(held[:_MAX_ACCOUNTS], account=name.strip())
                          if not p.is_flat]
    return figures, positions


def session_high_from(payload: Any) -> float | None:
    """The session's high of net liquidation in a ``GetWatermarks`` reply: ``data.watermarks
    .netliqhigh``, or the other page's ``high_watermark``; None when the monitor has none."""
    data = field(payload, "data")
    for holder in (data, payload):
        if not isinstance(holder, Mapping):
            continue
        marks = field(holder, "watermarks")
        if isinstance(marks, Mapping):
            high = _money(marks, "netliqhigh", "netLiqHigh", "net_liq_high")
            if high is not None:
                return high
        high = _money(holder, "high_watermark", "highWatermark")
        if high is not None:
            return high
    return None
