"""The panel's risk part, Qt-free: the rules from ``risk.json`` on the desk's risk room, the
account figures of the selection read within the budget, and what the window shows of them.

Reads: only the selected account or the selected group's members, and only when a rule or a
lock applies to one of them; one snapshot read for all of them on the view's 5 s timer (at
most one read per account per 5 s), the session's highs every :data:`HIGHS_EVERY` turns;
paused while CrossTrade's budget is below :data:`RISK_RESERVE`. Never on the click path: a
guard asks the room, which holds what was read last (stale is unknown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctpanel.core.desk.risk_reads import read_figures
from ctpanel.core.domain.account_risk import money_words
from ctpanel.core.domain.groups import Group, GroupPlan
from ctpanel.core.domain.models import Position, Side
from ctpanel.core.domain.risk_rules import RiskRules
from ctpanel.core.domain.states import Intent, Outcome
from ctpanel.core.domain.sync import OutOfSync, out_of_sync
from ctpanel.core.errors import CtError
from ctpanel.core.risk.firm_rules import FirmRules
from ctpanel.core.risk.guard import Basis
from ctpanel.core.risk.preview import Preview, preview_of, preview_plan
from ctpanel.core.store.risk_file import RiskBook, load_book, save_book
from ctpanel.panel.events import Event
from ctpanel.panel.glance import MemberRisk
from ctpanel.panel.risk_form import RiskFields, fields_of, rules_from_fields
from ctpanel.panel.session import Session, Spawn

log = logging.getLogger(__name__)

HIGHS_EVERY = 6  # turns: each account's watermarks every 30 s
# Requests left below which the risk reads wait (orders keep the rest): as the position reads,
# since an entry is refused on stale figures as it is on a stale position.
RISK_RESERVE = 8


@dataclass(frozen=True)
class AccountRisk:
    """What the window shows of one account's risk: its line and whether it is locked."""

    account: str
    line: str  # "P&L today -$690 · daily loss room $310 · read 3 s ago"
    locked: str = ""  # "LOCKED until 17:00 America/Chicago"
    preview: str = ""  # REVERSE's breach preview: "REVERSE amber: a stop at 8 ticks risks …"


