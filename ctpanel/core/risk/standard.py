"""The guards every desk applies unless told otherwise, in the order they are asked."""

from __future__ import annotations

from ctpanel.core.risk.fresh_picture import BuiltOnRead, FreshMirror
from ctpanel.core.risk.guard import Guard
from ctpanel.core.risk.member_limits import MemberMaxContracts, RequiresAtm
from ctpanel.core.risk.same_side import SameSide


def standard_guards() -> tuple[Guard, ...]:
    """Today's rules: the mirror of a stale position, an entry or a bracket built on a fresh
    read, the same-side refusal, and a group member's ATM template and contract limit."""
    return (FreshMirror(), BuiltOnRead(), SameSide(), RequiresAtm(), MemberMaxContracts())
