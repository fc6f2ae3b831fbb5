"""Account groups, Qt-free: a named set of accounts that act together, each member with its size
rule and its guards, and what an action on the group would send to each member.

A group is kept in ``groups.json`` in the data folder (:mod:`ctpanel.core.store.group_file`,
shared by the panel and the CLI). Each member's request is built only from
that member's own position, read fresh for the whole group in one ``GET /v1/api/positions``:
a flat member is skipped, a member on the other side is reversed the other way, a member that
fails its guard (an ATM template required, a contract limit: :mod:`ctpanel.core.risk`) stops
the whole group before anything is sent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ctpanel.core.domain.exits import ExitOrder, closing_size
from ctpanel.core.domain.models import Position, ReverseOrder, Side
from ctpanel.core.domain.protection import Bracket, EntryOrder, entry_for, new_order_id
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import normalise_instrument

GROUP_PREFIX = "group:"  # how a group is named where an account could be (the picker's data)


def group_key(name: str) -> str:
    """The picker's key of the group ``name`` (``group:Apex PA``)."""
    return f"{GROUP_PREFIX}{name}"


def group_name(key: str) -> str | None:
    """The group a picker's key names (None: it is an account)."""
    return key[len(GROUP_PREFIX):] if key.startswith(GROUP_PREFIX) else None


class SizeRule(StrEnum):
    """How many contracts a member's new position takes."""

    MIRROR = "mirror"  # its own position's size
    MULTIPLE = "multiple"  # its own size times ``size``, rounded, at least 1
    FIXED = "fixed"  # ``size`` contracts


@dataclass(frozen=True)
class Member:
    """One account of a group: its size rule, and its own limits (an ATM template, contracts)."""

    account: str
    rule: SizeRule = SizeRule.MIRROR
    size: float = 1.0
    requires_atm: bool = False  # the firm rejects an entry without a stop and a target
    max_contracts: int | None = None

    def quantity(self, position: Position) -> int:
        """Its new position's size on a reverse: the rule applied to its own position."""
        if self.rule is SizeRule.FIXED:
            return max(1, int(self.size))
        if self.rule is SizeRule.MULTIPLE:
            return max(1, math.floor(position.quantity * self.size + 0.5))
        return position.quantity

    def entry_quantity(self, ticket_quantity: int) -> int:
        """Its size on an entry: the ticket's (mirror), a multiple of it, or its fixed size."""
        if self.rule is SizeRule.FIXED:
            return max(1, int(self.size))
        if self.rule is SizeRule.MULTIPLE:
            return max(1, math.floor(ticket_quantity * self.size + 0.5))
        return ticket_quantity


@dataclass(frozen=True)
class Group:
    """A named set of accounts that act together, and the stop and target in ticks its
    ticket starts with (None: the preferences' default)."""

    name: str
    members: tuple[Member, ...]
    bracket: Bracket | None = None

    @property
    def label(self) -> str:
        """How the account picker offers it: ``Group: Apex PA (5)``."""
        return f"Group: {self.name} ({len(self.members)})"

    @property
    def accounts(self) -> list[str]:
        return [member.account for member in self.members]

    @property
    def key(self) -> str:
        return group_key(self.name)


def find_group(groups: Iterable[Group], name: str) -> Group | None:
    """The group named ``name`` (any case), or None."""
    wanted = name.strip().lower()
    return next((g for g in groups if g.name.lower() == wanted), None)


# --- what a group action sends ---------------------------------------------------------------


@dataclass(frozen=True)
class MemberStep:
    """One member's part in a group action: its request, or why it is skipped or refused."""

    member: Member
    before: Position | None
    request: ReverseOrder | ExitOrder | EntryOrder | None = None
    skipped: str = ""  # "flat: nothing to reverse"
    refused: str = ""  # a guard it fails (:func:`ctpanel.core.desk.groups.vetted`): nothing
    # is sent to any member

    def words(self) -> str:
        account = self.member.account
        if self.refused:
            return f"{account} {self.refused}"
        if self.skipped:
            return f"{account} {self.skipped}"
        before = self.before.describe() if self.before else "?"
        if isinstance(self.request, EntryOrder):
            side = Side.after(self.request.action).value
            held = self.before.quantity if self.before and not self.before.is_flat else 0
            return f"{account} {before} -> {side} {held + self.request.quantity}"
        if isinstance(self.request, ReverseOrder):
            return f"{account} {before} -> {Side.after(self.request.action).value} " \
                   f"{self.request.quantity}"
        if isinstance(self.request, ExitOrder) and self.request.kind is Intent.CANCEL:
            return f"{account} cancel its working orders"
        return f"{account} {before} -> {self.after_words()}"

    def after_words(self) -> str:
        """What the member holds after an exit: ``Flat``, or what a partial close leaves."""
        request, before = self.request, self.before
        if not isinstance(request, ExitOrder) or request.kind is not Intent.CLOSE \
                or before is None or before.is_flat:
            return "Flat"
        left = before.quantity - closing_size(before.quantity, request.quantity,
                                              request.percent)
        return f"{before.side.value} {left}" if left > 0 else "Flat"


