"""A group action on the desk: the same requests, one per member, sent at once under one
group record.

One request per member, all in flight together (reverses over the WebSocket's id-correlated
RPCs when it is connected, else over REST; exits over REST), each through the desk's one
workflow: guarded, written ahead, sent once, never retried; a member whose outcome is unknown
is read again on its own. Every member is guarded before any is sent: nothing goes to part of
a group because one member's guard refused. One more journal record ties the members together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ctpanel.core.desk.entries import UncertainEntry
from ctpanel.core.desk.exits import UncertainExit
from ctpanel.core.desk.records import WrittenAhead
from ctpanel.core.desk.reverse import UncertainOutcome
from ctpanel.core.desk.trade import Trade, outcome_of
from ctpanel.core.domain.exits import Picture
from ctpanel.core.domain.groups import Group, GroupPlan, MemberStep, positions_by_account
from ctpanel.core.domain.models import Position, ReverseOrder, Transport
from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.domain.states import PAST, Intent, Outcome
from ctpanel.core.errors import CtError
from ctpanel.core.risk.firm_rules import FirmRules
from ctpanel.core.risk.guard import Basis, Guard, Refused, denial

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberOutcome:
    """One member's row in the result table."""

    step: MemberStep
    status: Outcome
    order_id: str | None = None
    after: Position | None = None
    error: str = ""

    @property
    def account(self) -> str:
        return self.step.member.account

    def words(self) -> str:
        before = self.step.before.describe() if self.step.before else "?"
        after = self.after.describe() if self.after else "not read"
        if self.status is Outcome.SKIPPED:
            return f"{self.account}: {self.step.skipped}"
        if self.status is Outcome.OK:
            order = f" (order {self.order_id})" if self.order_id else ""
            return f"{self.account}: {before} -> {after}{order}"
        if self.status is Outcome.UNKNOWN:
            return f"{self.account}: outcome unknown, read again: {after}. {self.error}"
        return f"{self.account} {self.status.value}: {self.error}"


@dataclass(frozen=True)
class GroupReport:
    """Every member's outcome of one group action, and its summary in plain words."""

    plan: GroupPlan
    outcomes: tuple[MemberOutcome, ...]

    @property
    def sent(self) -> list[MemberOutcome]:
        return [o for o in self.outcomes if o.status is not Outcome.SKIPPED]

    @property
    def all_ok(self) -> bool:
        return all(o.status in (Outcome.OK, Outcome.SKIPPED) for o in self.outcomes)

    def summary(self) -> str:
        """``3 of 5 reversed; APEX-4 rejected: <reason>; APEX-5 outcome unknown, …``."""
        done = sum(o.status is Outcome.OK for o in self.outcomes)
        parts = [f"{self.plan.group.name}: {done} of {len(self.sent)} "
                 f"{PAST[self.plan.action]}"]
        parts += [o.words() for o in self.outcomes if o.status not in (Outcome.OK, Outcome.SKIPPED)]
        skipped = [o.account for o in self.outcomes if o.status is Outcome.SKIPPED]
        if skipped:
            parts.append(f"skipped (flat): {', '.join(skipped)}")
        return "; ".join(parts)


def member_basis(step: MemberStep) -> Basis:
    """What a member's request was built on: its own position, read for the whole group."""
    return Basis(position=step.before, member=step.member)


def vetted(plan: GroupPlan, guards: tuple[Guard, ...]) -> GroupPlan:
    """``plan`` with each member's refusal by ``guards`` (a contract limit, an ATM template
    required...) on its step: the preview names them, and nothing is sent while any stands."""
    firm = next((guard for guard in guards if isinstance(guard, FirmRules)), None)
    with firm.planning(plan) if firm is not None else nullcontext():
        steps = []
        for step in plan.steps:
            refused = denial(guards, plan.action, step.request, member_basis(step)) \
                if step.request is not None else None
            steps.append(replace(step, refused=refused.problems[0].message) if refused
                         else step)
    return replace(plan, steps=tuple(steps))


async def read_group(desk: Desk, group: Group, instrument: str) -> dict[str, Position]:
    """Every member's position in ``instrument``, in one read of every account."""
    return positions_by_account(await desk.client.list_all_positions(), instrument,
                                group.accounts)


