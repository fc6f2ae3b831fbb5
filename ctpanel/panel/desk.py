"""The panel's order desk, Qt-free: one press, of any action, from the ticket's decision to the
outcome in plain words.

ticket -> confirmation -> the core desk (guards, the intent written ahead, sent once, read back,
journaled) -> the outcome in words and a sound -> the position read after it (the ticket
re-arms on that) -> a reverse's fill followed. Never a re-send. The same steps serve Reverse,
Close, Flatten, Cancel, Flatten everything and a group's fan-out of any of them; what differs
is only which desk call sends the request and what is read back beside it.

The ticket must know when CrossTrade answered (reads started before then may predate the
order) and when the outcome is settled; the desk's own read after the answer is handed to the
ticket like any other figure; if there is none, or the request failed, the position is read
again now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ctpanel.core.desk.entries import UncertainEntry
from ctpanel.core.desk.exits import UncertainExit
from ctpanel.core.desk.fills import FillReport
from ctpanel.core.desk.groups import GroupReport
from ctpanel.core.desk.protect import (
    ChangeReport,
    Protection,
    ProtectReport,
    UncertainBracket,
    UncertainChange,
    breakeven_members,
    protect_members,
    protection_of,
)
from ctpanel.core.desk.reverse import ReverseReport, UncertainOutcome
from ctpanel.core.domain.exits import (
    EverythingListing,
    ExitOrder,
    ExitReport,
    ExitResult,
    confirm_everything,
)
from ctpanel.core.domain.groups import GroupPlan
from ctpanel.core.domain.models import OrderType, Quote, ReverseOrder, Transport
from ctpanel.core.domain.protection import (
    NO_BRACKET,
    Bracket,
    ChangeOrder,
    EntryOrder,
    ProtectOrder,
)
from ctpanel.core.domain.states import Intent, Outcome, StreamState
from ctpanel.core.errors import CtError
from ctpanel.core.risk.guard import Basis
from ctpanel.panel.events import Event
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.plans import EverythingRequest
from ctpanel.panel.ports import Confirmer
from ctpanel.panel.protect_plans import MembersReport, MembersRequest
from ctpanel.panel.session import Session, Spawn
from ctpanel.panel.sounds import SoundEvent, Sounds
from ctpanel.panel.ticket import Phase, Plan, Press, ReadToken, Ticket
from ctpanel.panel.ticks import TicketTicks
from ctpanel.panel.watcher import PositionWatcher

if TYPE_CHECKING:
    import asyncio  # loaded after the window is shown: imported where it is used

# A resting limit or stop entry with a bracket is followed to its fill this long (then the
# trader's Protect now, once it fills).
RESTING_FOR_S = 8 * 3600.0
WAIT_BEFORE_LOOKING_S = 3.0  # no answer yet: read the position and show it (never re-send)


class OrderDesk:
    """Carries every press of the ticket to its outcome (see the module's docstring).

    Events: ``changed`` (the ticket's phase moved), ``sent`` (the request is going),
    ``accepted`` (CrossTrade's answer, the moment it lands), ``confirmed`` (a
    :class:`ReverseReport`: the reverse went through), ``member`` (a group member's row as it
    lands), ``peeked`` (a position read while waiting, never armed on), ``finished`` (the
    outcome: a report, or the :class:`CtError` it ended with).
    """

    def __init__(self, session: Session, ticket: Ticket, watcher: PositionWatcher,
                 notices: Notices, sounds: Sounds, confirmer: Confirmer, *, spawn: Spawn,
                 failed: Callable[[str, CtError], None], accounts: Callable[[], list[str]],
                 wait_before_looking: float = WAIT_BEFORE_LOOKING_S) -> None:
        self.session = session
        self.ticket = ticket
        self.watcher = watcher
        self.notices = notices
        self.sounds = sounds
        self.confirmer = confirmer
        self.spawn = spawn
        self.failed = failed
        self.accounts = accounts
        self.wait_before_looking = wait_before_looking
        self.in_flight: asyncio.Task | None = None
        self.changed = Event("changed")
        self.sent = Event("sent")
        self.accepted = Event("accepted")
        self.confirmed = Event("confirmed")
        self.member = Event("member")
        self.peeked = Event("peeked")
        self.finished = Event("finished")
        self.protection = Event("protection")
        self.ticks = TicketTicks()  # the ticket's (the panel's), for a bracket after a fill

    # --- the press --------------------------------------------------------------------------

    def press(self, plan: Plan, *, confirm: bool, plan_now: Callable[[], Plan],
              transport: Transport = Transport.REST) -> bool:
        """A click or a key: the ticket decides here, synchronously, whether it sends (a double
        click, a held key or a press too soon after an order does not). True when a request
        (or its confirmation) is under way; the caller shows the ticket either way."""
        press = self.ticket.press(plan, confirm=confirm)
        if press.order is None:
            if press.say_it:
                self.notices.say(Level.WARNING, press.ignored)
            return False
        name = "group" if isinstance(press.order, GroupPlan) else str(plan.action)
        self.in_flight = self.spawn(self._carry(press, plan, plan_now, transport), name)
        return True

    async def _carry(self, press: Press, plan: Plan, plan_now: Callable[[], Plan],
                     transport: Transport) -> None:
        request: Any = press.order
        if isinstance(request, EverythingRequest):
            request = await self._confirm_everything(plan_now)
        elif self.ticket.phase is Phase.CONFIRMING:
            confirmed = await self._confirm(f"Confirm {plan.noun.lower()}",
                                            self._question(press, plan), plan_now)
            request = confirmed.order if confirmed is not None else None
            press, plan = confirmed or press, plan_now()  # what the trader said yes to
        if request is None:
            return
        self._going(request)
        outcome = await self._send(request, press, plan, transport)
        self._say(plan, outcome)
        self.changed.emit()
        self.finished.emit(outcome)

    # --- the one confirmation ---------------------------------------------------------------

    async def _confirm(self, title: str, question: str,
                       plan_now: Callable[[], Plan]) -> Press | None:
        """Ask; the ticket checks its rules again on the answer (the dialog may have been open
        while the position changed or went stale). None: nothing is sent, and why is said."""
        yes = await self.confirmer.ask(title, question)
        press = self.ticket.confirmed(plan_now(), yes)
        self.changed.emit()
        if press.order is None:
            self.notices.say(Level.INFO if not yes else Level.WARNING, press.ignored)
            return None
        return press

    def _question(self, press: Press, plan: Plan) -> str:
        mode = self.session.backend.mode.value.upper()
        request = press.order
        far = f"\n\nFar from the market: {press.far}" if press.far else ""
        if isinstance(request, GroupPlan):
            return (f"{mode}: {plan.noun} on {request.group.name}\n\n{press.preview}{far}"
                    "\n\nSend to every member?")
        return (f"{mode} account {request.account}\n\n{request.describe()}\n{press.preview}"
                f"{far}\n\nSend this order?")

    async def _confirm_everything(self, plan_now: Callable[[], Plan]) -> Any:
        """List what would be closed, ask (always); the confirmation is the pass the client
        demands for the empty body."""
        try:
            listing = await self.session.backend.desk.list_everything(self.accounts())
        except CtError as error:
            self.ticket.confirmed(plan_now(), False)
            self.changed.emit()
            self.failed("Flatten everything not sent: the positions could not be listed",
                        error)
            return None
        press = await self._confirm("Flatten EVERY account",
                                    self._everything_question(listing), plan_now)
        return confirm_everything(listing, True) if press is not None else None

    def _everything_question(self, listing: EverythingListing) -> str:
        mode = self.session.backend.mode.value.upper()
        return (f"{mode}: this closes every position and cancels every working order in "
                f"EVERY account:\n\n{listing.text()}\n\nFlatten everything?")

    def _going(self, request: Any) -> None:
        import asyncio

        # After this task first yields, i.e. once the request is on its way: a player's start
        # (a child process off Windows) never delays the order.
        asyncio.get_running_loop().call_soon(self.sounds.event, SoundEvent.SENT)
        self.sent.emit(request)

    # --- one request ------------------------------------------------------------------------

    async def _send(self, request: Any, press: Press, plan: Plan, transport: Transport) -> Any:
        if isinstance(request, GroupPlan):
            return await self._send_group(plan, request, self._bracket_of(plan))
        if isinstance(request, MembersRequest):
            return await self._send_members(request, press)
        if isinstance(request, ReverseOrder | ExitOrder | EntryOrder | ProtectOrder
                      | ChangeOrder):
            form = getattr(plan, "form", None)  # an order's: the form it was built from
            return await self.send(request, press, transport=transport,
                                   mirrored=bool(form and form.mirror
                                                 and isinstance(request, ReverseOrder)),
                                   at_click=form.quote if form else getattr(plan, "quote",
                                                                            None),
                                   bracket=self._bracket_of(plan))
        return await self._send_everything(request)

    def _bracket_of(self, plan: Plan) -> Bracket:
        """The ticks a bracket takes after the fill: an entry's, or the ticket's for a reverse
        (an ATM template, when chosen, replaces them)."""
        form = getattr(plan, "form", None)
        if form is not None and form.strategy.strip():
            return NO_BRACKET
        bracket = getattr(plan, "bracket", None)
        return bracket if bracket is not None else self.ticks.bracket

    async def send(self, request: Any, press: Press, *,
                   transport: Transport = Transport.REST, mirrored: bool = False,
                   at_click: Quote | None = None, bracket: Bracket = NO_BRACKET) -> Any:
        """A reverse, an entry, an exit, a bracket or a change, once (the ticket already let
        it go); the report, or the error it ended with (an uncertain outcome's error when
        unknown). ``mirrored``: the reverse's side and size follow the position; ``at_click``:
        the market as it left (the fill's slippage is measured against it, the bracket priced
        on its grid); ``bracket``: the ticks of the one bracket after an order's fill."""
        desk = self.session.backend.desk
        reverse = isinstance(request, ReverseOrder | EntryOrder)  # an order that may fill
        reread: ReadToken | None = None
        account_after: asyncio.Task | None = None

        def accepted(result: Any) -> None:
            nonlocal reread, account_after
            self.ticket.answered()
            reread = self.ticket.begin_read()  # the desk reads right after this...
            if reverse:  # ...and the account's positions and working orders beside it
                account_after = self.spawn(self.watcher.read_account(request.account),
                                           "account")
            self._say_accepted(request, result)

        position = press.before.position if hasattr(press.before, "position") else press.before
        basis = Basis(position=position, age_s=press.age_s, mirrored=mirrored and reverse)
        looking = self.spawn(self._look_while_waiting(request), "look-while-waiting") \
            if reverse else None
        try:
            if isinstance(request, EntryOrder):
                outcome = await desk.enter(request, before=press.before, basis=basis,
                                           on_accepted=accepted)
            elif reverse:
                outcome = await desk.reverse(request, transport=transport, before=press.before,
                                             basis=basis, on_accepted=accepted)
            elif isinstance(request, ProtectOrder):
                outcome = await desk.protect(request, before=position, age_s=press.age_s,
                                             on_accepted=accepted)
            elif isinstance(request, ChangeOrder):
                outcome = await desk.change(request, before=position, on_accepted=accepted)
            else:
                scope = self.ticket.scope
                outcome = await desk.exit(request, before=press.before, basis=basis,
                                          on_accepted=accepted,
                                          watch=scope.instrument if scope else None)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.finished()
            if looking is not None:
                looking.cancel()
        if isinstance(request, ProtectOrder):
            self._protected(protection_of(outcome), request)
        await self._settle(outcome, reread, account_after)
        if isinstance(outcome, ReverseReport):
            self.confirmed.emit(outcome)
            self.session.spawn(self._follow_fill(outcome, at_click, bracket), "follow-fill")
        return outcome

    async def _settle(self, outcome: Any, reread: ReadToken | None,
                      account_after: asyncio.Task | None) -> None:
        """Hand the desk's read after the answer to the ticket; else read again now."""
        if isinstance(outcome, ReverseReport):
            holdings, working = await account_after if account_after is not None else (None,
                                                                                        None)
            position = outcome.after
        elif isinstance(outcome, ExitReport) and outcome.after is not None:
            position, holdings, working = (outcome.after.position, outcome.after.holdings,
                                           outcome.after.working)
        else:
            position = holdings = working = None
        kept = (position is not None and reread is not None
                and self.watcher.accept(reread, position, holdings, working))
        if not kept:
            await self.watcher.read()  # after the outcome: the ticket re-arms on this

    async def _send_group(self, plan: Plan, group_plan: GroupPlan,
                          bracket: Bracket) -> GroupReport | CtError:
        self.notices.say(Level.INFO, f"{plan.noun} on {group_plan.group.name}: "
                                     f"{len(group_plan.requests)} requests at once.")
        try:
            outcome = await self.session.backend.desk.group(
                group_plan, transport=self._group_transport(), on_member=self.member.emit)
        except CtError as error:
            outcome = error
        finally:
            self.ticket.answered()  # every member answered (or timed out): read after this
            self.ticket.finished()
        await self.watcher.read()
        if isinstance(outcome, GroupReport) and bracket.is_set \
                and group_plan.action in (Intent.REVERSE, Intent.ENTER):
            self.session.spawn(self._protect_members(outcome, bracket,
                                                     getattr(plan, "quote", None)),
                               "group-brackets")
        return outcome

    async def _protect_members(self, report: GroupReport, bracket: Bracket,
                               at_click: Quote | None) -> None:
        """Each filled member's own bracket after its own fill, said member by member."""
        done = await self.session.backend.desk.protect_group(report, bracket, at_click)
        for account, (fill, protection) in done.items():
            words = protection.words if protection else f"no bracket: {fill.line}"
            self.notices.say(Level.SUCCESS if protection and protection.protected
                             else Level.WARNING, f"{account}: {words}")
            if protection is not None:
                self.protection.emit(account, report.plan.instrument, protection)

    async def _send_members(self, request: MembersRequest, press: Press) -> MembersReport:
        """A group's Protect now or Breakeven: each holding member's one request, all at once,
        each said member by member; never re-sent."""
        desk = self.session.backend.desk
        self.notices.say(Level.INFO, f"{request.action.capitalize()} on {request.group.name}: "
                                     f"{len(request.positions)} requests at once.")
        try:
            if request.action == "protect":
                done: dict[str, Any] = await protect_members(
                    desk, request.positions, request.bracket, request.quote, age_s=press.age_s)
            else:
                done = await breakeven_members(desk, request.positions, request.plus_ticks,
                                               request.quote)
        finally:
            self.ticket.answered()
            self.ticket.finished()
        for account, outcome in done.items():
            if isinstance(outcome, Protection):
                self.protection.emit(account, request.instrument, outcome)
                ok, words = outcome.protected, outcome.words
            else:
                ok = isinstance(outcome, ChangeReport)
                words = outcome.words() if ok else f"Breakeven not moved: {outcome}"
            self.notices.say(Level.SUCCESS if ok else Level.WARNING, f"{account}: {words}")
        await self.watcher.read()
        return MembersReport(request, done)

    def _group_transport(self) -> Transport:
        """The WebSocket's id-correlated RPCs put every member in flight on one warm socket;
        REST when it is down."""
        stream = self.session.backend.stream
        return Transport.WS if stream.state is StreamState.CONNECTED else Transport.REST

    async def _send_everything(self, confirmed: Any) -> ExitResult | CtError:
        try:
            outcome = await self.session.backend.desk.flatten_everything(confirmed)
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
        return outcome

    # --- what the trader hears and reads ----------------------------------------------------

    def _say_accepted(self, request: Any, result: Any) -> None:
        """The order id, shown the moment CrossTrade answers (the read back follows)."""
        if isinstance(request, ReverseOrder | EntryOrder):
            self.notices.say(Level.SUCCESS, f"Order {result.order_id}: {request.describe()} on "
                                            f"{request.account} ({result.round_trip_ms:.0f} ms)",
                             order_id=result.order_id)
        else:
            ids = getattr(result, "order_ids", None) or [getattr(result, "order_id", None)]
            self.notices.say(Level.SUCCESS, f"{request.describe()}: done "
                                            f"({result.round_trip_ms:.0f} ms)",
                             order_id=ids[0])
        self.accepted.emit(result)
        if result.warning and isinstance(request, ReverseOrder | EntryOrder):
            self.notices.say(Level.WARNING, f"CrossTrade warning: {result.warning}")

    def _say(self, plan: Plan, outcome: Any) -> None:
        """The outcome in words and a sound, for every intent."""
        noun = "The group action" if isinstance(outcome, GroupReport) or \
            getattr(plan, "group", None) is not None else plan.noun
        if isinstance(outcome, ReverseReport):
            order = outcome.order
            self.notices.say(Level.INFO, f"Position {order.instrument} on {order.account}: "
                                         f"{outcome.position_words()}")
        elif isinstance(outcome, ExitReport | ExitResult):
            self.sounds.event(SoundEvent.FILLED)
            result = outcome.result if isinstance(outcome, ExitReport) else outcome
            if isinstance(outcome, ExitReport):
                self.notices.say(Level.INFO, outcome.words())
            if result.warning:
                self.notices.say(Level.WARNING, f"CrossTrade: {result.warning}")
        elif isinstance(outcome, ProtectReport | ChangeReport):
            self.notices.say(Level.SUCCESS if getattr(outcome, "protected", True)
                             else Level.ERROR, outcome.words())
        elif isinstance(outcome, MembersReport):
            self.sounds.event(SoundEvent.FILLED if outcome.all_ok else SoundEvent.REJECTED)
            self.notices.say(Level.SUCCESS if outcome.all_ok else Level.WARNING,
                             outcome.summary())
        elif isinstance(outcome, GroupReport):
            unknown = any(o.status is Outcome.UNKNOWN for o in outcome.outcomes)
            self.sounds.event(SoundEvent.FILLED if outcome.all_ok else SoundEvent.UNKNOWN
                              if unknown else SoundEvent.REJECTED)
            self.notices.say(Level.SUCCESS if outcome.all_ok else Level.WARNING,
                             outcome.summary())
        elif isinstance(outcome, UncertainOutcome | UncertainExit | UncertainEntry
                        | UncertainBracket | UncertainChange):
            self.sounds.event(SoundEvent.UNKNOWN)
            words = str(outcome) if isinstance(outcome, UncertainOutcome) else \
                f"{plan.noun}: {outcome}"
            self.notices.say(Level.WARNING, words)
        else:
            self.sounds.event(SoundEvent.REJECTED)
            self.failed(f"{noun} failed", outcome)

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

    async def _follow_fill(self, report: ReverseReport, at_click: Quote | None,
                           bracket: Bracket) -> None:
        """The new order's fill (or why it has none), after the id is shown; journaled by the
        desk with the order's client id. With ``bracket`` set, the one bracket follows the
        fill; the position is UNPROTECTED from the fill until its legs are read back."""
        order = report.order
        resting = None if order.order_type is OrderType.MARKET else RESTING_FOR_S

        def filled() -> None:
            self._protected(Protection(False, "UNPROTECTED: filled, placing the bracket…"),
                            order)

        fill, protection = await self.session.backend.desk.fill_then_protect(
            order, report.result.order_id, bracket, at_click, trade=report.trade,
            resting_for_s=resting if bracket.is_set else None, on_filled=filled)
        self._say_fill(fill)
        if protection is not None:
            self._protected(protection, order)
            self.notices.say(Level.SUCCESS if protection.protected else Level.ERROR,
                             f"{order.account} {order.instrument}: {protection.words}")
            if self.ticket.phase is Phase.IDLE:
                await self.watcher.read()  # the legs in the working orders, now

    def _protected(self, protection: Protection | None, order: Any = None) -> None:
        """Where the position's protection stands, for the position line."""
        if protection is None:
            return
        order = order or (protection.report.order if protection.report else None)
        if order is not None:
            self.protection.emit(order.account, order.instrument, protection)

    def _say_fill(self, fill: FillReport) -> None:
        rejected = fill.state.lower() == "rejected"
        level = Level.SUCCESS if fill.state == "Filled" else (
            Level.ERROR if rejected else Level.INFO)
        if fill.state == "Filled" or rejected:
            self.sounds.event(SoundEvent.FILLED if not rejected else SoundEvent.REJECTED)
        self.notices.say(level, f"Order {fill.order_id}: {fill.line}", order_id=fill.order_id)
