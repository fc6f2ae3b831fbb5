"""Pure validation of what a trader typed, before anything is sent.

:func:`parse_order` turns raw form or command-line values into a :class:`ReverseOrder`, or raises
:class:`InvalidOrder` with one plain-words :class:`Problem` per field that is wrong.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ctpanel.core.domain.models import OrderSide, OrderType, ReverseOrder, TimeInForce
from ctpanel.core.errors import InvalidOrder, Problem

DEFAULT_MAX_QUANTITY = 100
MAX_NAME_LENGTH = 64
MAX_STRATEGY_LENGTH = 128
MAX_OCO_LENGTH = 50
# What each text field takes at most, and its name in a refusal.
TEXT_CAPS = {"instrument": ("an instrument", MAX_NAME_LENGTH),
             "oco_id": ("an OCO id", MAX_OCO_LENGTH),
             "strategy": ("an ATM template name", MAX_STRATEGY_LENGTH),
             "group": ("a group name", MAX_NAME_LENGTH),
             "account": ("an account name", MAX_NAME_LENGTH),
             "token": ("an API token", 4096),
             "money": ("an amount in dollars", 16),
             "wall_time": ("a time with its zone", 48),
             "news": ("the news windows", 4000)}
MAX_PRICE = 1e9

_SPACES = re.compile(r"\s+")
# Root, dated (`ES 12-26`, `ES DEC26`), continuous (`ES1!`) and CME-code (`ESZ26`) forms.
_INSTRUMENT = re.compile(r"[A-Z0-9][A-Z0-9 .\-!/_]*")


@dataclass(frozen=True)
class OrderInput:
    """Raw values as typed: strings from a command line, or numbers from spin boxes."""

    account: Any = ""
    instrument: Any = ""
    action: Any = OrderSide.BUY
    quantity: Any = 1
    order_type: Any = OrderType.MARKET
    time_in_force: Any = TimeInForce.DAY
    limit_price: Any = None
    stop_price: Any = None
    oco_id: Any = None
    strategy: Any = None


def too_long(field: str, length: int) -> str | None:
    """Why a text of ``length`` characters is refused in ``field`` (None: it is taken). What
    the trader types or pastes is refused whole, never cut to fit."""
    name, cap = TEXT_CAPS[field]
    if length <= cap:
        return None
    return (f"Not taken: that is {length:,} characters, and {name} has at most {cap}. "
            "The field was left as it was.")


def normalise_instrument(text: str) -> str:
    """Trim, collapse inner spaces and upper-case: `` es  12-26`` -> ``ES 12-26``."""
    return _SPACES.sub(" ", text.strip()).upper()


def _has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("C") for ch in text)


def _check_name(
    value: Any, field: str, label: str, problems: list[Problem], *, required: bool, limit: int
) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            problems.append(Problem(field, f"{label} is required."))
        return None
    if _has_control_chars(text):
        problems.append(Problem(field, f"{label} contains control characters."))
        return None
    if len(text) > limit:
        problems.append(Problem(field, f"{label} is too long (at most {limit} characters)."))
        return None
    return text


def _parse_enum(value: Any, enum: type, field: str, label: str, problems: list[Problem]):
    if isinstance(value, enum):
        return value
    text = str(value or "").strip().upper().replace("_", "").replace(" ", "")
    try:
        return enum(text)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        problems.append(Problem(field, f"{label} must be one of {choices}."))
        return None


def _parse_quantity(value: Any, max_quantity: int, problems: list[Problem]) -> int | None:
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    if not isinstance(value, int):
        problems.append(Problem("quantity", "Quantity must be a whole number of contracts."))
        return None
    if value < 1:
        problems.append(Problem("quantity", "Quantity must be at least 1."))
        return None
    if value > max_quantity:
        problems.append(Problem("quantity", f"{value:,} is over your largest quantity, "
                                            f"{max_quantity:,} (Preferences)."))
        return None
    return value


def _parse_price(value: Any, field: str, label: str, problems: list[Problem]) -> float | None:
    if isinstance(value, str):
        value = value.strip().replace(",", "")
        try:
            value = float(value)
        except ValueError:
            problems.append(Problem(field, f"{label} must be a number."))
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(Problem(field, f"{label} must be a number."))
        return None
    price = float(value)
    if not math.isfinite(price) or price <= 0:
        problems.append(Problem(field, f"{label} must be a price above 0."))
        return None
    if price > MAX_PRICE:
        problems.append(Problem(field, f"{label} is implausibly large."))
        return None
    return price


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_prices(
    order_type: OrderType | None, raw: OrderInput, problems: list[Problem]
) -> tuple[float | None, float | None]:
    prices: dict[str, float | None] = {}
    for field, label, needed in (
        ("limit_price", "Limit price", order_type is not None and order_type.needs_limit_price),
        ("stop_price", "Stop price", order_type is not None and order_type.needs_stop_price),
    ):
        value = getattr(raw, field)
        prices[field] = None
        if order_type is None:
            continue
        if needed and _is_blank(value):
            problems.append(Problem(field, f"{label} is required for {order_type.value} orders."))
        elif needed:
            prices[field] = _parse_price(value, field, label, problems)
        elif not _is_blank(value):
            problems.append(
                Problem(field, f"{label} is not used by {order_type.value} orders; clear it.")
            )
    return prices["limit_price"], prices["stop_price"]


def order_problems(raw: OrderInput, *, max_quantity: int = DEFAULT_MAX_QUANTITY) -> list[Problem]:
    """Every problem with ``raw`` (empty when it would make a valid order)."""
    try:
        parse_order(raw, max_quantity=max_quantity)
    except InvalidOrder as invalid:
        return list(invalid.problems)
    return []


def parse_order(raw: OrderInput, *, max_quantity: int = DEFAULT_MAX_QUANTITY) -> ReverseOrder:
    """Validate and normalise ``raw`` into an order, or raise :class:`InvalidOrder`."""
    problems: list[Problem] = []
    account = _check_name(
        raw.account, "account", "Account", problems, required=True, limit=MAX_NAME_LENGTH
    )
    instrument = _check_name(
        raw.instrument, "instrument", "Instrument", problems, required=True, limit=MAX_NAME_LENGTH
    )
    action = _parse_enum(raw.action, OrderSide, "action", "OrderSide", problems)
    quantity = _parse_quantity(raw.quantity, max_quantity, problems)
    order_type = _parse_enum(raw.order_type, OrderType, "order_type", "Order type", problems)
    tif = _parse_enum(raw.time_in_force, TimeInForce, "time_in_force", "Time in force", problems)
    limit_price, stop_price = _check_prices(order_type, raw, problems)
    oco_id = _check_name(raw.oco_id, "oco_id", "OCO id", problems, required=False,
                         limit=MAX_OCO_LENGTH)
    strategy = _check_name(raw.strategy, "strategy", "ATM strategy", problems, required=False,
                           limit=MAX_STRATEGY_LENGTH)
    if instrument is not None:
        instrument = normalise_instrument(instrument)
        if not _INSTRUMENT.fullmatch(instrument):
            problems.append(Problem("instrument", f"Instrument {instrument!r} is not a symbol "
                                    "NinjaTrader understands (e.g. ES 12-26, ES, ES1!, ESZ26)."))
    if problems:
        raise InvalidOrder(problems)
    return ReverseOrder(
        account=account,
        instrument=instrument,
        action=action,
        quantity=quantity,
        order_type=order_type,
        time_in_force=tif,
        limit_price=limit_price,
        stop_price=stop_price,
        oco_id=oco_id,
        strategy=strategy,
    )
