"""The order form's logic without widgets: mirroring, the preview line, and what blocks Reverse.

The panel copies widget values into a :class:`FormState` and asks it for the order to send;
keeping this here makes it testable (and fuzzable) without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ctpanel.core.errors import InvalidOrder, Problem
from ctpanel.core.models import Action, OrderType, Position, ReverseOrder, Side, TimeInForce
from ctpanel.core.validation import DEFAULT_MAX_QUANTITY, OrderInput, parse_order


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
    action: Action = Action.SELL
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
            return Check(self.order(), [], self._position_blocker())
        except InvalidOrder as invalid:
            return Check(None, list(invalid.problems), invalid.problems[0].message)

    def problems(self) -> list[Problem]:
        return self.check().problems

    def order(self) -> ReverseOrder:
        """The validated order, or :class:`InvalidOrder`."""
        return parse_order(self.raw_input(), max_quantity=self.max_quantity)

    def blocker(self) -> str | None:
        """Why Reverse cannot be pressed now, in plain words; None when it can."""
        return self.check().blocker

    def _position_blocker(self) -> str | None:
        if self.position is None:
            return "Waiting for the position in this instrument."
        if self.position.is_flat:
            return f"No open position in {self.instrument.strip()} on {self.account.strip()}."
        return same_side_problem(self.position, self.effective().action, self.effective().quantity)

    def preview(self) -> str:
        """What pressing Reverse will do. A market order flips at once (``Long 2 -> Short 2,
        MARKET, DAY``); a limit or stop entry leaves the position flat until it fills
        (``Short 3 -> Flat, then BUY 3 STOPMARKET @ 25,410.00 working, DAY``)."""
        state = self.effective()
        now = self.position.describe() if self.position else "?"
        entry = f"{state.action.value} {state.quantity}"
        if state.order_type is OrderType.MARKET:
            parts = [f"{now} -> {Side.after(state.action).value} {state.quantity}", "MARKET"]
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


def same_side_problem(position: Position | None, action: Action, quantity: int) -> str | None:
    """A "reverse" on the side already held would close and re-enter the same way (adding to
    it, at best): refused, in the panel and the CLI alike."""
    if position is None or position.is_flat or Side.after(action) is not position.side:
        return None
    other = position.side.closing_action
    return (f"{action.value} {quantity} would add to the {position.describe()} position: a "
            f"reverse takes the other side ({other.value}). Tick Mirror, or choose {other.value}.")


def format_price(price: float) -> str:
    """``25,410.00``, ``6,849.13``, ``1.08545``: two decimals, more when the price has them."""
    text = f"{price:,.10f}".rstrip("0")
    decimals = len(text.partition(".")[2])
    return f"{price:,.{max(2, decimals)}f}"
