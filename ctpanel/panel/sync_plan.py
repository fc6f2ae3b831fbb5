"""Bring a group member in line: the one request that makes a member that differs from the rest
hold what the group's ratio says, as a plan on the ticket. It always asks first (the preview is
the question) and is sent only on a yes, through the desk's guards; never automatically."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ctpanel.core.domain.exits import ExitOrder, Picture
from ctpanel.core.domain.groups import Group, Member
from ctpanel.core.domain.models import ReverseOrder
from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.domain.states import Intent, Outcome
from ctpanel.core.domain.sync import OutOfSync, fix_for, fix_words, out_of_sync
from ctpanel.core.risk.firm_rules import same_contract
from ctpanel.core.risk.guard import Basis, Guard, denial
from ctpanel.panel.ticket import STANDARD_GUARDS, Reading


@dataclass(frozen=True)
class SyncFixPlan:
    """The fix of one member of ``group``, on the group's read (the ticket's holdings)."""

    group: Group
    account: str
    instrument: str
    last: Mapping[str, tuple[Outcome, Any]] = None  # type: ignore[assignment]
    guards: tuple[Guard, ...] = STANDARD_GUARDS
    reading: Reading | None = None
    action = "bring in line"
    label = "BRING IN LINE"
    noun = "Bring in line"

    def on(self, reading: Reading | None) -> SyncFixPlan:
        return replace(self, reading=reading)

    @cached_property
    def mark(self) -> OutOfSync | None:
        if self.reading is None or self.reading.holdings is None:
            return None
        positions = {p.account: p for p in self.reading.holdings
                     if same_contract(p.instrument, self.instrument)}
        marks = out_of_sync(self.group, positions, self.instrument, self.last or {})
        return next((m for m in marks if m.account == self.account), None)

    @cached_property
    def fix(self) -> ReverseOrder | EntryOrder | ExitOrder | None:
        return fix_for(self.mark, self.instrument) if self.mark is not None else None

    @property
    def before(self) -> Any:
        if self.mark is None:
            return None
        held = self.mark.held
        return Picture(held.account, held) if isinstance(self.fix, ExitOrder) else held

    def problem(self) -> str:
        return ""

    def blocker(self) -> str:
        if self.reading is None or self.reading.holdings is None:
            return f"Reading the positions of {self.group.name}…"
        if self.fix is None:
            return f"{self.account} is in line with {self.group.name}: nothing to send."
        intent = Intent.ENTER if isinstance(self.fix, EntryOrder) else \
            Intent.REVERSE if isinstance(self.fix, ReverseOrder) else Intent.CLOSE
        member = next((m for m in self.group.members if m.account == self.account),
                      Member(self.account))
        refused = denial(self.guards, intent, self.fix,
                         Basis(position=self.mark.held, member=member))
        return refused.problems[0].message if refused else ""

    def preview(self) -> str:
        if self.mark is None or self.fix is None:
            return ""
        return f"{self.mark.words()}. {fix_words(self.fix)}"

    def request(self) -> Any:
        return self.fix

    def needs_confirming(self) -> str:
        return "Bringing a member in line always asks first."
