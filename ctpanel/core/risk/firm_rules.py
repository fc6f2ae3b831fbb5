"""The firm's rules at the click: one judgement per request, shared by the guard (which refuses
on the first red finding) and the breach preview (which shows them all).

Each rule looks only at what the :class:`~ctpanel.core.risk.room.RiskRoom` already holds; a rule
that needs a figure nobody read refuses an entry rather than guess ("unknown is unknown"). An
exit is never judged here: the guard is ``against_new_risk``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from ctpanel.core.domain.account_risk import money_words
from ctpanel.core.domain.models import Position, ReverseOrder, Side
from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.domain.risk_rules import (
    RiskRules,
    family_of,
    mini_equivalents,
    root_of,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.guard import Basis
from ctpanel.core.risk.room import RiskRoom

NEW_RISK = frozenset({Intent.REVERSE, Intent.ENTER})
# A group action's members as they will be: account (lower case) -> (instrument, side after,
# account as named).
Planned = dict[str, tuple[str, Side, str]]


class Level(IntEnum):
    """How a finding colours the preview; red refuses."""

    GREEN = 0
    AMBER = 1
    RED = 2

    @property
    def colour(self) -> str:
        return ("green", "amber", "red")[self]


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on a request, in words naming the figures."""

    rule: str  # "stop", "daily loss", "trailing", "cap", "hedge", "news", "flat by", "lock",
    # "figures"
    level: Level
    words: str


@dataclass(frozen=True)
class Change:
    """What a request does to its account's position in its instrument."""

    account: str
    instrument: str
    before: Position | None
    side: Side  # the side after
    after: int  # contracts after
    during: int  # the most held at any moment (a reverse's flip: its close, then its entry)
    new_contracts: int  # contracts the ticket's stop is at risk on


def change_of(intent: Intent, request: Any, basis: Basis) -> Change | None:
    """The position change ``request`` makes, or None when it opens nothing."""
    if intent not in NEW_RISK or not isinstance(request, ReverseOrder | EntryOrder):
        return None
    before = basis.position
    held = before.quantity if before is not None and not before.is_flat else 0
    side = Side.after(request.action)
    if isinstance(request, EntryOrder):
        after = request.quantity + (held if request.adds else 0)
        return Change(request.account, request.instrument, before, side, after, after,
                      request.quantity)
    return Change(request.account, request.instrument, before, side, request.quantity,
                  max(held, request.quantity), request.quantity)


def judge(room: RiskRoom, change: Change, *, stop_ticks: int | None,
          tick_value: float | None, strategy: str | None = None,
          planned: Planned | None = None) -> list[Finding]:
    """Every rule's finding on ``change``, worst first."""
    account = change.account
    rules = room.rules_for(account)
    findings: list[Finding] = []
    reason = room.lock_reason(account)
    if reason:
        findings.append(Finding("lock", Level.RED, reason))
    findings += _loss_findings(room, rules, change, stop_ticks, tick_value, strategy)
    findings += _cap_findings(room, rules, change)
    findings += _hedge_findings(room, rules, change, planned or {})
    findings += _time_findings(room, rules)
    return sorted(findings, key=lambda f: -f.level)


def stop_risk(change: Change, stop_ticks: int | None, tick_value: float | None) -> float | None:
    """The worst-case loss if the ticket's stop is hit on the new contracts (None: unknown)."""
    if not stop_ticks or not tick_value:
        return None
    return round(change.new_contracts * stop_ticks * tick_value, 2)


