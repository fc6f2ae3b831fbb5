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
    realized: float = 0.0
    positions: dict[str, SimPosition] = field(default_factory=dict)


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
