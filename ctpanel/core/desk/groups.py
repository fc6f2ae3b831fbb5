"""A group action sent at once, Qt-free, shared by the panel and the CLI.

One request per member, all in flight together (reverses over the WebSocket's id-correlated
RPCs when it is connected, else over REST; exits over REST), each through the single-account
workflow: sent once, journaled, never retried; a member whose outcome is unknown is read again
on its own. One more journal record ties the members' records together.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ctpanel.core.desk.exits import ExitService, UncertainExit
from ctpanel.core.desk.reverse import ReverseService, UncertainOutcome
from ctpanel.core.domain.exits import Picture
from ctpanel.core.domain.groups import Group, GroupPlan, MemberStep, positions_by_account
from ctpanel.core.domain.models import Position, ReverseOrder, Transport
from ctpanel.core.domain.states import PAST
from ctpanel.core.errors import CtError, RejectedError
from ctpanel.core.store.journal import Journal

if TYPE_CHECKING:
    from ctpanel.core.wire.client import CrossTradeClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MemberOutcome:
    """One member's row in the result table."""

    step: MemberStep
    status: str  # ok, rejected, failed, unknown, skipped
    order_id: str | None = None
    after: Position | None = None
    error: str = ""

    @property
    def account(self) -> str:
        return self.step.member.account

    def words(self) -> str:
        before = self.step.before.describe() if self.step.before else "?"
        after = self.after.describe() if self.after else "not read"
        if self.status == "skipped":
            return f"{self.account}: {self.step.skipped}"
        if self.status == "ok":
            order = f" (order {self.order_id})" if self.order_id else ""
            return f"{self.account}: {before} -> {after}{order}"
        if self.status == "unknown":
            return f"{self.account}: outcome unknown, read again: {after}. {self.error}"
        return f"{self.account} {self.status}: {self.error}"


@dataclass(frozen=True)
class GroupReport:
    plan: GroupPlan
    outcomes: tuple[MemberOutcome, ...]

    @property
    def sent(self) -> list[MemberOutcome]:
        return [o for o in self.outcomes if o.status != "skipped"]

    @property
    def all_ok(self) -> bool:
        return all(o.status in ("ok", "skipped") for o in self.outcomes)

    def summary(self) -> str:
        """``3 of 5 reversed; APEX-4 rejected: <reason>; APEX-5 outcome unknown, …``."""
        done = sum(o.status == "ok" for o in self.outcomes)
        parts = [f"{self.plan.group.name}: {done} of {len(self.sent)} "
                 f"{PAST[self.plan.action]}"]
        parts += [o.words() for o in self.outcomes if o.status not in ("ok", "skipped")]
        skipped = [o.account for o in self.outcomes if o.status == "skipped"]
        if skipped:
            parts.append(f"skipped (flat): {', '.join(skipped)}")
        return "; ".join(parts)


class GroupService:
    def __init__(self, client: CrossTradeClient, reverses: ReverseService, exits: ExitService,
                 journal: Journal | None = None, *, mode: str = "live") -> None:
        self.client = client
        self.reverses = reverses
        self.exits = exits
        self.journal = journal
        self.mode = mode

    async def read_positions(self, group: Group, instrument: str) -> dict[str, Position]:
        """Every member's position in ``instrument``, in one read of every account."""
        return positions_by_account(await self.client.list_all_positions(), instrument,
                                    group.accounts)

    async def send(self, plan: GroupPlan, *, transport: Transport = Transport.WS,
                   on_member: Callable[[MemberOutcome], None] | None = None) -> GroupReport:
        """Every member's request at once (nothing when the plan is blocked: check first).
        ``on_member``: each member's row as its answer lands (the report has them all, with
        the positions after)."""
        import asyncio

        def accepted(step: MemberStep, order_id: str | None) -> None:
            if on_member is not None:  # the row, the moment the member's answer lands
                on_member(MemberOutcome(step, "ok", order_id))

        async def one(step: MemberStep) -> MemberOutcome:
            outcome = await self._one(step, transport, accepted)
            if on_member is not None and outcome.status != "ok":
                on_member(outcome)
            return outcome

        sent = await asyncio.gather(*(one(step) for step, _ in plan.requests))
        sent = await self._positions_after(plan, sent)
        by_account = {o.account: o for o in sent}
        outcomes = tuple(by_account.get(step.member.account)
                         or MemberOutcome(step, "skipped") for step in plan.steps)
        report = GroupReport(plan, outcomes)
        await self._record(report)
        return report

    async def _positions_after(self, plan: GroupPlan,
                               sent: list[MemberOutcome]) -> list[MemberOutcome]:
        """Every confirmed member's position after, in one read (a member whose outcome was
        unknown was already read again on its own)."""
        if not any(o.status == "ok" for o in sent):
            return sent
        try:
            after = positions_by_account(await self.client.list_all_positions(),
                                         plan.instrument, plan.group.accounts)
        except CtError as error:
            log.warning("Could not read the group's positions after: %s", error)
            return sent
        return [replace(o, after=after.get(o.account) or Position.flat(o.account,
                                                                       plan.instrument))
                if o.status == "ok" else o for o in sent]

    async def _one(self, step: MemberStep, transport: Transport,
                   accepted: Callable[[MemberStep, str | None], None]) -> MemberOutcome:
        """One member's request through the single-account workflow (sent once, journaled,
        an unknown outcome read again), without the read after a confirmed one."""
        request = step.request
        try:
            if isinstance(request, ReverseOrder):
                report = await self.reverses.reverse(
                    request, transport=transport, before=step.before, verify=False,
                    on_accepted=lambda result: accepted(step, result.order_id))
                return MemberOutcome(step, "ok", report.result.order_id)
            result = await self.exits.exit(
                request, before=Picture(request.account, step.before), verify=False,
                on_accepted=lambda result: accepted(step, result.order_ids[0]
                                                    if result.order_ids else None))
            return MemberOutcome(step, "ok", result.result.reference
                                 if result.result.order_ids else None)
        except (UncertainOutcome, UncertainExit) as unknown:
            after = unknown.after if isinstance(unknown, UncertainOutcome) else (
                unknown.after.position if unknown.after else None)
            return MemberOutcome(step, "unknown", after=after, error=str(unknown))
        except CtError as error:
            status = "rejected" if isinstance(error, RejectedError) or (
                error.order_not_sent and getattr(error, "status", None) in (400, 404)) \
                else "failed"
            return MemberOutcome(step, status, error=str(error))

    async def _record(self, report: GroupReport) -> None:
        if self.journal is None:
            return
        record = {
            "kind": "group", "mode": self.mode, "group": report.plan.group.name,
            "action": report.plan.action.value, "instrument": report.plan.instrument,
            "status": "ok" if report.all_ok else "partial",
            "members": [{"account": o.account, "planned": o.step.words(),
                         "body": o.step.request.body() if o.step.request else None,
                         "status": o.status, "order_id": o.order_id,
                         "before": o.step.before.describe() if o.step.before else None,
                         "after": o.after.describe() if o.after else None,
                         "error": o.error or None} for o in report.outcomes],
            "summary": report.summary()}
        try:
            await self.journal.append_async(record)
        except OSError as failure:
            log.error("Could not write the journal (%s): %s", self.journal.path, failure)
