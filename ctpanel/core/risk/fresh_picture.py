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
