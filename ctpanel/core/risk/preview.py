"""The breach preview, and each account's room in words: what the firm's rules would say about
a request before it is sent, for one account or each member of a group (green, amber, red),
and what ``ctpanel risk`` and the group table show of an account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ctpanel.core.domain.account_risk import money_words
from ctpanel.core.domain.groups import GroupPlan
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.firm_rules import Finding, FirmRules, Level, worst
from ctpanel.core.risk.guard import Basis
from ctpanel.core.risk.room import FIRM_FLATTENS, RiskRoom


@dataclass(frozen=True)
class Preview:
    """One account's preview of one request."""

    account: str
    level: Level
    findings: tuple[Finding, ...] = ()

    @property
    def refused(self) -> bool:
        return self.level is Level.RED

    def words(self) -> str:
        """``PA-3 red: a stop at 8 ticks risks $400; its daily loss room is $310``."""
        return f"{self.account} {self.level.colour}: {self.findings_words()}"

    def findings_words(self) -> str:
        """The worst findings' words alone: ``a stop at 8 ticks risks $400; ...``."""
        if not self.findings:
            return "no rule set"
        shown = [f.words for f in self.findings if f.level is self.level]
        return "; ".join(shown or [f.words for f in self.findings])


def preview_of(firm: FirmRules, intent: Intent, request: Any, basis: Basis) -> Preview | None:
    """The firm rules' view of ``request`` (None: it opens nothing, or no rule applies)."""
    findings = firm.findings(intent, request, basis)
    if findings is None:
        return None
    return Preview(request.account, worst(findings), tuple(findings))


def preview_plan(firm: FirmRules, plan: GroupPlan) -> dict[str, Preview]:
    """Each member's preview of a group action (members with no request or no rule: none)."""
    previews = {}
    with firm.planning(plan):
        for step in plan.steps:
            if step.request is None:
                continue
            found = preview_of(firm, plan.action, step.request,
                               Basis(position=step.before, member=step.member))
            if found is not None:
                previews[step.member.account] = found
    return previews


def room_lines(room: RiskRoom, account: str) -> list[str]:
    """``ctpanel risk``'s lines for an account: its P&L today, its room to each limit, its
    cap and its lock, each figure with its age."""
    rules = room.rules_for(account)
    figures = room.figures.get(account.lower())
    lines = []
    if figures is None:
        lines.append("P&L today unknown (not read)")
    else:
        age = figures.age_s(room.clock())
        stale = "" if figures.is_fresh(room.clock(), room.fresh_for_s) else " (stale)"
        lines.append(f"P&L today {money_words(figures.pnl_today)} (realised "
                     f"{money_words(figures.realized)}, open {money_words(figures.unrealized)}),"
                     f" net liquidation {money_words(figures.net_liquidation)}, read "
                     f"{age or 0:.0f} s ago{stale}")
    rooms = room.rooms(account)
    if rules.daily_loss is not None:
        lines.append(rooms.daily_words if rooms and rooms.daily is not None else
                     f"daily loss limit {money_words(rules.daily_loss)}: room unknown")
    if rules.trailing_drawdown is not None:
        lines.append(rooms.trailing_words if rooms and rooms.trailing is not None else
                     f"trailing drawdown {money_words(rules.trailing_drawdown)}: room unknown")
    if rules.max_contracts is not None:
        lines.append(f"cap {rules.max_contracts:g} minis")
    until = room.locked_until(account)
    if until is not None:
        lines.append(f"LOCKED until {rules.reset_at} ({FIRM_FLATTENS})")
    return lines
