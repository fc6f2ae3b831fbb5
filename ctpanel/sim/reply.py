"""The simulator's replies and its plain records, shared by its API modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | list[Any]
    retry_after: int | None = None


def ok(**fields: Any) -> Reply:
    return Reply(200, {**fields, "success": True})


def fail(status: int, error: str, detail: str | None = None, **extra: Any) -> Reply:
    body: dict[str, Any] = {"success": False, "error": error}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Reply(status, body)


def invalid(detail: str) -> Reply:
    return fail(400, "Invalid request", detail)


@dataclass
class SimPosition:
    signed_quantity: int = 0  # > 0 long, < 0 short
    average_price: float = 0.0


@dataclass
class SimAccount:
    id: int
    name: str
    connection: str = "Simulated Data Feed"  # NinjaTrader's connection it trades through
    cash: float = 100_000.0
    realized: float = 0.0  # today's realised P&L, kept from every fill
    positions: dict[str, SimPosition] = field(default_factory=dict)
    # The firm's limits as the broker connection reports them (reference 12.3): 0.0 is "not
    # set here", as CrossTrade sends it.
    daily_loss_limit: float = 0.0
    weekly_loss_limit: float = 0.0
    daily_profit_trigger: float = 0.0
    trailing_max_drawdown: float = 0.0
    watermarks: Watermarks = field(default_factory=lambda: Watermarks())


@dataclass
class Watermarks:
    """The session's highs CrossTrade's monitor keeps (``GetWatermarks``); None until the
    account has had P&L this session (the documented ``{}``)."""

    pnl_high: float | None = None
    net_liq_high: float | None = None
    unrealized_high: float | None = None

    def see(self, pnl: float, net_liq: float, unrealized: float) -> None:
        self.pnl_high = pnl if self.pnl_high is None else max(self.pnl_high, pnl)
        self.net_liq_high = net_liq if self.net_liq_high is None \
            else max(self.net_liq_high, net_liq)
        self.unrealized_high = unrealized if self.unrealized_high is None \
            else max(self.unrealized_high, unrealized)


def enum_of(value: Any, table: dict[str, str]) -> str | None:
    """CrossTrade parses enums in any case (``BUY``, ``Buy``, ``buy``, ``StopMarket``)."""
    if not isinstance(value, str):
        return None
    key = value.strip().upper().replace("_", "").replace(" ", "")
    return key if key in table else None


def price_of(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return float(value)