def _loss_findings(room: RiskRoom, rules: RiskRules, change: Change, stop_ticks: int | None,
                   tick_value: float | None, strategy: str | None) -> list[Finding]:
    if rules.daily_loss is None and rules.trailing_drawdown is None:
        return []
    rooms = room.rooms(change.account)
    if rooms is None or rooms.least is None:
        read = room.figures.get(change.account.lower())
        when = "were never read" if read is None else "are stale"
        return [Finding("figures", Level.RED,
                        f"its P&L figures {when}: waiting for a fresh read before any entry")]
    risk = stop_risk(change, stop_ticks, tick_value)
    findings = [] if risk is None else [
        Finding("stop", Level.GREEN, f"a stop at {stop_ticks} ticks risks {money_words(risk)}")]
    for name, left, words in (("daily loss", rooms.daily, rooms.daily_words),
                              ("trailing", rooms.trailing, rooms.trailing_words)):
        if left is None:
            continue
        label = "daily loss room" if name == "daily loss" else "room above its trailing floor"
        if left <= 0:
            findings.append(Finding(name, Level.RED, f"its {label} is {money_words(left)}"))
        elif risk is None:
            what = (f"the stop of ATM template {strategy!r} is not known here" if strategy
                    else "no stop")
            findings.append(Finding(name, Level.AMBER,
                                    f"{what}: worst case unknown; its {label} is "
                                    f"{money_words(left)}"))
        elif risk > left:
            findings.append(Finding(name, Level.RED,
                                    f"a stop at {stop_ticks} ticks risks {money_words(risk)}; "
                                    f"its {label} is {money_words(left)}"))
        elif risk > left / 2:
            findings.append(Finding(name, Level.AMBER,
                                    f"a stop at {stop_ticks} ticks risks {money_words(risk)} "
                                    f"of its {money_words(left)} {label}"))
        else:
            findings.append(Finding(name, Level.GREEN, words))
    return findings


def _cap_findings(room: RiskRoom, rules: RiskRules, change: Change) -> list[Finding]:
    if rules.max_contracts is None:
        return []
    others = room.positions_of(change.account)
    held_elsewhere = sum(mini_equivalents(p.instrument, p.quantity, rules)
                         for p in others or () if not same_contract(p.instrument,
                                                                    change.instrument))
    during = held_elsewhere + mini_equivalents(change.instrument, change.during, rules)
    after = held_elsewhere + mini_equivalents(change.instrument, change.after, rules)
    cap = rules.max_contracts
    words = (f"{_minis(during)} during the flip and {_minis(after)} after, against its cap "
             f"of {_minis(cap)}" if during != after else
             f"{_minis(after)} after, against its cap of {_minis(cap)}")
    if others is None:
        words += " (its other positions not read)"
    if during > cap + 1e-9:
        return [Finding("cap", Level.RED, f"{words}: over its cap")]
    level = Level.AMBER if after > cap * 0.75 else Level.GREEN
    return [Finding("cap", level, words)]


def same_contract(held: str, asked: str) -> bool:
    """Whether a held contract (``ES 12-26``) is the one asked for (``ES 12-26``, or the root
    ``ES`` that stands for its front month)."""
    held, asked = held.strip().upper(), asked.strip().upper()
    return held == asked or (" " not in asked and held.split(" ")[0] == asked)


def _minis(value: float) -> str:
    return f"{value:g} mini" + ("" if value == 1 else "s")


def _others_after(room: RiskRoom, change: Change, planned: Planned) -> list[Position]:
    """The other accounts' positions as they will be: a member of the same group action at
    its planned side, the rest as last read. A NinjaTrader simulation account (``Sim...``)
    holds nothing at any firm: it counts only against another simulation account."""
    simulated = _is_sim(change.account)
    others = []
    for position in room.others_positions(change.account):
        key = position.account.lower()
        if key in planned and same_contract(position.instrument, planned[key][0]):
            continue  # replaced by its planned position below
        if _is_sim(position.account) and not simulated:
            continue
        others.append(position)
    for key, (instrument, side, account) in planned.items():
        if key != change.account.lower() and side is not Side.FLAT:
            others.append(Position(account, instrument, side, 1))
    return others


def _is_sim(account: str) -> bool:
    return account.strip().lower().startswith("sim")


def _hedge_findings(room: RiskRoom, rules: RiskRules, change: Change,
                    planned: Planned) -> list[Finding]:
    if not rules.no_hedge:
        return []
    if room.positions_of(change.account) is None:
        return [Finding("hedge", Level.RED, "the other accounts' positions were not read: "
                        "a hedge cannot be ruled out")]
    family = family_of(change.instrument)
    opposite = [p for p in _others_after(room, change, planned)
                if family_of(p.instrument) == family and p.side is not change.side]
    opposite += [p for p in room.positions_of(change.account) or ()
                 if family_of(p.instrument) == family and p.side is not change.side
                 and root_of(p.instrument) != root_of(change.instrument)]
    if opposite:
        p = opposite[0]
        return [Finding("hedge", Level.RED,
                        f"it would be {change.side.value.lower()} {root_of(change.instrument)} "
                        f"while {p.account} is {p.side.value.lower()} "
                        f"{root_of(p.instrument)}: no hedge across accounts")]
    return []


