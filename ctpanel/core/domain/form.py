"""The order form's logic without widgets: mirroring, the preview line, and what blocks Reverse.

The panel copies widget values into a :class:`FormState` and asks it for the order to send;
keeping this here makes it testable (and fuzzable) without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ctpanel.core.domain.models import (
    OrderSide,
    OrderType,
    Position,
    Quote,
    ReverseOrder,
    Side,
    TimeInForce,
)
from ctpanel.core.domain.pricing import (
    DEFAULT_CONFIRM_DISTANCE_TICKS,
    MarketCheck,
    Severity,
    far_from_market,
    format_price,
    side_of_market,
    snap,
    touch,
)
from ctpanel.core.domain.validation import DEFAULT_MAX_QUANTITY, OrderInput, parse_order
from ctpanel.core.errors import InvalidOrder, Problem


@dataclass(frozen=True)
class Check:
    """One validation of the form: ``order`` is None exactly when ``problems`` is not empty."""

    order: ReverseOrder | None
    problems: list[Problem]
    blocker: str | None


@dataclass(frozen=True)
class FormState:
    """Everything the trader set, plus the position the panel knows for that instrument."""

    account: str = ""
    instrument: str = ""
    action: OrderSide = OrderSide.SELL
    quantity: int = 1
    order_type: OrderType = OrderType.MARKET
    time_in_force: TimeInForce = TimeInForce.DAY
    limit_price: float | None = None
    stop_price: float | None = None
    oco_id: str = ""
    strategy: str = ""
    mirror: bool = True
    position: Position | None = None
    max_quantity: int = DEFAULT_MAX_QUANTITY
    quote: Quote | None = None  # the market in this instrument, when known
    confirm_distance_ticks: float = DEFAULT_CONFIRM_DISTANCE_TICKS

    def effective(self) -> FormState:
        """With mirroring on, action and quantity follow the position (other side, same size)."""
        if not self.mirror or self.position is None or self.position.is_flat:
            return self
        return replace(self, action=self.position.side.closing_action,
                       quantity=self.position.quantity)

    def raw_input(self) -> OrderInput:
        """Only the prices the order type uses are passed on: disabled fields are not sent."""
        state = self.effective()
        return OrderInput(
            account=state.account, instrument=state.instrument, action=state.action,
            quantity=state.quantity, order_type=state.order_type,
            time_in_force=state.time_in_force,
            limit_price=state.limit_price if state.order_type.needs_limit_price else None,
            stop_price=state.stop_price if state.order_type.needs_stop_price else None,
            oco_id=state.oco_id, strategy=state.strategy,
        )

    def check(self) -> Check:
        """Validate once: the order (if valid), every problem, and what blocks Reverse."""
        try:
            order = self.order()
        except InvalidOrder as invalid:
            return Check(None, list(invalid.problems), invalid.problems[0].message)
        refused = [c.message for c in self.market_checks() if c.severity is Severity.REFUSE]
        return Check(order, [], self._position_blocker() or (refused[0] if refused else None))

    def _used_prices(self) -> tuple[float | None, float | None]:
        state = self.effective()
        kind = state.order_type
        return (state.limit_price if kind.needs_limit_price else None,
                state.stop_price if kind.needs_stop_price else None)

    def off_grid(self) -> list[Problem]:
        """Prices that are not a whole number of ticks (the tick size comes from the quote)."""
        tick = self.quote.tick_size if self.quote else None
        if not tick:
            return []
        problems = []
        for name, price in zip(("limit_price", "stop_price"), self._used_prices(), strict=True):
            if price and snap(price, tick) != price:
                problems.append(Problem(name, (
                    f"{format_price(price)} is not on the {tick:g} tick grid: nearest "
                    f"{format_price(snap(price, tick))}.")))
        return problems

    def market_checks(self) -> list[MarketCheck]:
        """Side-of-market checks of the entry (refusals first), from the quote."""
        limit, stop = self._used_prices()
        state = self.effective()
        checks = [MarketCheck(Severity.REFUSE, p.message) for p in self.off_grid()]
        checks += side_of_market(state.action, state.order_type, limit, stop, self.quote)
        return sorted(checks, key=lambda c: c.severity is not Severity.REFUSE)

    def warnings(self) -> list[str]:
        return [c.message for c in self.market_checks() if c.severity is Severity.WARN]

    def needs_confirming(self) -> str | None:
        """Why this order asks for confirmation even with confirmations off: a price further
        than ``confirm_distance_ticks`` from the market."""
        prices = [price for price in self._used_prices() if price]
        return far_from_market(prices, self.quote, self.confirm_distance_ticks)

    def problems(self) -> list[Problem]:
        return self.check().problems

    def order(self) -> ReverseOrder:
        """The validated order, or :class:`InvalidOrder`."""
        return parse_order(self.raw_input(), max_quantity=self.max_quantity)

    def blocker(self) -> str | None:
        """Why Reverse cannot be pressed now, in plain words; None when it can."""
        return self.check().blocker

    def _position_blocker(self) -> str | None:
        """What the position says (the desk's guards add theirs: :mod:`ctpanel.core.risk`)."""
        if self.position is None:
            return "Waiting for the position in this instrument."
        if self.position.is_flat:
            return f"No open position in {self.instrument.strip()} on {self.account.strip()}."
        return None

    def preview(self) -> str:
        """What pressing Reverse will do. A market order flips at once (``Long 2 -> Short 2,
        MARKET, DAY``); a limit or stop entry leaves the position flat until it fills
        (``Short 3 -> Flat, then BUY 3 STOPMARKET @ 25,410.00 working, DAY``)."""
        state = self.effective()
        now = self.position.describe() if self.position else "?"
        entry = f"{state.action.value} {state.quantity}"
        if state.order_type is OrderType.MARKET:
            at = touch(self.quote, state.action)
            about = f" at about {format_price(at[0])} ({at[1]})" if at else ""
            parts = [f"{now} -> {Side.after(state.action).value} {state.quantity}{about}",
                     "MARKET"]
        else:
            prices = [format_price(price) for price, used in (
                (state.stop_price, state.order_type.needs_stop_price),
                (state.limit_price, state.order_type.needs_limit_price)) if used and price]
            at = f" @ {' / '.join(prices)}" if prices else ""
            parts = [f"{now} -> Flat, then {entry} {state.order_type.value}{at} working"]
        parts.append(state.time_in_force.value)
        if state.strategy.strip():
            parts.append(f"ATM {state.strategy.strip()}")
        if state.oco_id.strip():
            parts.append(f"OCO {state.oco_id.strip()}")
        return ", ".join(parts)