class RiskWatch:
    """The rules, the reads of the selection's figures, and the risk lines."""

    def __init__(self, session: Session, *, spawn: Spawn, folder: Path | None,
                 clock: Callable[[], float]) -> None:
        self.session = session
        self.spawn = spawn
        self.folder = folder  # None: no risk.json (tests, the benchmark)
        self.clock = clock
        self.book = load_book(folder)
        self.groups: list[Group] = []
        self.accounts: list[str] = []
        self.turns = 0
        self.reads = 0  # requests spent, for the budget test
        self._task = None
        self.last: dict[str, tuple[Outcome, Position | None]] = {}  # the last group action's
        self.reverse_preview = ""  # the selected account's, as the ticket last showed it
        self.changed = Event("risk_changed")  # the figures or the rules changed

    @property
    def firm(self) -> FirmRules | None:
        backend = self.session.backend
        return backend.desk.firm if backend is not None else None

    # --- rules -------------------------------------------------------------------------

    def attach(self, groups: list[Group]) -> None:
        """A new backend (or new groups): its room gets the rules and the locks."""
        self.groups = groups
        firm = self.firm
        if firm is not None:
            firm.room.set_book(self.book, groups)
            firm.room.on_lock = self._locked

    def _locked(self, book: RiskBook) -> None:
        self.book = book
        self._save()

    def rules_of(self, name: str, *, group: bool) -> RiskRules:
        table = self.book.groups if group else self.book.accounts
        return next((r for k, r in table.items() if k.lower() == name.lower()), RiskRules())

    def save_rules(self, name: str, rules: RiskRules, *, group: bool) -> None:
        """The trader's rules for ``name``: into ``risk.json`` and the room at once."""
        self.book = self.book.with_rules(group=name, rules=rules) if group else \
            self.book.with_rules(account=name, rules=rules)
        self._save()
        self.attach(self.groups)
        self.changed.emit()

    def _save(self) -> None:
        if self.folder is not None:
            try:
                save_book(self.folder, self.book)
            except OSError as error:
                log.warning("Could not save risk.json: %s", error)

    # --- reads -------------------------------------------------------------------------

    def watch(self, accounts: list[str], *, read_now: bool = True) -> None:
        """The selection's accounts (an account, or a group's members): read now (unless the
        panel has not started: no task before it does), then on each :meth:`tick`."""
        self.accounts = list(accounts)
        self.last = {}
        if read_now:
            self.tick()

    def tick(self) -> None:
        """The view's 5 s timer (with the position poll): one read, unless one is on its way."""
        if self._task is None or self._task.done():
            self._task = self.spawn(self.read_once(), "risk reads")

    def _ruled(self) -> list[str]:
        firm = self.firm
        if firm is None:
            return []
        room = firm.room
        return [a for a in self.accounts if room.has_rules(a) or room.locked_until(a)]

    async def read_once(self) -> bool:
        """One turn: read when a rule applies and the budget has room; whether it read."""
        backend = self.session.backend
        ruled = self._ruled()
        if backend is None or not ruled:
            return False
        if backend.client.budget.level < RISK_RESERVE:
            return False  # orders keep the budget: the figures age, and say so
        # The watermarks in turn: each account's every HIGHS_EVERY turns, never all at once
        # (a burst would take the room a group's orders need).
        turn, self.turns = self.turns % HIGHS_EVERY, self.turns + 1
        highs = [a for index, a in enumerate(ruled) if index % HIGHS_EVERY == turn]
        try:
            self.reads += await read_figures(backend.client, backend.desk.firm.room, ruled,
                                             highs_of=highs)
        except CtError as error:
            log.info("Account figures not read: %s", error)
        self.changed.emit()
        return True

    # --- what is shown -----------------------------------------------------------------

    def account_risk(self, account: str) -> AccountRisk | None:
        """The line of ``account`` (None: no rule applies to it)."""
        firm = self.firm
        if firm is None or not account:
            return None
        room = firm.room
        if not room.has_rules(account) and not room.locked_until(account):
            return None
        locked = ""
        if room.locked_until(account):
            locked = f"LOCKED until {room.rules_for(account).reset_at}"
        return AccountRisk(account, _line(room, account), locked, self.reverse_preview)

    def preview_reverse(self, plan: Any) -> None:
        """The breach preview of what REVERSE would send on the selected account (none when
        it would send nothing, or no rule applies)."""
        firm, request = self.firm, plan.request() if plan.before is not None else None
        found = preview_of(firm, Intent.REVERSE, request, Basis(position=plan.before)) \
            if firm is not None and request is not None else None
        self.reverse_preview = f"REVERSE {found.level.colour}: {found.findings_words()}" \
            if found is not None else ""

    def members(self, plan: GroupPlan) -> dict[str, MemberRisk]:
        """Each member's breach preview (or room), lock, and out-of-sync mark."""
        previews = self.previews(plan)
        positions = {s.member.account: s.before for s in plan.steps if s.before is not None}
        marks = self.sync_marks(plan.group, positions, plan.instrument)
        said = {}
        for step in plan.steps:
            account = step.member.account
            preview, line = previews.get(account), self.account_risk(account)
            words = preview.findings_words() if preview else (line.line if line else "")
            level = preview.level.colour if preview else ("green" if line else "")
            if line is not None and line.locked:
                words, level = f"{line.locked} · {line.line}", "red"
            mark = marks.get(account)
            said[account] = MemberRisk(level, words, mark.words().removeprefix(
                f"{account} out of sync: ") if mark else "")
        return said

    def fields_of(self, name: str, group: bool) -> RiskFields:
        """The rules of ``name`` as Settings → Risk… shows them."""
        return fields_of(self.rules_of(name, group=group))

    def save_fields(self, name: str, group: bool, fields: RiskFields) -> list[str]:
        """The rules typed for ``name``: saved and in force, or what is wrong (nothing
        saved)."""
        rules, problems = rules_from_fields(fields)
        if rules is None:
            return problems
        self.save_rules(name, rules, group=group)
        return []

    def previews(self, plan: GroupPlan | None) -> dict[str, Preview]:
        firm = self.firm
        if firm is None or plan is None:
            return {}
        return preview_plan(firm, plan)

    def sync_marks(self, group: Group, positions: dict[str, Position], instrument: str
                   ) -> dict[str, OutOfSync]:
        return {m.account: m for m in out_of_sync(group, positions, instrument, self.last)}

    def acted(self, report: Any) -> None:
        """A group action's outcomes: the reasons a member may differ after it."""
        self.last = {o.account: (o.status, o.step.before if o.step.request is None else
                                 _asked(o)) for o in report.outcomes}
        self.changed.emit()


def _asked(outcome: Any) -> Position | None:
    """The position a member's request asked for (its side and size after)."""
    request = outcome.step.request
    action = getattr(request, "action", None)
    if action is None:
        return None
    held = outcome.step.before
    quantity = request.quantity + (held.quantity if getattr(request, "adds", False)
                                   and held is not None else 0)
    return Position(outcome.account, request.instrument, Side.after(action), quantity)


def _line(room: Any, account: str) -> str:
    figures = room.figures.get(account.lower())
    if figures is None:
        return "P&L today unknown (not read yet)"
    age = figures.age_s(room.clock()) or 0.0
    if not figures.is_fresh(room.clock(), room.fresh_for_s):
        return f"P&L today unknown · STALE, read {age:.0f} s ago"
    parts = [f"P&L today {money_words(figures.pnl_today)}"]
    rooms = room.rooms(account)
    if rooms is not None:
        if rooms.daily is not None:
            parts.append(f"daily loss room {money_words(rooms.daily)}")
        if rooms.trailing is not None:
            parts.append(f"{money_words(rooms.trailing)} above the trailing floor")
    cap = room.rules_for(account).max_contracts
    if cap is not None:
        parts.append(f"cap {cap:g} minis")
    parts.append("read just now" if age < 1.5 else f"read {age:.0f} s ago")
    return " · ".join(parts)
