"""The exits part of the panel, Qt-free: Close, Flatten, Cancel and Flatten everything, from
the ticket's decision to the account read back.

ticket -> confirmation -> send once -> the account read back -> what changed, in plain words
(and a sound), journaled by the service. Never a re-send; an unknown outcome is read again
and what is found is said. The ticket re-arms on the position read after the exit.

Flatten everything is the only request that names no account. It always asks, after reading
what it would close, and the confirmation's "yes" is the pass the client demands for it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ctpanel.core.desk.exits import UncertainExit
from ctpanel.core.domain.exits import (
    EverythingListing,
    ExitOrder,
    ExitReport,
    ExitResult,
    Picture,
    confirm_everything,
)
from ctpanel.core.errors import CtError
from ctpanel.panel.events import Event
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.plans import EverythingRequest
from ctpanel.panel.ports import Confirmer
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import SoundEvent, Sounds
from ctpanel.panel.ticket import Phase, Plan, Press, ReadToken, Ticket
from ctpanel.panel.watcher import PositionWatcher

if TYPE_CHECKING:
    import asyncio  # loaded after the window is shown: imported where it is used

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task"]
Outcome = ExitReport | ExitResult | CtError


class Exits:
    def __init__(self, session: Session, ticket: Ticket, watcher: PositionWatcher,
                 notices: Notices, sounds: Sounds, confirmer: Confirmer, *, spawn: Spawn,
                 failed: Callable[[str, CtError], None],
                 accounts: Callable[[], list[str]]) -> None:
        self.session = session
        self.ticket = ticket
        self.watcher = watcher
        self.notices = notices
        self.sounds = sounds
        self.confirmer = confirmer
        self.spawn = spawn
        self.failed = failed
        self.accounts = accounts
        self.in_flight: asyncio.Task | None = None
        self.changed = Event("changed")  # the ticket's phase moved: show it
        self.sent = Event("sent")  # the request is going (an ExitOrder or EverythingRequest)
        self.accepted = Event("accepted")  # ExitResult, the moment CrossTrade answers
        self.finished = Event("finished")  # ExitReport / ExitResult, or the CtError

    def press(self, plan: Plan, *, confirm: bool, plan_now: Callable[[], Plan]) -> bool:
        """A click or a key: the ticket decides here, synchronously, whether it sends."""
        press = self.ticket.press(plan, confirm=confirm)
        if press.order is None:
            if press.say_it:
                self.notices.say(Level.WARNING, press.ignored)
            return False
        self.in_flight = self.spawn(self._carry(press, plan, plan_now), plan.action)
        return True

    async def _carry(self, press: Press, plan: Plan, plan_now: Callable[[], Plan]) -> None:
        if isinstance(press.order, EverythingRequest):
            await self._everything(plan_now)
            return
        if self.ticket.phase is Phase.CONFIRMING:
            yes = await self.confirmer.ask(f"Confirm {plan.noun.lower()}",
                                           self._question(press.order, press.preview))
            press = self.ticket.confirmed(plan_now(), yes)
            self.changed.emit()
            if press.order is None:
                self.notices.say(Level.INFO if not yes else Level.WARNING, press.ignored)
                return
        self._going(press.order)
        outcome = await self.send(press.order, press.before)
        self._say(press.order, outcome)

    def _question(self, order: ExitOrder, preview: str) -> str:
        mode = self.session.backend.mode.value.upper()
        return f"{mode} account {order.account}\n\n{order.describe()}\n{preview}\n\nSend this?"

    def _going(self, request: ExitOrder | EverythingRequest) -> None:
        import asyncio

        # After this task first yields, i.e. once the request is on its way.
        asyncio.get_running_loop().call_soon(self.sounds.event, SoundEvent.SENT)
        self.sent.emit(request)

    async def send(self, order: ExitOrder, before: Picture | None) -> ExitReport | CtError:
        """Send ``order`` once (the ticket already let it go); the report, or the error it
        ended with (an :class:`~ctpanel.core.desk.exits.UncertainExit` when unknown)."""
        reread: ReadToken | None = None

        def accepted(result: ExitResult) -> None:
            nonlocal reread
            self.ticket.answered()
            reread = self.ticket.begin_read()  # the service reads the account right after
            self.notices.say(Level.SUCCESS, f"{order.describe()}: done "
                                            f"({result.round_trip_ms:.0f} ms)",
                             order_id=result.order_ids[0] if result.order_ids else None)
            self.accepted.emit(result)

        scope = self.ticket.scope
        try:
            outcome: ExitReport | CtError = await self.session.backend.exits.exit(
                order, before=before, on_accepted=accepted,
                watch=scope.instrument if scope else None)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.finished()
        after = outcome.after if isinstance(outcome, ExitReport) else None
        kept = (after is not None and after.position is not None and reread is not None
                and self.watcher.accept(reread, after.position, after.holdings, after.working))
        if not kept:
            await self.watcher.read()  # after the outcome: the ticket re-arms on this
        return outcome

    def _say(self, order: ExitOrder | EverythingRequest, outcome: Outcome) -> None:
        noun = "Flatten everything" if isinstance(order, EverythingRequest) else \
            order.kind.value.capitalize()
        if isinstance(outcome, ExitReport | ExitResult):
            self.sounds.event(SoundEvent.FILLED)
            result = outcome.result if isinstance(outcome, ExitReport) else outcome
            if isinstance(outcome, ExitReport):
                self.notices.say(Level.INFO, outcome.words())
            if result.warning:
                self.notices.say(Level.WARNING, f"CrossTrade: {result.warning}")
        elif isinstance(outcome, UncertainExit):
            self.sounds.event(SoundEvent.UNKNOWN)
            self.notices.say(Level.WARNING, f"{noun}: {outcome}")
        else:
            self.sounds.event(SoundEvent.REJECTED)
            self.failed(f"{noun} failed", outcome)
        self.changed.emit()
        self.finished.emit(outcome)

    # --- flatten everything ---------------------------------------------------------------

    async def _everything(self, plan_now: Callable[[], Plan]) -> None:
        """List what would be closed, ask (always), then send the empty body, once."""
        backend = self.session.backend
        try:
            listing = await backend.exits.list_everything(self.accounts())
        except CtError as error:
            self.ticket.confirmed(plan_now(), False)
            self.changed.emit()
            self.failed("Flatten everything not sent: the positions could not be listed",
                        error)
            return
        yes = await self.confirmer.ask("Flatten EVERY account", self._everything_question(
            listing))
        press = self.ticket.confirmed(plan_now(), yes)
        self.changed.emit()
        confirmed = confirm_everything(listing, yes) if press.order is not None else None
        if confirmed is None:
            self.notices.say(Level.INFO if not yes else Level.WARNING, press.ignored)
            return
        self._going(press.order)
        try:
            outcome: ExitResult | CtError = await backend.exits.flatten_everything(confirmed)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.finished()
        if isinstance(outcome, ExitResult):
            closed = ", ".join(f"{p.account}: {p.describe()} {p.instrument}"
                               for p in outcome.closed) or "no position was open"
            self.notices.say(Level.SUCCESS, f"Flattened every account: {closed}; "
                                            f"{len(outcome.order_ids)} order ids.")
        await self.watcher.read()
        self._say(press.order, outcome)

    def _everything_question(self, listing: EverythingListing) -> str:
        mode = self.session.backend.mode.value.upper()
        return (f"{mode}: this closes every position and cancels every working order in "
                f"EVERY account:\n\n{listing.text()}\n\nFlatten everything?")
