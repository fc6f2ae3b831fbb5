"""The simulator's entries and protection (reference 12.1, 12.2): Place Order's
``maxPositions``, Flat Place, Cancel and Bracket, Change, and OCO pairs.

Cancel and Bracket keeps CrossTrade's documented semantics: it cancels every working order of
the instrument, then places a take-profit (limit) and a stop-loss (stop market) sharing one
OCO id, with ``action`` naming the side of the position protected (Buy for a long: the legs
are sells). The quantity is clamped to the live position; a position gone flat during the
cancel window aborts the bracket. A filled leg cancels its partner (:meth:`ProtectionApi.
cancel_partners`), as NinjaTrader does for any OCO group.

Field names past ``instrument``, ``action`` and ``quantity`` are third-party (``qty``,
``stopLoss``, ``takeProfit``): the documented and the observed spellings are both accepted.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from ctpanel.sim.book import OrderSpec, SimOrder, fill_price, stop_on_wrong_side
from ctpanel.sim.reply import Reply, SimPosition, fail, invalid, ok, price_of

# Cancel and Bracket's action: the protected position's side, in either spelling.
BRACKET_SIDES = {"buy": 1, "long": 1, "sell": -1, "short": -1}


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def _first(args: dict, *keys: str) -> Any:
    return next((args[key] for key in keys if args.get(key) is not None), None)


class ProtectionApi:
    """Mixed into :class:`~ctpanel.sim.state.SimState`: its RPCs of section 12."""

    # Set by a test (the fault matrix): the position goes flat in Cancel and Bracket's cancel
    # window, as when a stop fills while the old orders are being cancelled.
    flatten_during_bracket = False

    def positions_held(self, holder) -> int:
        return sum(1 for position in holder.positions.values() if position.signed_quantity)

    def max_positions_refusal(self, holder, args: dict) -> Reply | None:
        """Place Order's ``maxPositions``: refused when the account already holds that many."""
        limit = args.get("maxPositions")
        if limit is None:
            return None
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            return invalid("maxPositions must be a positive integer")
        held = self.positions_held(holder)
        if held >= limit:
            return invalid(f"maxPositions not satisfied: the account holds {held} "
                           f"position{'s' if held != 1 else ''}")
        return None

    async def FlatPlace(self, args: dict) -> Reply:
        """Close any position in the instrument, then place the order regardless."""
        holder = self._holder(args)
        if isinstance(holder, Reply):
            return holder
        ticket = self._ticket(args)
        if isinstance(ticket, Reply):
            return ticket
        self._cancel_working(holder, ticket.contract)
        if holder.positions.get(ticket.contract.name, SimPosition()).signed_quantity:
            self._close(holder, ticket.contract)
        return ok(orderId=self._execute(holder, ticket).order_id)

    async def CancelAndBracket(self, args: dict) -> Reply:
        found = self._holder_and_contract(args)
        if isinstance(found, Reply):
            return found
        holder, contract = found
        side = BRACKET_SIDES.get(str(args.get("action", "")).strip().lower())
        quantity = _count(_first(args, "quantity", "qty"))
        stop = price_of(_first(args, "stopLoss", "stopPrice", "stop"))
        target = price_of(_first(args, "takeProfit", "target", "limitPrice"))
        if side is None:
            return invalid("action must be Buy or Sell (the side of the position protected)")
        if quantity is None:
            return invalid("quantity must be a positive integer")
        if stop is None and target is None:
            return invalid("stopLoss or takeProfit is required")
        signed = holder.positions.get(contract.name, SimPosition()).signed_quantity
        if signed and (signed > 0) != (side > 0):
            return invalid(f"action {args.get('action')} does not match the "
                           f"{'Long' if signed > 0 else 'Short'} position")
        cancelled = self._cancel_working(holder, contract)
        if self.flatten_during_bracket and signed:
            self._close(holder, contract)
            self.flatten_during_bracket = False
        live = holder.positions.get(contract.name, SimPosition()).signed_quantity
        if signed and not live:
            return fail(400, "Position went flat during the cancel window: bracket aborted, "
                             "nothing placed", cancelledOrderIds=cancelled)
        size = min(quantity, abs(live)) if live else quantity  # flat: a straddle entry (12.2)
        exit_action = "SELL" if side > 0 else "BUY"
        oco = uuid.uuid4().hex[:16]
        legs = {}
        if target is not None:
            legs["targetOrderId"] = self._leg(holder, contract, exit_action, size, "LIMIT",
                                              target, oco, "Target")
        if stop is not None:
            legs["stopOrderId"] = self._leg(holder, contract, exit_action, size, "STOPMARKET",
                                            stop, oco, "Stop")
        return ok(orderIds=list(legs.values()), **legs, ocoId=oco, quantity=size,
                  cancelledOrderIds=cancelled)

    def _leg(self, holder, contract, action: str, size: int, kind: str, price: float,
             oco: str, name: str) -> str:
        limit, stop = (price, None) if kind == "LIMIT" else (None, price)
        ticket = OrderSpec(contract, action, size, kind, "GTC", limit, stop, oco, None)
        return self._execute(holder, ticket, name=name).order_id

    async def Change(self, args: dict) -> Reply:
        """A working order's ``quantity``, ``limitPrice`` or ``stopPrice``, moved."""
        order = self._order(args)
        if isinstance(order, Reply):
            return order
        if not order.active:
            return fail(400, "Invalid request", f"Order '{order.order_id}' is not working")
        changes: dict[str, Any] = {}
        if args.get("quantity") is not None:
            changes["quantity"] = _count(args["quantity"])
        for key, name in (("limitPrice", "limit_price"), ("stopPrice", "stop_price")):
            if args.get(key) is not None:
                changes[name] = price_of(args[key])
        if not changes or None in changes.values():
            return fail(400, "Invalid request",
                        "Give quantity (a positive integer), limitPrice or stopPrice")
        ticket = dataclasses.replace(order.ticket, **changes)
        bid, ask = self.market.bid_ask(ticket.contract.name)
        wrong_side = stop_on_wrong_side(ticket, bid, ask)
        if wrong_side:
            return fail(400, "Invalid request", wrong_side)
        order.ticket = ticket
        resting = order.state
        order.set_state("ChangePending", "OrderChangeSubmitted")
        order.set_state(resting, "OrderChanged")
        price = fill_price(order, bid, ask)
        if price is not None:
            self._fill_order(order, price)
        return ok(orderId=order.order_id)

    def cancel_partners(self, order: SimOrder) -> None:
        """A filled order's OCO partners are cancelled, as NinjaTrader does."""
        if not order.ticket.oco:
            return
        for other in self.book.active(order.account, order.ticket.contract):
            if other is not order and other.ticket.oco == order.ticket.oco:
                self.book.cancel(other)
