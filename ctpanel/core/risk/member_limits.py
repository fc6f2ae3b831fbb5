"""A group member's own limits, from ``groups.json``: its firm requires an ATM template on an
entry, and it may hold at most so many contracts."""

from __future__ import annotations

from typing import Any

from ctpanel.core.domain.models import ReverseOrder
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.guard import Basis


class RequiresAtm:
    """The member's firm rejects an entry without a stop and a target: its reverse must name
    an ATM template."""

    name = "strategy"
    against_new_risk = True
    members_only = True

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        member = basis.member
        if member is None or not member.requires_atm or not isinstance(request, ReverseOrder):
            return None
        return None if request.strategy else "requires an ATM template"


class MemberMaxContracts:
    """The member's new position may not be larger than its ``max_contracts``."""

    name = "quantity"
    against_new_risk = True
    members_only = True

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        member = basis.member
        if member is None or member.max_contracts is None \
                or not isinstance(request, ReverseOrder):
            return None
        if request.quantity <= member.max_contracts:
            return None
        return f"{request.quantity} contracts is over its limit of {member.max_contracts}"
