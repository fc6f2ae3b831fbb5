"""The group part of the panel, Qt-free: an action on every member of the selected group, from
the ticket's decision to the result table.

ticket (one intent = one fan-out) -> confirmation -> every member's request at once -> each
member's row as it lands -> the summary in plain words -> the group's positions read again
(the ticket re-arms on that). A partial failure is shown as such and never retried; each
unknown outcome was read again on its own by the member's workflow.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ctpanel.core.desk.groups import GroupReport
from ctpanel.core.domain.models import Transport
from ctpanel.core.errors import CtError
from ctpanel.panel.events import Event
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import Confirmer
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import SoundEvent, Sounds
from ctpanel.panel.ticket import Phase, Plan, Press, Ticket
from ctpanel.panel.watcher import PositionWatcher

if TYPE_CHECKING:
    import asyncio  # loaded after the window is shown: imported where it is used

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task"]


class GroupDesk:
    def __init__(self, session: Session, ticket: Ticket, watcher: PositionWatcher,
                 notices: Notices, sounds: Sounds, confirmer: Confirmer, *, spawn: Spawn,
                 failed: Callable[[str, CtError], None]) -> None:
        self.session = session
        self.ticket = ticket
        self.watcher = watcher
        self.notices = notices
        self.sounds = sounds
        self.confirmer = confirmer
        self.spawn = spawn
        self.failed = failed
        self.in_flight: asyncio.Task | None = None
        self.changed = Event("changed")  # the ticket's phase moved: show it
        self.member = Event("member")  # MemberOutcome: one row of the table, as it lands
        self.finished = Event("finished")  # GroupReport, or the CtError it ended with

    def press(self, plan: Plan, *, confirm: bool, plan_now: Callable[[], Plan]) -> bool:
        press = self.ticket.press(plan, confirm=confirm)
        if press.order is None:
            if press.say_it:
                self.notices.say(Level.WARNING, press.ignored)
            return False
        self.in_flight = self.spawn(self._carry(press, plan, plan_now), "group")
        return True

    async def _carry(self, press: Press, plan: Plan, plan_now: Callable[[], Plan]) -> None:
        import asyncio

        if self.ticket.phase is Phase.CONFIRMING:
            mode = self.session.backend.mode.value.upper()
            yes = await self.confirmer.ask(f"Confirm {plan.noun.lower()}",
                                           f"{mode}: {plan.noun} on {press.order.group.name}"
                                           f"\n\n{press.preview}\n\nSend to every member?")
            press = self.ticket.confirmed(plan_now(), yes)
            self.changed.emit()
            if press.order is None:
                self.notices.say(Level.INFO if not yes else Level.WARNING, press.ignored)
                return
        group_plan = press.order
        asyncio.get_running_loop().call_soon(self.sounds.event, SoundEvent.SENT)
        self.notices.say(Level.INFO, f"{plan.noun} on {group_plan.group.name}: "
                                     f"{len(group_plan.requests)} requests at once.")
        outcome: GroupReport | CtError
        try:
            outcome = await self.session.backend.groups.send(
                group_plan, transport=self._transport(), on_member=self.member.emit)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.answered()  # every member answered (or timed out): read after this
            self.ticket.finished()
        await self.watcher.read()
        self._say(outcome)
        self.changed.emit()
        self.finished.emit(outcome)

    def _transport(self) -> Transport:
        """The WebSocket's id-correlated RPCs put every member in flight on one warm socket;
        REST when it is down."""
        stream = self.session.backend.stream
        return Transport.WS if stream.state == "connected" else Transport.REST

    def _say(self, outcome: GroupReport | CtError) -> None:
        if isinstance(outcome, CtError):
            self.sounds.event(SoundEvent.REJECTED)
            self.failed("The group action failed", outcome)
            return
        level = Level.SUCCESS if outcome.all_ok else Level.WARNING
        self.sounds.event(SoundEvent.FILLED if outcome.all_ok else SoundEvent.UNKNOWN
                          if any(o.status == "unknown" for o in outcome.outcomes)
                          else SoundEvent.REJECTED)
        self.notices.say(level, outcome.summary())
