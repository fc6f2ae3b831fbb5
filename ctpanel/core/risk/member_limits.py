"""A group member's own limits, from ``groups.json``: its firm requires an ATM template on an
entry, and it may hold at most so many contracts."""

from __future__ import annotations

from typing import Any

from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.guard import Basis

# The intents that open or grow a position: a member's limits apply to them.
NEW_POSITION = frozenset({Intent.REVERSE, Intent.ENTER})


class RequiresAtm:
    """The member's firm rejects an entry without a stop and a target: its reverse must name
    an ATM template."""

    name = "strategy"
    against_new_risk = True
    members_only = True

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        member = basis.member
        if member is None or not member.requires_atm or intent not in NEW_POSITION:
            return None
        if request.strategy:
            return None
        if intent is Intent.REVERSE:
            return "requires an ATM template"
        return ("requires an ATM template: a bracket placed after the fill may not count as "
                "attached at submission")


class MemberMaxContracts:
    """The member's new position may not be larger than its ``max_contracts``."""

    name = "quantity"
    against_new_risk = True
    members_only = True

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        member = basis.member
        if member is None or member.max_contracts is None or intent not in NEW_POSITION:
            return None
        size = request.quantity
        if isinstance(request, EntryOrder) and request.adds and basis.position is not None:
            size += basis.position.quantity  # an add: the position it makes
        if size <= member.max_contracts:
            return None
        return f"{size} contracts is over its limit of {member.max_contracts}"