@dataclass(frozen=True)
class GroupPlan:
    """Every member's step for one action, on positions read for the whole group."""

    group: Group
    action: Intent
    instrument: str
    steps: tuple[MemberStep, ...] = field(default_factory=tuple)

    @property
    def requests(self) -> list[tuple[MemberStep, ReverseOrder | ExitOrder]]:
        return [(step, step.request) for step in self.steps if step.request is not None]

    def blocker(self, budget_left: float | None = None) -> str:
        """Why nothing may be sent: a member's guard, nothing to do, or too little budget."""
        refused = [step.words() for step in self.steps if step.refused]
        if refused:
            return "Not sent to any member: " + "; ".join(refused) + "."
        if not self.requests:
            return f"Nothing to do: every member of {self.group.name} is skipped."
        needed = len(self.requests)
        if budget_left is not None and needed > int(budget_left):
            return (f"{self.group.name} needs {needed} requests at once and CrossTrade's "
                    f"budget has {int(budget_left)} left: wait a few seconds (nothing is sent "
                    "to part of a group).")
        return ""

    def refused_accounts(self) -> list[str]:
        return [step.member.account for step in self.steps if step.refused]

    def leaving_out(self, accounts: Iterable[str]) -> GroupPlan:
        """This plan without ``accounts``: only ever the trader's choice (the preview's
        "Send to 4 of 5"), each said as left out with its reason."""
        out = {account.lower() for account in accounts}
        steps = tuple(replace(step, request=None, refused="",
                              skipped=f"left out: {step.refused or 'by the trader'}")
                      if step.member.account.lower() in out and step.request is not None
                      else step for step in self.steps)
        return replace(self, steps=steps)

    def send_words(self) -> str:
        """``Send to 4 of 5: APEX-3 would pass its daily loss limit`` (the choice offered when
        some members are refused), or ``""``."""
        refused = [step for step in self.steps if step.refused]
        if not refused:
            return ""
        going = len(self.requests) - len(refused)
        if going <= 0:
            return ""  # nobody would go: nothing to offer
        reasons = "; ".join(f"{s.member.account}: {s.refused}" for s in refused)
        return f"Send to {going} of {len(self.requests)}: {reasons}"

    def preview(self) -> str:
        """``APEX-1 Long 2 -> Short 2 · APEX-2 Long 1 -> Short 1 · APEX-3 flat: skipped``."""
        return " · ".join(step.words() for step in self.steps)


def plan_group(group: Group, action: Intent, instrument: str,
               positions: Mapping[str, Position], entry: ReverseOrder | None = None,
               *, flatten_instrument_only: bool = True,
               close_portion: tuple[int | None, float | None] = (None, None)) -> GroupPlan:
    """Each member's step, from its own position in ``positions`` (keyed by account; a member
    missing from a complete read is flat). ``entry``: the form's order (type, time in force,
    prices, ATM template) that every member's reverse takes, at its own side and size.
    ``close_portion``: (quantity, percent) of a close, each member's own (CrossTrade rounds a
    percentage up on each account's position); (None, None) closes everything."""
    instrument = normalise_instrument(instrument)
    steps = tuple(_step(member, action, instrument,
                        positions.get(member.account) or Position.flat(member.account,
                                                                      instrument),
                        entry, flatten_instrument_only, close_portion)
                  for member in group.members)
    return GroupPlan(group, action, instrument, steps)


def _step(member: Member, action: Intent, instrument: str, position: Position,
          entry: ReverseOrder | None, instrument_only: bool,
          close_portion: tuple[int | None, float | None]) -> MemberStep:
    if action is Intent.CANCEL:
        return MemberStep(member, position, ExitOrder(Intent.CANCEL, member.account,
                                                      instrument))
    if action is Intent.FLATTEN:
        return MemberStep(member, position, ExitOrder(
            Intent.FLATTEN, member.account, instrument if instrument_only else None))
    if action is Intent.ENTER:
        return _entry_step(member, instrument, position, entry)
    if position.is_flat:
        verb = "reverse" if action is Intent.REVERSE else "close"
        return MemberStep(member, position, skipped=f"flat: nothing to {verb}")
    if action is Intent.CLOSE:
        quantity, percent = close_portion
        return MemberStep(member, position, ExitOrder(Intent.CLOSE, member.account,
                                                      instrument, quantity=quantity,
                                                      percent=percent))
    quantity = member.quantity(position)
    base = entry or ReverseOrder(member.account, instrument, position.side.closing_action,
                                 quantity)
    return MemberStep(member, position, replace(
        base, account=member.account, instrument=instrument,
        action=position.side.closing_action, quantity=quantity))


def _entry_step(member: Member, instrument: str, position: Position,
                entry: ReverseOrder | None) -> MemberStep:
    """A member's BUY or SELL at its own size rule: from flat, or adding on its side; a member
    holding the other side is skipped (an entry would trade against its position)."""
    if entry is None:  # the ticket's order is invalid: its problem is said beside it
        return MemberStep(member, position, skipped="no valid order on the ticket")
    order = replace(entry, account=member.account, instrument=instrument,
                    quantity=member.entry_quantity(entry.quantity))
    if not position.is_flat and Side.after(order.action) is not position.side:
        return MemberStep(member, position, skipped=(
            f"holds {position.describe()}: {order.action.value} would trade against it"))
    return MemberStep(member, position, entry_for(order, position, new_order_id()))


def positions_by_account(positions: Iterable[Position], instrument: str,
                         accounts: Iterable[str]) -> dict[str, Position]:
    """From one read of every account's positions: each account's position in
    ``instrument`` (matching the full contract name, or a root that stands for it)."""
    wanted = normalise_instrument(instrument)
    found: dict[str, Position] = {}
    names = set(accounts)
    for position in positions:
        name = position.instrument.upper()
        if position.account in names and (name == wanted or name.split(" ")[0] == wanted):
            found[position.account] = position
    return found
