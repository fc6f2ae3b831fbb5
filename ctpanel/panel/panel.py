"""The panel, Qt-free: the one assembly of its parts and the one source of its events.

:class:`Panel` owns the :class:`~ctpanel.panel.ticket.Ticket` (the rules), the connection
(backends, lights, going live), the positions (accounts, the selection, reads and polls), the
orders (one press to its fill), the market, the global hotkey's switch, the sounds and the
notices; it routes what one part says to the others and supervises their tasks. A view (the Qt
window, a test) calls its inputs and connects to :attr:`Panel.events`; it holds no state of its
own and writes no rule. Nothing here blocks, and nothing is queued between a press and its
request: events are synchronous.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ctpanel.backend import Backend, Mode
from ctpanel.core.desk.groups import GroupReport
from ctpanel.core.desk.protect import Protection
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import Group
from ctpanel.core.domain.models import Position
from ctpanel.core.domain.pricing import format_price, prefilled_prices
from ctpanel.core.domain.protection import Bracket
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import CtError
from ctpanel.core.store.credentials import TokenStore
from ctpanel.core.store.group_file import GroupFile
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.urls import DEFAULT_BASE_URL
from ctpanel.panel.connection import BackendFactory, Connection
from ctpanel.panel.desk import OrderDesk
from ctpanel.panel.hotkey_switch import HotkeySwitch
from ctpanel.panel.market import MarketState, MarketWatch
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.options import Options, PreferenceStore, remember
from ctpanel.panel.plans import ExitChoices, GroupTicketPlan, make_plan
from ctpanel.panel.ports import Confirmer, HotkeyRegistrar
from ctpanel.panel.positions import Positions
from ctpanel.panel.protect_plans import (
    ENTRY_ACTIONS,
    NUDGES,
    PROTECTION_ACTIONS,
    protection_plan,
)
from ctpanel.panel.risk import RiskWatch
from ctpanel.panel.risk_form import RiskFields
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import Player, Sounds
from ctpanel.panel.sync_plan import SyncFixPlan
from ctpanel.panel.ticket import STANDARD_GUARDS, Freshness, Phase, Plan, Ticket
from ctpanel.panel.ticks import TicketTicks
from ctpanel.panel.views import ModeView, PanelEvents, TicketState, ticket_state

if TYPE_CHECKING:
    import asyncio

log = logging.getLogger(__name__)

JOURNAL_LINES_SHOWN = 50
CHECKING_JOURNAL = "Checking the last session's journal for unanswered orders…"
READ_TIMEOUT_MARGIN = 15.0  # on top of the order timeout: the re-read after an unknown outcome
EXIT_ACTIONS = (Intent.CLOSE, Intent.FLATTEN, Intent.CANCEL)
EXIT_BUTTONS = tuple(action.value for action in EXIT_ACTIONS)
# The order desk's actions beside them: BUY, SELL, Protect now, Breakeven.
ORDER_DESK_ACTIONS = (*ENTRY_ACTIONS, *PROTECTION_ACTIONS)
BRACKETED = (Intent.REVERSE, "buy", "sell", "protect")  # the presses that take the ticks


class Panel:
    """The panel, Qt-free: it composes the parts, routes what one says to the others, supervises
    their tasks, and is the one source of events (see the module and :class:`PanelEvents`)."""

    def __init__(self, *, preferences: PreferenceStore, journal: Journal,
                 backend_factory: BackendFactory, token_store: TokenStore,
                 confirmer: Confirmer, backend: Backend | None = None,
                 live_base_url: str = DEFAULT_BASE_URL,
                 sound_player: Player | None = None,
                 sound_path: Callable[[str], str] = str,
                 hotkey_registrar: Callable[[], HotkeyRegistrar] | None = None,
                 side_registrar: Callable[[str], HotkeyRegistrar] | None = None,
                 groups: GroupFile | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.preferences = preferences
        self.journal = journal
        self._started = False  # start() ran: the panel's own tasks may be spawned
        self.token_store = token_store
        self.clock = clock
        self.events = PanelEvents()
        self.notices = Notices()
        self.options = Options.read(preferences)
        self.session = Session(backend)
        self.ticket = Ticket(clock, rearm_delay=self.options.rearm_delay)
        self.form = FormState(mirror=self.options.mirror)
        self.exit_choices = ExitChoices()
        self.ticks = TicketTicks(Bracket(self.options.stop_ticks, self.options.target_ticks))
        self._tasks: set[asyncio.Task] = set()
        self._hotkey_registrar = hotkey_registrar
        self._side_registrar = side_registrar  # by name: the global Close, BUY, SELL chords'
        self._remirror = False  # after an order, hand-set action and quantity follow again
        self._market_usable = False  # a fresh quote was shown last time
        self._market_task: asyncio.Task | None = None
        self.ticket_state = TicketState(self.ticket.busy() or self.ticket.arming(self.form),
                                        "", "")
        self.sounds = Sounds(lambda event: event in self.options.sounds, sound_path,
                             sound_player)
        self.connection = Connection(self.session, self.notices, backend_factory=backend_factory,
                                     token_store=token_store, confirmer=confirmer,
                                     live_base_url=live_base_url, spawn=self._spawn,
                                     clock=clock)
        self.positions = Positions(self.session, self.ticket, self.notices, preferences,
                                   spawn=self.session.spawn, failed=self.connection.failed,
                                   groups=groups or GroupFile(None))
        self.orders = OrderDesk(self.session, self.ticket, self.positions.watcher,
                                self.notices, self.sounds, confirmer, spawn=self._spawn,
                                failed=self.connection.failed,
                                accounts=lambda: [a.name for a in self.positions.accounts])
        self.orders.ticks = self.ticks
        self.confirmer = confirmer
        self.market = MarketWatch(self.session, on_change=self._on_market_changed, clock=clock,
                                  band=self.options.quote_band)
        self.risk = RiskWatch(self.session, spawn=self.session.spawn,
                              folder=self.positions.group_file.folder, clock=clock)
        self.left_out: frozenset[str] = frozenset()  # group members the trader leaves out
        self.hotkey = HotkeySwitch(self.notices, clock)
        self.hotkey.apply(self.options.global_chord, self.options.side_chords())
        self._route()
        if backend is not None:
            self.connection.attach(backend)
        else:
            self.refresh_ticket()

    def _route(self) -> None:
        """What each part says, to the parts and views it concerns."""
        events, connection, positions, orders = (self.events, self.connection, self.positions,
                                                 self.orders)
        connection.attached.connect(self._on_backend_attached)
        connection.status.connect(events.status.emit)
        connection.stream_message.connect(self.market.on_event)
        connection.token_needed.connect(events.token_needed.emit)
        positions.accounts_loaded.connect(self._on_accounts_loaded)
        positions.instruments.connect(events.instruments.emit)
        positions.strategies.connect(events.strategies.emit)
        positions.account_changed.connect(self._on_account_changed)
        positions.scope_changed.connect(self._on_scope_changed)
        positions.shown.connect(self._on_position_shown)
        positions.read_failed.connect(self._on_read_failed)
        positions.first_answer.connect(self._on_first_answer)
        orders.changed.connect(self.refresh_ticket)
        orders.sent.connect(self._on_order_sent)
        orders.accepted.connect(events.order_accepted.emit)
        orders.confirmed.connect(self._on_order_confirmed)
        orders.member.connect(events.group_member.emit)
        orders.finished.connect(events.order_finished.emit)
        orders.finished.connect(self._on_order_finished)
        orders.peeked.connect(self._on_position_peeked)
        orders.protection.connect(self._on_protection)
        self.hotkey.changed.connect(self._on_hotkey_changed)
        self.risk.changed.connect(self._on_risk_changed)

    # --- what views read when they bind ---------------------------------------------------

    @property
    def backend(self) -> Backend | None:
        return self.session.backend

    @property
    def account(self) -> str:
        return self.positions.account

    @property
    def instrument(self) -> str:
        return self.positions.instrument

    def position(self) -> Position | None:
        """The position shown: read for the selected scope (None when unknown)."""
        return self.positions.position()

    def mode_view(self) -> ModeView:
        backend = self.backend
        return ModeView.of(backend.mode.value if backend else None, self.account,
                           self.hotkey.armed, self.hotkey.chord.text())

    def market_state(self) -> MarketState:
        return self.market.state(self.position())

    def plan(self, action: Intent | str, order_id: str | None = None) -> Plan:
        """What ``action`` would send on the selection, as the ticket judges it."""
        group = self.positions.group()
        if action in ORDER_DESK_ACTIONS or action in NUDGES:
            return self._leaving_out(protection_plan(
                action, self.form_state(), self.bracket, self.plus_ticks, group=group,
                guards=self._guards(), budget_left=self._budget_left() if group else None,
                order_id=order_id))
        return self._leaving_out(make_plan(
            action, self.form_state(), group=group, choices=self.exit_choices,
            budget_left=self._budget_left() if group is not None else None,
            order_id=order_id, guards=self._guards()))

    def _leaving_out(self, plan: Plan) -> Plan:
        """A group's plan without the members the trader chose to leave out."""
        if self.left_out and isinstance(plan, GroupTicketPlan):
            return replace(plan, left_out=self.left_out)
        return plan

    def _budget_left(self) -> float | None:
        return self.backend.client.budget.level if self.backend is not None else None

    def _guards(self) -> tuple:
        """The desk's guards: the ticket judges with the rules the desk will apply."""
        return self.backend.desk.guards if self.backend is not None else STANDARD_GUARDS

    def instrument_choices(self) -> tuple[list[str], list[str], str]:
        return self.positions.open_instruments, self.positions.recent(), self.instrument

    # --- the trader's inputs --------------------------------------------------------------

    def select(self, account: str, instrument: str) -> None:
        """The trader picked an account or an instrument."""
        self.positions.select(account, instrument)

    def form_changed(self, form: FormState) -> None:
        """The order fields as the trader set them (account and instrument are the panel's)."""
        if form.mirror != self.options.mirror:
            self.preferences.set("mirror", form.mirror)
            self.options = replace(self.options, mirror=form.mirror)
        self.form = form
        if self.ticket.busy() is None:
            self.refresh_ticket()

    def press(self, action: Intent | str = Intent.REVERSE, order_id: str | None = None) -> None:
        """REVERSE, CLOSE, FLATTEN or CANCEL (``order_id``: that one order, else all in the
        instrument): a click, the panel's hotkey or an armed global one. The ticket decides
        here, synchronously, whether this press sends."""
        if self.backend is None:
            return
        action = action if action in ORDER_DESK_ACTIONS or action in NUDGES \
            else Intent(action)
        if self.ticks.problem and action in BRACKETED:
            self.notices.say(Level.WARNING, f"Not sent: {self.ticks.problem}")
            return
        confirm = self.options.needs_confirmation(live=self.positions.live_account())
        started = self.orders.press(self.plan(action, order_id), confirm=confirm,
                                    plan_now=lambda: self.plan(action, order_id),
                                    transport=self.options.transport)
        if started:
            self.positions.cancel_read()  # its answer could predate the order
        self.refresh_ticket()

    def bracket_changed(self, stop: str, target: str, plus: str = "") -> str:
        """The stop, target and breakeven ticks as typed; the words of a refusal ("" when
        taken). While one stands, no order that takes them is sent."""
        problem = self.ticks.typed(stop, target, plus)
        if self.ticket.busy() is None:
            self.refresh_ticket()
        return problem

    @property
    def bracket(self) -> Bracket:
        return self.ticks.bracket

    @property
    def plus_ticks(self) -> int:
        return self.ticks.plus_ticks

    def protection_view(self) -> Protection | None:
        """Where the selected position's protection stands (None: nothing to say)."""
        return self.ticks.protection(self.account, self.instrument)

    def nudge(self, order_id: str, ticks: int) -> None:
        """A working leg's ±1 tick button: one Change per click."""
        self.press("raise" if ticks > 0 else "lower", order_id)

    def cancel_order(self, order_id: str) -> None:
        """The cancel action of one working order in the list."""
        self.press(Intent.CANCEL, order_id)

    def flatten_everything(self) -> None:
        """Every account: only ever after a confirmation that lists what it closes."""
        self.press(Intent.EVERYTHING)

    def exits_changed(self, choices: ExitChoices) -> None:
        """How much a Close takes, what a Flatten covers."""
        self.exit_choices = choices
        if self.ticket.busy() is None:
            self.refresh_ticket()

    def groups_changed(self, groups: list[Group]) -> None:
        """The trader's groups, edited: kept in the data folder and offered at once."""
        self.positions.save_groups(groups)

    def saved_groups(self) -> list[Group]:
        return self.positions.group_file.load()

    def read_only_groups(self) -> list[Group]:
        """Groups the picker offers that are not the trader's to edit (the simulator's demo
        group)."""
        saved = {group.name.lower() for group in self.saved_groups()}
        return [group for group in self.positions.groups if group.name.lower() not in saved]

    def _side_chords(self) -> dict[str, tuple[HotkeyRegistrar, Callable[[], None]]]:
        """The global chords beside Reverse's: each one's registration and what it presses."""
        if self._side_registrar is None:
            return {}
        presses = {"close": Intent.CLOSE, "buy": "buy", "sell": "sell"}
        return {name: (self._side_registrar(name),
                       lambda action=action: self.global_press(action))
                for name, action in presses.items()}

    def global_press(self, action: Intent | str = Intent.REVERSE) -> None:
        """A press of a system-wide combination, whatever program has focus."""
        if self.hotkey.press():
            self.press(action)

    def set_armed(self, on: bool) -> None:
        self.hotkey.set_armed(on, ready=self.backend is not None)

    def type_picked(self) -> None:
        """A newly picked limit or stop type: prices from the market, when it is known."""
        form = self.form_state().effective()
        limit, stop = prefilled_prices(form.action, form.order_type, self.market.view().usable,
                                       stop_offset_ticks=self.options.stop_offset_ticks)
        self.events.prefill.emit(limit, stop)

    def price_snapped(self, field: str, typed: float, snapped: float, tick: float) -> None:
        self.notices.say(Level.INFO, f"{field} price {format_price(typed)} moved to "
                                     f"{format_price(snapped)}, on the {tick:g} tick grid.")

    def apply(self, options: Options | None = None) -> None:
        """New preferences (read from the store unless given)."""
        self.options = options or Options.read(self.preferences)
        self.ticket.rearm_delay = self.options.rearm_delay
        self.market.set_band(self.options.quote_band)
        self.hotkey.apply(self.options.global_chord, self.options.side_chords())
        self.events.options.emit(self.options)
        self.refresh_ticket()

    def refresh_accounts(self) -> None:
        self.positions.refresh_accounts()

    def reconnect_stream(self) -> None:
        self.connection.reconnect_stream()

    def go_live(self) -> None:
        self._spawn(self._go_live(), "go-live")

    def go_demo(self) -> None:
        self._spawn(self.switch_backend(Mode.DEMO, None), "go-demo")

    def token_changed(self, token: Secret | None, session_token: Secret | None) -> None:
        if self.connection.token_changed(token, session_token):
            self._spawn(self.switch_backend(Mode.DEMO, None), "go-demo")

    def say_problem(self, message: str) -> None:
        self.notices.say(Level.ERROR, message)

    # --- the clocks (driven by the view's timers) -----------------------------------------

    def clock_tick(self) -> None:
        """Once a second: ages, staleness, the budget, the hotkey's grace."""
        if self.positions.group() is not None and self.ticket.busy() is None:
            self.refresh_ticket()  # a group waits for the budget to fit all its requests
        arming = self.ticket_state.arming
        self.hotkey.observe(arming.armed, arming.reason)
        self.events.clock.emit(self.ticket.freshness_of_reading() is Freshness.STALE)
        if self.positions.group() is None:
            self.events.risk.emit(self.risk.account_risk(self.account))  # its age moves on
        self._show_market()  # the quote's age, and stale once it is
        self.connection.show_budget()

    def poll_tick(self) -> None:
        self.positions.poll()
        self.risk.tick()

    def market_tick(self) -> None:
        if self.backend is not None and (self._market_task is None or self._market_task.done()):
            self._market_task = self.session.spawn(self.market.tick(), "market")

    # --- life -----------------------------------------------------------------------------

    def attach(self, backend: Backend) -> None:
        """Give the panel its backend and begin work."""
        self.connection.attach(backend)
        self.start()

    def start(self) -> None:
        """The account list and the remembered position side by side (then the orders
        connection and the WebSocket), the journal's last lines, the global hotkey; and,
        before anything arms, the last session's unanswered orders read back."""
        self._started = True
        self._spawn(self._show_journal_history(), "journal-history")
        if self.ticket.held:
            self._spawn(self._reconcile(), "reconcile")
        self.positions.refresh_accounts(warm_up=True)
        self.positions.read_remembered()
        self._watch_risk()
        if self._hotkey_registrar is not None:
            self.hotkey.use(self._hotkey_registrar(), self.global_press, self._side_chords())
        self.events.running.emit(True)

    async def shutdown(self) -> None:
        """Stop ticks and tasks, close the backend. An order in flight is not cut off: its
        answer (or its timeout) is awaited first, so it is reported and journaled."""
        import asyncio

        self.events.running.emit(False)
        self.hotkey.close()
        await self._wait_in_flight()
        tasks = [task for task in self._tasks
                 if not task.done() and task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.session.close()

    async def _wait_in_flight(self) -> None:
        """Closing with a request in flight (an order, an exit, a group's): its answer (or its
        timeout, and the re-read after an unknown outcome) is awaited, so it is reported and
        journaled even when the panel closes right after the click."""
        import asyncio

        flying = self.orders.in_flight
        if flying is not None and not flying.done() and self.backend is not None:
            await asyncio.wait({flying},
                               timeout=self.backend.client.timeout + READ_TIMEOUT_MARGIN)

    def _spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task:
        """A task of the panel's own (backend-scoped ones are the session's)."""
        import asyncio

        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def switch_backend(self, mode: Mode, token: Secret | None) -> None:
        if self.ticket.phase is not Phase.IDLE:
            self.notices.say(Level.WARNING, "An order is in flight; switch once its answer is "
                                            "back.")
            return
        if await self.connection.switch(mode, token):
            self.positions.refresh_accounts(warm_up=True)

    async def _go_live(self) -> None:
        token = await self.connection.live_token()
        if token is not None and await self.connection.confirm_going_live():
            await self.switch_backend(Mode.LIVE, token)

    async def _show_journal_history(self) -> None:
        records = await self.journal.read_last_async(JOURNAL_LINES_SHOWN)
        if self.backend is not None:
            self.notices.show_history(records, self.backend.mode.value)

    # --- routing --------------------------------------------------------------------------

    def form_state(self) -> FormState:
        """The form as the trader set it, for the selection, with the market when a fresh
        quote is known."""
        return replace(self.form, account=self.account, instrument=self.instrument,
                       quote=self.market.view().usable, max_quantity=self.options.max_quantity,
                       confirm_distance_ticks=self.options.confirm_distance_ticks)

    def refresh_ticket(self) -> None:
        """What the ticket says now: armed or not, why, the button's label, the preview, and
        the same for each exit."""
        busy = self.ticket.busy()
        if busy is not None:  # on the click path: the buttons and their reason only
            self._show_ticket(TicketState(busy, None, None, dict.fromkeys(
                (*EXIT_BUTTONS, *ORDER_DESK_ACTIONS), busy)))
            return
        form, group = self.form_state(), self.positions.group()
        budget, guards = self._budget_left(), self._guards()
        self._ticket_to_risk(form)
        plans = {action.value: self._leaving_out(make_plan(
                     action, form, group=group, choices=self.exit_choices,
                     budget_left=budget, guards=guards))
                 for action in (Intent.REVERSE, *EXIT_ACTIONS)}  # the form read once
        reverse = plans.pop(Intent.REVERSE.value)
        if group is None:
            self.risk.preview_reverse(reverse.on(self.ticket.reading))
        plans.update({action: self._leaving_out(protection_plan(
                          action, form, self.bracket, self.plus_ticks, group=group,
                          guards=guards, budget_left=budget))
                      for action in ORDER_DESK_ACTIONS})
        self._show_ticket(ticket_state(self.ticket, form, plans, self.positions.account_words(),
                                       reverse, group.name if group else "",
                                       risk=self.risk.members if group else None))
        next_change = self.ticket.next_change_at()
        if next_change is not None:
            self.events.wake_in.emit(max(0.0, next_change - self.clock()) + 0.001)

    def _show_ticket(self, state: TicketState) -> None:
        self.ticket_state = state
        self.events.ticket.emit(state)
        self.hotkey.observe(state.arming.armed, state.arming.reason)

    async def _reconcile(self) -> None:
        """Every intent of an earlier run in this mode that has no outcome: read back, said in
        words the trader cannot miss (the log, and a notice that stays until dismissed),
        recorded. Never re-sent. Nothing arms until this is done."""
        backend = self.backend
        try:
            if backend is not None:
                for found in await backend.desk.reconcile():
                    self.notices.say(Level.ERROR, found.words)
                    self.events.reconciled.emit(found.words)
        except (CtError, OSError) as error:
            self.notices.say(Level.ERROR, f"Could not check the last session's journal for "
                                          f"unanswered orders: {error}")
        finally:
            self.ticket.held = ""
            self.refresh_ticket()

    def _on_backend_attached(self, backend: Backend) -> None:
        """A new backend: nothing of the last one's is shown, every light is unknown; its
        mode's unanswered orders of an earlier run are read back before anything arms."""
        self.ticket.held = CHECKING_JOURNAL
        self.ticks.forget_protections()
        self.events.protection.emit(None)
        if self._started:
            self._spawn(self._reconcile(), "reconcile")
        self.events.backend_changed.emit(backend)
        self.market.reset(account=self.account)
        self.hotkey.scope_changed("mode")
        self.risk.attach(self.positions.groups)
        self._watch_risk()
        self.positions.sync_scope()
        self._on_hotkey_changed(self.hotkey.view())
        self.refresh_ticket()

    def _on_account_changed(self, _account: str) -> None:
        self.hotkey.scope_changed("account")
        self._start_bracket()
        self.left_out = frozenset()
        self.risk.attach(self.positions.groups)
        self._watch_risk()

    def _start_bracket(self) -> None:
        """A newly picked account or group: the ticket's ticks start from its default (the
        group's, else the preferences'); what was typed for the last one does not follow."""
        group = self.positions.group()
        bracket = group.bracket if group is not None and group.bracket is not None else \
            Bracket(self.options.stop_ticks, self.options.target_ticks)
        self.ticks.start(bracket)
        self.events.bracket.emit(bracket)

    def _on_scope_changed(self) -> None:
        """Nothing survives a change of backend, account or instrument."""
        self.left_out = frozenset()
        self.events.protection.emit(self.protection_view())
        self.events.prices_cleared.emit()
        self.events.tick.emit(None)
        self.events.position.emit(None)
        self.market.select_account(self.account)
        self.market.select(self.instrument)
        self._show_market()
        self.refresh_ticket()

    def _on_first_answer(self, answered: bool) -> None:
        """The orders connection and the WebSocket open after the first answer, not beside it:
        on a small machine their TLS work delayed the account list and the position. After a
        failure, the poll re-tries the orders connection (keep_warm) instead."""
        if answered:
            self.session.spawn(self.connection.open_orders_lane(), "orders-lane")
        self.connection.start_stream()
        self.session.spawn(self.market.start_pnl(), "stream-pnl")
        self.session.spawn(self.positions.offer_atm_templates(), "atm-templates")

    def _on_accounts_loaded(self, accounts: list, selected: str) -> None:
        self.connection.answered()
        self.events.accounts.emit(accounts, selected)

    def _on_position_shown(self, position: Position | None) -> None:
        """A figure was kept (or there is nothing to read): show what is known."""
        if self.ticket.reading is not None:
            self.connection.answered()
        self.market.reference = position.average_price if position is not None else None
        self.events.position.emit(position)
        group = self.positions.group()
        if group is not None and self.ticket.reading is not None:
            self.events.position_note.emit(f"{group.label}: each member's position is in "
                                           "the group table below")
        self._show_market()
        if position is not None and not position.is_flat and (self.form.mirror
                                                              or self._remirror):
            self.events.follow.emit(position.side.closing_action,
                                    min(position.quantity, self.options.max_quantity))
        self._remirror = self._remirror and position is None
        self.refresh_ticket()

    def _on_position_peeked(self, position: Position, note: str) -> None:
        self.events.position.emit(position)
        self.events.position_note.emit(note)

    def _on_read_failed(self, kind: str) -> None:
        self.events.position_note.emit(f"not updated: {kind}")
        self.refresh_ticket()

    def _on_order_sent(self, _order) -> None:
        self._remirror = True  # the first figure after the order sets action and size again
        self.left_out = frozenset()  # the choice was for that one press

    def _on_order_confirmed(self, report) -> None:
        self.connection.answered()
        remember(self.preferences, "recent_instruments", report.order.instrument)
        if report.order.strategy:
            remember(self.preferences, "recent_strategies", report.order.strategy)
            self.events.strategies.emit(self.positions.strategy_names())

    # --- the firm's rules (the risk part) --------------------------------------------------

    def _watch_risk(self) -> None:
        group = self.positions.group()
        self.risk.watch(group.accounts if group is not None else
                        [self.account] if self.account else [], read_now=self._started)

    def _ticket_to_risk(self, form: FormState) -> None:
        """The ticket's stop and the instrument's tick value, for the guards' worst case."""
        firm = self.risk.firm
        if firm is not None:
            quote = form.quote
            stop = self.bracket.stop_ticks if not form.strategy.strip() else None
            firm.set_ticket(stop, self.instrument,
                            quote.value_per_tick if quote is not None else None)

    def _on_risk_changed(self) -> None:
        group = self.positions.group()
        self.events.risk.emit(None if group is not None else
                              self.risk.account_risk(self.account))
        if self.ticket.busy() is None:
            self.refresh_ticket()

    def _on_order_finished(self, report: Any) -> None:
        if isinstance(report, GroupReport):
            self.risk.acted(report)  # why a member may now differ from the rest

    def leave_out_refused(self) -> None:
        """The trader's choice: the group's next action goes to the members the rules pass,
        leaving out the ones they refuse, each said as left out (never done without this)."""
        self.left_out = frozenset()
        refused: list[str] = []
        for action in (Intent.REVERSE, "buy", "sell"):
            plan = self.plan(action).on(self.ticket.reading)
            group_plan = plan.plan if isinstance(plan, GroupTicketPlan) else None
            if group_plan is not None:
                refused += [a for a in group_plan.refused_accounts() if a not in refused]
        self.left_out = frozenset(refused)
        if refused:
            self.notices.say(Level.INFO, f"Leaving out {', '.join(refused)} on purpose: the "
                                         "next group action goes to the others.")
        self.refresh_ticket()

    def risk_target(self) -> tuple[str, bool] | None:
        """Whose rules Settings → Risk… edits: the selected group, else the account."""
        group = self.positions.group()
        if group is not None:
            return group.name, True
        return (self.account, False) if self.account else None

    def risk_fields(self) -> RiskFields:
        target = self.risk_target()
        return self.risk.fields_of(*target) if target else RiskFields()

    def save_risk_fields(self, fields: RiskFields) -> list[str]:
        """The rules typed in Settings → Risk…: saved to ``risk.json`` and in force at once,
        or what is wrong with them (nothing saved)."""
        target = self.risk_target()
        if target is None:
            return ["Choose an account or a group first."]
        problems = self.risk.save_fields(*target, fields)
        if not problems:
            rules = self.risk.rules_of(target[0], group=target[1])
            self.notices.say(Level.INFO, f"Risk rules of {target[0]}: "
                                         + "; ".join(rules.summary()) + ".")
            self._watch_risk()
        return problems

    def bring_in_line(self, account: str) -> None:
        """Preview the one order that brings ``account`` in line with its group, as the
        ticket's question; it is sent only on the trader's yes."""
        if self.backend is None or self.positions.group() is None:
            return
        started = self.orders.press(self._sync_plan(account), confirm=True,
                                    plan_now=lambda: self._sync_plan(account))
        if started:
            self.positions.cancel_read()
        self.refresh_ticket()

    def _sync_plan(self, account: str) -> Plan:
        return SyncFixPlan(self.positions.group(), account, self.instrument, self.risk.last,
                           self._guards())

    def _on_protection(self, account: str, instrument: str, protection: Protection) -> None:
        self.ticks.protected(account, instrument, protection)
        self.events.protection.emit(self.protection_view())

    def _on_market_changed(self) -> None:
        self._show_market()
        if self.ticket.busy() is None:
            self.refresh_ticket()

    def _show_market(self) -> None:
        state = self.market_state()
        if state.view.usable is not None:
            self.events.tick.emit(state.view.usable.tick_size)
        self.events.market.emit(state)
        usable = state.view.usable is not None
        if usable != self._market_usable:  # e.g. gone stale on the clock, with no new quote
            self._market_usable = usable
            if self.ticket.busy() is None:
                self.refresh_ticket()  # the preview's reference price and the price checks

    def _on_hotkey_changed(self, view) -> None:
        self.events.hotkey.emit(view)
        self.events.mode.emit(self.mode_view())
