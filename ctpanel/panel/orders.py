"""The orders part of the panel, Qt-free: one press from the ticket's decision to the fill line.

ticket -> confirmation -> send once -> read while waiting -> the outcome in plain words (and a
sound) -> the position after it -> the fill followed and journaled. Never a re-send.

The ticket must know when CrossTrade answered (reads started before then may predate the
order) and when the outcome is settled; the service's own re-read after the answer is handed
to the ticket like any other figure; if there is none, or the order failed, the position is
read again now, so the ticket re-arms on what is true after the order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ctpanel.core.desk.reverse import ReverseReport, UncertainOutcome
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderResult, Position, Quote, ReverseOrder, Transport
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal
from ctpanel.panel.events import Event
from ctpanel.panel.fills import FillFollower
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import Confirmer
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import SoundEvent, Sounds
from ctpanel.panel.ticket import Phase, Press, ReadToken, Ticket
from ctpanel.panel.watcher import PositionWatcher

if TYPE_CHECKING:
    import asyncio  # loaded after the window is shown: imported where it is used

log = logging.getLogger(__name__)

WAIT_BEFORE_LOOKING_S = 3.0  # no answer yet: read the position and show it (never re-send)
Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task"]


class Orders:
    def __init__(self, session: Session, ticket: Ticket, watcher: PositionWatcher,
                 notices: Notices, sounds: Sounds, journal: Journal, confirmer: Confirmer, *,
                 spawn: Spawn, failed: Callable[[str, CtError], None],
                 wait_before_looking: float = WAIT_BEFORE_LOOKING_S) -> None:
        self.session = session
        self.ticket = ticket
        self.watcher = watcher
        self.notices = notices
        self.sounds = sounds
        self.journal = journal
        self.confirmer = confirmer
        self.spawn = spawn
        self.failed = failed
        self.wait_before_looking = wait_before_looking
        self.in_flight: asyncio.Task | None = None
        self.changed = Event("changed")  # the ticket's phase moved: show it
        self.sent = Event("sent")  # the order is going (a ReverseOrder)
        self.accepted = Event("accepted")  # OrderResult, the moment CrossTrade answers
        self.confirmed = Event("confirmed")  # ReverseReport: the order went through
        self.finished = Event("finished")  # ReverseReport, or the CtError it ended with
        self.peeked = Event("peeked")  # a position read while waiting (never armed on)

    # --- the press ------------------------------------------------------------------------

    def press(self, form: FormState, *, confirm: bool, form_now: Callable[[], FormState],
              transport: Transport) -> bool:
        """A click or a hotkey press: the ticket decides here, synchronously, whether it sends
        (a double click, a held key or a press too soon after an order does not). True when an
        order (or its confirmation) is under way; the caller shows the ticket either way."""
        press = self.ticket.press(form, confirm=confirm)
        if press.order is None:
            if press.say_it:
                self.notices.say(Level.WARNING, press.ignored)
            return False
        self.in_flight = self.spawn(self._carry(press, form, form_now, transport), "reverse")
        return True

    async def _carry(self, press: Press, form: FormState, form_now: Callable[[], FormState],
                     transport: Transport) -> None:
        import asyncio

        if self.ticket.phase is Phase.CONFIRMING:
            yes = await self.confirmer.ask("Confirm reverse", self.confirmation_text(press))
            form = form_now()  # the dialog may have been open while things changed
            press = self.ticket.confirmed(form, yes)
            self.changed.emit()
            if press.order is None:
                self.notices.say(Level.INFO if not yes else Level.WARNING, press.ignored)
                return
        order = press.order
        at_click = form.quote  # the market when the order left, for the fill's slippage
        # After this task first yields, i.e. once the request is on its way: a player's start
        # (a child process off Windows) never delays the order.
        asyncio.get_running_loop().call_soon(self.sounds.event, SoundEvent.SENT)
        self.sent.emit(order)
        looking = self.spawn(self._look_while_waiting(order), "look-while-waiting")
        try:
            outcome = await self.send(order, press.before, transport=transport)
        finally:
            looking.cancel()
        if isinstance(outcome, ReverseReport):
            self.notices.say(Level.INFO, f"Position {order.instrument} on {order.account}: "
                                         f"{outcome.position_words()}")
            self.confirmed.emit(outcome)
            self.session.spawn(self._follow_fill(outcome, at_click), "follow-fill")
        elif isinstance(outcome, UncertainOutcome):
            self.sounds.event(SoundEvent.UNKNOWN)
            self.notices.say(Level.WARNING, str(outcome))
        else:
            self.sounds.event(SoundEvent.REJECTED)
            self.failed("Reverse failed", outcome)
        self.changed.emit()
        self.finished.emit(outcome)

    def confirmation_text(self, press: Press) -> str:
        mode = self.session.backend.mode.value.upper()
        far = f"\n\nFar from the market: {press.far}" if press.far else ""
        return (f"{mode} account {press.order.account}\n\n{press.order.describe()}\n"
                f"{press.preview}{far}\n\nSend this order?")

    # --- one order ------------------------------------------------------------------------

    async def send(self, order: ReverseOrder, before: Position | None, *,
                   transport: Transport) -> ReverseReport | CtError:
        """Send ``order`` once (the ticket already let it go); the report, or the error it
        ended with (an :class:`~ctpanel.core.desk.reverse.UncertainOutcome` when unknown)."""
        reread: ReadToken | None = None
        account_after: asyncio.Task | None = None

        def accepted(result: OrderResult) -> None:
            nonlocal reread, account_after
            self.ticket.answered()
            reread = self.ticket.begin_read()  # the service reads right after this...
            # ...and the account's positions and working orders are read beside it.
            account_after = self.spawn(self.watcher.read_account(order.account), "account")
            self._say_accepted(order, result)

        try:
            outcome: ReverseReport | CtError = await self.session.backend.service.reverse(
                order, transport=transport, before=before, on_accepted=accepted)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.finished()
        holdings, working = await account_after if account_after is not None else (None, None)
        kept = (isinstance(outcome, ReverseReport) and outcome.after is not None
                and reread is not None
                and self.watcher.accept(reread, outcome.after, holdings, working))
        if not kept:
            await self.watcher.read()  # after the outcome: the ticket re-arms on this
        return outcome

    def _say_accepted(self, order: ReverseOrder, result: OrderResult) -> None:
        """The order id, shown the moment CrossTrade answers (the position re-read follows)."""
        self.notices.say(Level.SUCCESS, f"Order {result.order_id}: {order.describe()} on "
                                        f"{order.account} ({result.round_trip_ms:.0f} ms)",
                         order_id=result.order_id)
        self.accepted.emit(result)
        if result.warning:
            self.notices.say(Level.WARNING, f"CrossTrade warning: {result.warning}")

    async def _look_while_waiting(self, order: ReverseOrder) -> None:
        """Never blind: no answer after a few seconds, so read the position (on the reads
        connection) and say what it shows. The order is never re-sent."""
        import asyncio

        await asyncio.sleep(self.wait_before_looking)
        position = await self.watcher.peek(order.account, order.instrument)
        if isinstance(position, CtError):
            self.notices.say(Level.WARNING, f"Still no answer; the position could not be read "
                                            f"either: {position}")
            return
        self.peeked.emit(position, "read while waiting for the answer")
        self.notices.say(Level.INFO, f"Still waiting for CrossTrade's answer; the position now "
                                     f"reads {position.describe()} (read while waiting for the "
                                     "answer).")

    async def _follow_fill(self, report: ReverseReport, at_click: Quote | None) -> None:
        """The new order's fill (or why it has none), after the id is shown; journaled."""
        backend = self.session.backend
        follower = FillFollower(backend.client)
        fill = await follower.follow(report.order, report.result.order_id,
                                     last_at_click=at_click.last if at_click else None,
                                     tick=at_click.tick_size if at_click else None)
        rejected = fill.state.lower() == "rejected"
        level = Level.SUCCESS if fill.state == "Filled" else (
            Level.ERROR if rejected else Level.INFO)
        if fill.state == "Filled" or rejected:
            self.sounds.event(SoundEvent.FILLED if not rejected else SoundEvent.REJECTED)
        self.notices.say(level, f"Order {fill.order_id}: {fill.line}", order_id=fill.order_id)
        record = {**fill.record(), "mode": backend.mode.value,
                  "account": report.order.account, "instrument": report.order.instrument}
        try:
            await self.journal.append_async(record)
        except OSError as failure:
            log.error("Could not journal the fill: %s", failure)

