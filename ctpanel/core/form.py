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
        return None

    def preview(self) -> str:
        """What pressing Reverse will do, e.g. ``Long 2 -> Short 2, MARKET, DAY``."""
        state = self.effective()
        now = self.position.describe() if self.position else "?"
        after = f"{Side.after(state.action).value} {state.quantity}"
        parts = [f"{now} -> {after}", state.order_type.value]
        if state.order_type.needs_limit_price and state.limit_price:
            parts.append(f"limit {state.limit_price:g}")
        if state.order_type.needs_stop_price and state.stop_price:
            parts.append(f"stop {state.stop_price:g}")
        parts.append(state.time_in_force.value)
        if state.strategy.strip():
            parts.append(f"ATM {state.strategy.strip()}")
        if state.oco_id.strip():
            parts.append(f"OCO {state.oco_id.strip()}")
        text = ", ".join(parts)
        if self.position and not self.position.is_flat and \
                Side.after(state.action) is self.position.side:
            text += " (same side: closes, then re-enters)"
        return text