async def send_group(desk: Desk, plan: GroupPlan, *, transport: Transport = Transport.WS,
                     on_member: Callable[[MemberOutcome], None] | None = None) -> GroupReport:
    """Every member's request at once. Raises :class:`Refused` (nothing sent to any member)
    when a member's guard refuses. ``on_member``: each member's row as its answer lands (the
    report has them all, with the positions after)."""
    import asyncio

    plan = vetted(plan, desk.guards)
    blocked = plan.blocker()
    if blocked:
        raise Refused("group", blocked)

    def accepted(step: MemberStep, order_id: str | None) -> None:
        if on_member is not None:  # the row, the moment the member's answer lands
            on_member(MemberOutcome(step, Outcome.OK, order_id))

    async def one(step: MemberStep, trade: Trade, written: WrittenAhead) -> MemberOutcome:
        outcome = await _one(desk, step, trade, written, accepted)
        if on_member is not None and outcome.status is not Outcome.OK:
            on_member(outcome)
        return outcome

    steps = [step for step, _ in plan.requests]
    trades = [_trade(step, transport) for step in steps]
    written = desk.write_ahead(trades)  # every member's intent, before the first one leaves
    sent = await asyncio.gather(*(one(*member) for member in zip(steps, trades, written,
                                                                  strict=True)))
    sent = await _positions_after(desk, plan, sent)
    by_account = {o.account: o for o in sent}
    outcomes = tuple(by_account.get(step.member.account)
                     or MemberOutcome(step, Outcome.SKIPPED) for step in plan.steps)
    report = GroupReport(plan, outcomes)
    await desk.records.write(_group_record(report))
    return report


def _trade(step: MemberStep, transport: Transport) -> Trade:
    """A member's request as the desk carries it: a reverse on ``transport``, an exit on the
    member's picture."""
    request = step.request
    if isinstance(request, EntryOrder):
        return Trade(request, Intent.ENTER, Transport.REST, step.before)
    if isinstance(request, ReverseOrder):
        return Trade(request, Intent.REVERSE, transport, step.before)
    return Trade(request, request.kind, None, Picture(request.account, step.before),
                 extra={"watch": None})


async def _one(desk: Desk, step: MemberStep, trade: Trade, written: WrittenAhead,
               accepted: Callable[[MemberStep, str | None], None]) -> MemberOutcome:
    """One member's request on the desk (guarded, its intent already written, sent once, an
    unknown outcome read again), without the read after a confirmed one."""
    reverse = trade.intent in (Intent.REVERSE, Intent.ENTER)  # one order id in its answer

    def answered(result) -> None:
        accepted(step, result.order_id if reverse else
                 result.order_ids[0] if result.order_ids else None)

    try:
        report = await desk.send(trade, member_basis(step), verify=False, on_accepted=answered,
                                 written=written)
        order_id = report.result.order_id if reverse else (
            report.result.reference if report.result.order_ids else None)
        return MemberOutcome(step, Outcome.OK, order_id)
    except (UncertainOutcome, UncertainEntry, UncertainExit) as unknown:
        after = (unknown.after.position if unknown.after else None) \
            if isinstance(unknown, UncertainExit) else unknown.after
        return MemberOutcome(step, Outcome.UNKNOWN, after=after, error=str(unknown))
    except CtError as error:
        return MemberOutcome(step, outcome_of(error), error=str(error))


async def _positions_after(desk: Desk, plan: GroupPlan,
                           sent: list[MemberOutcome]) -> list[MemberOutcome]:
    """Every confirmed member's position after, in one read (a member whose outcome was
    unknown was already read again on its own)."""
    if not any(o.status is Outcome.OK for o in sent):
        return sent
    try:
        after = await read_group(desk, plan.group, plan.instrument)
    except CtError as error:
        log.warning("Could not read the group's positions after: %s", error)
        return sent
    return [replace(o, after=after.get(o.account) or Position.flat(o.account, plan.instrument))
            if o.status is Outcome.OK else o for o in sent]


def _group_record(report: GroupReport) -> dict:
    return {
        "kind": "group", "group": report.plan.group.name,
        "action": report.plan.action.value, "instrument": report.plan.instrument,
        "status": "ok" if report.all_ok else "partial",
        "members": [{"account": o.account, "planned": o.step.words(),
                     "body": o.step.request.body() if o.step.request else None,
                     "status": o.status.value, "order_id": o.order_id,
                     "before": o.step.before.describe() if o.step.before else None,
                     "after": o.after.describe() if o.after else None,
                     "error": o.error or None} for o in report.outcomes],
        "summary": report.summary()}
