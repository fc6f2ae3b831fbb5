"""A reverse whose side and size mirror a position may only go on a fresh read of it."""

from __future__ import annotations

from typing import Any

from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.guard import Basis

FRESH_FOR_S = 12.0  # two 5 s polls plus a margin (the panel's ticket keeps the same)


class FreshMirror:
    """Mirroring a position read too long ago (or never) would size the order on a picture
    that may no longer be true."""

    name = "position"
    against_new_risk = True
    members_only = False

    def __init__(self, fresh_for_s: float = FRESH_FOR_S) -> None:
        self.fresh_for_s = fresh_for_s

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        if not basis.mirrored:
            return None
        if basis.position is None or basis.age_s is None:
            return "the position it mirrors was not read: nothing is sent on an unknown picture"
        if basis.age_s > self.fresh_for_s:
            return (f"the position it mirrors was read {basis.age_s:.0f} s ago: waiting for a "
                    "fresh read before any order")
        return None


class BuiltOnRead:
    """An entry and a bracket are built on the position just read: an entry needs to know
    whether it enters or adds, and a bracket must be sized to a position that is there (a
    Cancel and Bracket with no position enters the OCO pair as a straddle, reference 12.2).
    It applies to a bracket too, which adds no contract."""

    name = "position"
    against_new_risk = False
    members_only = False

    def __init__(self, fresh_for_s: float = FRESH_FOR_S) -> None:
        self.fresh_for_s = fresh_for_s

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        if intent not in (Intent.ENTER, Intent.PROTECT):
            return None
        position = basis.position
        if position is None:
            return "the position was not read: nothing is sent on an unknown picture"
        if basis.age_s is not None and basis.age_s > self.fresh_for_s:
            return (f"the position was read {basis.age_s:.0f} s ago: waiting for a fresh "
                    "read before any order")
        if intent is Intent.PROTECT:
            return _bracket_mismatch(request, position)
        return None


def _bracket_mismatch(request: Any, position: Any) -> str | None:
    if position.is_flat:
        return (f"{position.instrument} is flat on {position.account}: a bracket with no "
                "position would enter both legs")
    if (request.side, request.quantity) != (position.side, position.quantity):
        return (f"the bracket is for {request.side.value} {request.quantity} but the "
                f"position read is {position.describe()}")
    return None
