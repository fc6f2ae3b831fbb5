"""A reverse on the side already held would close and re-enter the same way: refused."""

from __future__ import annotations

from typing import Any

from ctpanel.core.domain.models import ReverseOrder, Side
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.guard import Basis


class SameSide:
    """A "reverse" that would add to the position it was built on (the CLI's explicit side,
    or the panel's with Mirror off) is not a reverse."""

    name = "action"
    against_new_risk = True
    members_only = False

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        position = basis.position
        if intent is not Intent.REVERSE or not isinstance(request, ReverseOrder) \
                or position is None or position.is_flat \
                or Side.after(request.action) is not position.side:
            return None
        other = position.side.closing_action.value
        return (f"{request.action.value} {request.quantity} would add to the "
                f"{position.describe()} position: a reverse takes the other side ({other}). "
                f"Tick Mirror, or choose {other}.")
