"""A group kept in sync, Qt-free: which members hold something other than the rest (a different
side, or a size off the group's ratio), why (the member's last outcome), and the one request
that would bring a member in line. The fix is only ever previewed here; it is sent on the
trader's yes, through the desk's guards, never automatically.

The group's ratio: a member on ``multiple`` holds ``size`` times the group's unit, a ``mirror``
member one unit, a ``fixed`` member its ``size``. The unit is the median of what the members on
the group's side hold per weight.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.groups import Group, Member, SizeRule
from ctpanel.core.domain.models import OrderSide, Position, ReverseOrder, Side
from ctpanel.core.domain.protection import EntryOrder, entry_for, new_order_id
from ctpanel.core.domain.states import Intent, Outcome

# Why a member differs, from its last outcome in a group action.
REASONS = {Outcome.REJECTED: "refused", Outcome.FAILED: "refused",
           Outcome.UNKNOWN: "outcome unknown", Outcome.SKIPPED: "left out"}
OUTSIDE = "changed outside the panel"
PARTIAL = "partial fill"
NOT_FILLED = "not filled"


@dataclass(frozen=True)
class OutOfSync:
    """One member that differs from the rest of its group."""

    member: Member
    held: Position
    side: Side  # what it should hold
    quantity: int
    reason: str

    @property
    def account(self) -> str:
        return self.member.account

    def words(self) -> str:
        """``APEX-4 out of sync: Short 1, the group is Long 2 (refused)``."""
        should = "Flat" if self.side is Side.FLAT else f"{self.side.value} {self.quantity}"
        return (f"{self.account} out of sync: {self.held.describe()}, the group's ratio makes "
                f"it {should} ({self.reason})")


def _weight(member: Member) -> float:
    return member.size if member.rule is SizeRule.MULTIPLE else 1.0


def out_of_sync(group: Group, positions: Mapping[str, Position], instrument: str,
                last: Mapping[str, tuple[Outcome, Position | None]] | None = None
                ) -> list[OutOfSync]:
    """The members of ``group`` whose position in ``instrument`` differs from the rest.
    ``last``: each member's outcome in the last group action and the position it asked for
    (a partial fill is an OK whose position is short of it)."""
    held = {m.account: positions.get(m.account) or Position.flat(m.account, instrument)
            for m in group.members}
    sides = [p.side for p in held.values() if not p.is_flat]
    if not sides:
        return []
    longs, shorts = sides.count(Side.LONG), sides.count(Side.SHORT)
    if longs == shorts:
        return []  # no side has a majority: nothing to call "the rest"
    side = Side.LONG if longs > shorts else Side.SHORT
    units = [held[m.account].quantity / _weight(m) for m in group.members
             if held[m.account].side is side and m.rule is not SizeRule.FIXED]
    unit = statistics.median(units) if units else None
    marks = []
    for member in group.members:
        position = held[member.account]
        quantity = int(member.size) if member.rule is SizeRule.FIXED else \
            max(1, round(unit * _weight(member))) if unit else position.quantity
        if position.side is side and position.quantity == quantity:
            continue
        marks.append(OutOfSync(member, position, side, quantity,
                               _reason(member.account, position, last or {})))
    return marks


def _reason(account: str, position: Position,
            last: Mapping[str, tuple[Outcome, Position | None]]) -> str:
    if account not in last:
        return OUTSIDE
    outcome, asked = last[account]
    if outcome in REASONS:
        return REASONS[outcome]
    if asked is not None and position.is_flat and not asked.is_flat:
        return NOT_FILLED  # taken by CrossTrade, then rejected or never filled
    if asked is not None and asked.side is position.side \
            and position.quantity < asked.quantity:
        return PARTIAL
    return OUTSIDE


def fix_for(mark: OutOfSync, instrument: str) -> ReverseOrder | EntryOrder | ExitOrder:
    """The one request that brings ``mark``'s member in line: a reverse when it holds the
    other side, an entry or an add when it holds too little, a partial close when too much."""
    held, account = mark.held, mark.account
    contract = held.instrument if not held.is_flat else instrument
    if not held.is_flat and held.side is not mark.side:
        return ReverseOrder(account, contract, held.side.closing_action, mark.quantity)
    if held.is_flat or held.quantity < mark.quantity:
        missing = mark.quantity - (0 if held.is_flat else held.quantity)
        action = OrderSide.BUY if mark.side is Side.LONG else OrderSide.SELL
        return entry_for(ReverseOrder(account, contract, action, missing), held,
                         new_order_id())
    return ExitOrder(Intent.CLOSE, account, contract, quantity=held.quantity - mark.quantity)


def fix_words(request: ReverseOrder | EntryOrder | ExitOrder) -> str:
    """``Bring APEX-4 in line: BUY 2 ES 12-26 MARKET DAY (reverse)``."""
    if isinstance(request, ExitOrder):
        what = f"close {request.quantity} of {request.instrument}"
    elif isinstance(request, EntryOrder):
        what = request.describe()
    else:
        what = f"{request.describe()} (reverse)"
    return f"Bring {request.account} in line: {what}"