def _time_findings(room: RiskRoom, rules: RiskRules) -> list[Finding]:
    now = room.wall_clock()
    soon = timedelta(minutes=rules.warn_minutes)
    findings = []
    for window in rules.news:
        start, end = window.span(now)
        if start <= now <= end:
            findings.append(Finding("news", Level.RED, f"inside the news window {window}"))
        elif now < start <= now + soon:
            findings.append(Finding("news", Level.AMBER,
                                    f"news window {window} in {_minutes(start - now)}"))
    if rules.flat_by is not None:
        flat_by = rules.flat_by.on_day_of(now)
        reset = rules.reset_at.on_day_of(now)
        closed = (flat_by <= now < reset) if flat_by < reset else \
            (now >= flat_by or now < reset)
        if closed:
            findings.append(Finding("flat by", Level.RED,
                                    f"past its flat-by time {rules.flat_by}, until the "
                                    f"reset at {rules.reset_at}"))
        elif now < flat_by <= now + soon:
            findings.append(Finding("flat by", Level.AMBER,
                                    f"flat by {rules.flat_by} in {_minutes(flat_by - now)}"))
    return findings


def _minutes(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return f"{minutes} min"


def worst(findings: list[Finding]) -> Level:
    """The colour of a set of findings: its worst one."""
    return max((f.level for f in findings), default=Level.GREEN)


def refusal_words(account: str, findings: list[Finding]) -> str | None:
    """``Not sent to PA-3: a stop at 8 ticks risks $400; its daily loss room is $310.``"""
    red = [f for f in findings if f.level is Level.RED]
    if not red:
        return None
    return f"Not sent to {account}: {red[0].words}."


class FirmRules:
    """The guard: an entry, an add or a reverse that would breach a rule is refused."""

    name = "risk"
    against_new_risk = True  # an exit is never refused
    members_only = False

    def __init__(self, room: RiskRoom) -> None:
        self.room = room
        self.stop_ticks: int | None = None  # the ticket's stop, set by its door
        self.tick_values: dict[str, float] = {}  # instrument root -> $ per tick, from quotes
        self.planned: Planned = {}  # a group action's members, while it is judged

    def set_ticket(self, stop_ticks: int | None, instrument: str | None = None,
                   tick_value: float | None = None) -> None:
        self.stop_ticks = stop_ticks
        if instrument and tick_value:
            self.tick_values[root_of(instrument)] = tick_value

    def findings(self, intent: Intent, request: Any, basis: Basis) -> list[Finding] | None:
        change = change_of(intent, request, basis)
        if change is None or (not self.room.has_rules(change.account)
                              and self.room.locked_until(change.account) is None):
            return None
        return judge(self.room, change, stop_ticks=self.stop_ticks,
                     tick_value=self.tick_values.get(root_of(change.instrument)),
                     strategy=getattr(request, "strategy", None),
                     planned=self.planned if basis.member is not None else None)

    @contextmanager
    def planning(self, plan: Any) -> Iterator[None]:
        """While a group action is judged: its members' positions as the plan leaves them
        (a hedge is judged against where the others will be, not where they were)."""
        self.planned = planned_sides(plan)
        try:
            yield
        finally:
            self.planned = {}

    def check(self, intent: Intent, request: Any, basis: Basis) -> str | None:
        if not self.room.armed:
            return None  # no rule and no lock anywhere: the click path pays one attribute
        findings = self.findings(intent, request, basis)
        if not findings:
            return None
        if basis.member is not None:  # a group's row names the member already
            red = [f for f in findings if f.level is Level.RED]
            return red[0].words if red else None
        return refusal_words(request.account, findings)


def planned_sides(plan: Any) -> Planned:
    """Each member's side after ``plan`` (a skipped member keeps its position)."""
    planned: Planned = {}
    for step in plan.steps:
        change = None if step.request is None else \
            change_of(plan.action, step.request, Basis(position=step.before))
        if change is not None:
            planned[step.member.account.lower()] = (change.instrument, change.side,
                                                    step.member.account)
    return planned
