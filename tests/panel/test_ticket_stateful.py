"""Random interleavings of presses of every action (Reverse, Buy, Sell, Protect now, Close,
Flatten, Cancel), replies, reads, switches and time against an oracle.

The oracle keeps its own books (a sequence number for every event, not the ticket's state)
and checks, at every request the ticket lets go, whatever its action: the panel was idle; the
picture it is built on was read for the selected backend, account and instrument by a read
that started after the latest request's outcome; it is fresh; the re-arm delay since that
picture was shown has passed; and the request is the one that picture calls for (a reverse
mirrors it, an entry enters from flat or adds on the side held, never against it, a bracket is
sized to the position shown, a close closes it, a flatten has something to flatten, a cancel has
orders to cancel). It also checks that every action re-arms once the rules allow.
"""

from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderInfo, Position, Quote, Side
from ctpanel.core.domain.protection import Bracket, EntryOrder, ProtectOrder
from ctpanel.core.domain.states import Intent
from ctpanel.panel.plans import ExitPlan
from ctpanel.panel.protect_plans import ENTRY_ACTIONS, EntryPlan, ProtectPlan
from ctpanel.panel.ticket import Phase, Scope, Ticket

FRESHNESS, DELAY = 12.0, 1.0
SCOPES = [Scope(backend, account, "ES 12-26") for backend in (1, 2) for account in ("A", "B")]
SIDES = [(Side.LONG, 2), (Side.SHORT, 1), (Side.SHORT, 3), (Side.FLAT, 0)]
STOP = OrderInfo("stop-1", "Working", "SELL", "STOPMARKET", "ES 12-26", 2, stop_price=6800.0)
ORDER_SETS = [(), (STOP,), (STOP, OrderInfo("target-1", "Accepted", "SELL", "LIMIT",
                                            "ES 12-26", 2, limit_price=6900.0))]
ACTIONS = [Intent.REVERSE, "buy", "sell", "protect", Intent.CLOSE, Intent.FLATTEN,
           Intent.CANCEL]
AVERAGE = 6850.0
QUOTE = Quote("ES 12-26", bid=6849.75, ask=6850.0, last=6850.0, tick_size=0.25,
              point_value=50.0)
BRACKET = Bracket(8, 16)


@dataclass
class Token:
    ticket_token: object
    scope: Scope
    seq: int
    started: float


class TicketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        self.seq = 0
        self.ticket = Ticket(lambda: self.now, freshness=FRESHNESS, rearm_delay=DELAY)
        self.truth = {scope: Position(scope.account, scope.instrument, Side.LONG, 2, AVERAGE)
                      for scope in SCOPES}
        self.truth_orders = dict.fromkeys(SCOPES, ())
        self.pending: list[Token] = []
        self.in_flight = False
        self.answered_seq: int | None = None
        self.outcome_seq = -1  # the latest order's outcome (answer, else its end)
        # The picture shown: position, working orders, scope, read start, when shown.
        self.shown: tuple[Position, tuple, Scope, float, int] | None = None
        self.first_show_after_outcome: float | None = None
        self.orders: list[float] = []
        self.confirming = False

    def tick(self) -> int:
        self.seq += 1
        return self.seq

    def form(self) -> FormState:
        scope = self.ticket.scope
        return FormState(account=scope.account if scope else "", instrument="ES 12-26")

    def plan(self, action: Intent | str):
        scope = self.ticket.scope
        account = scope.account if scope else ""
        if action is Intent.REVERSE:
            return self.form()
        if action in ENTRY_ACTIONS:
            return EntryPlan(self.form(), ENTRY_ACTIONS[action], BRACKET)
        if action == "protect":
            return ProtectPlan(account, "ES 12-26", BRACKET, QUOTE)
        return ExitPlan(action, account, "ES 12-26")

    # --- the world ----------------------------------------------------------------------

    @rule(seconds=st.sampled_from([0.0, 0.05, 0.15, 0.4, 0.99, 1.0, 1.01, 3.0, 6.0, 13.0]))
    def time_passes(self, seconds):
        self.now += seconds

    @rule(scope=st.sampled_from(SCOPES))
    def switch(self, scope):
        if self.ticket.select(scope):
            self.tick()
            self.shown = None

    @rule(scope=st.sampled_from(SCOPES), side=st.sampled_from(SIDES))
    def position_changes_in_ninjatrader(self, scope, side):
        self.truth[scope] = Position(scope.account, scope.instrument, side[0], side[1],
                                     AVERAGE if side[1] else None)

    @rule(scope=st.sampled_from(SCOPES), orders=st.sampled_from(ORDER_SETS))
    def orders_change_in_ninjatrader(self, scope, orders):
        self.truth_orders[scope] = orders

    @rule()
    def a_read_starts(self):
        token = self.ticket.begin_read()
        if token is not None:
            self.pending.append(Token(token, self.ticket.scope, self.tick(), self.now))

    @precondition(lambda self: self.pending)
    @rule(index=st.integers(0, 10), ok=st.booleans())
    def a_read_ends(self, index, ok):
        self.read_ends(self.pending.pop(index % len(self.pending)), ok)

    @rule()
    def a_quick_read(self):
        """A read that nothing overtakes (the common case, so sequences reach far)."""
        self.a_read_starts()
        if self.pending:
            self.read_ends(self.pending.pop(), True)

    def read_ends(self, token: Token, ok: bool) -> None:
        if not ok:
            return  # a failed read: nothing new is known
        position, orders = self.truth[token.scope], self.truth_orders[token.scope]
        holdings = () if position.is_flat else (position,)
        if self.ticket.read_done(token.ticket_token, position, holdings=holdings,
                                 working=orders):
            assert token.scope == self.ticket.scope, "a figure for another scope was kept"
            assert token.seq > self.outcome_seq, "a figure older than the last order was kept"
            self.shown = (position, orders, token.scope, token.started, self.tick())
            if self.first_show_after_outcome is None and self.orders:
                self.first_show_after_outcome = self.now

    # --- the trader ---------------------------------------------------------------------

    @rule(confirm=st.booleans(), presses=st.lists(st.sampled_from(ACTIONS), min_size=1,
                                                  max_size=6))
    def press(self, confirm, presses):
        """One press, a double click / double tap, a held key's auto-repeat storm, or presses
        of different actions in a row."""
        for action in presses:
            result = self.ticket.press(self.plan(action), confirm=confirm)
            if result.order is None:
                continue
            self.check_may_send(action, result)
            if confirm:
                self.confirming = action
            else:
                self.sent()

    @precondition(lambda self: self.confirming)
    @rule(yes=st.booleans())
    def confirmation_answered(self, yes):
        action, self.confirming = self.confirming, False
        result = self.ticket.confirmed(self.plan(action), yes)
        if result.order is not None:
            self.check_may_send(action, result)
            self.sent()

    def check_may_send(self, action: Intent, result) -> None:
        assert self.ticket.phase is not Phase.IDLE
        assert not self.in_flight and self.shown is not None
        position, orders, scope, read_at, _ = self.shown
        assert scope == self.ticket.scope, "a request from another scope's picture"
        assert self.now - read_at <= FRESHNESS, "a request from a stale picture"
        self.check_request(action, result, position, orders, scope)
        if self.orders:
            assert self.first_show_after_outcome is not None, "no figure after the last order"
            assert self.now >= self.first_show_after_outcome + DELAY, "inside the re-arm delay"
            assert self.now >= self.orders[-1] + DELAY  # (the ticket's own arithmetic)

    @staticmethod
    def check_request(action, result, position, orders, scope) -> None:
        """The request is the one the shown picture calls for."""
        if action is Intent.REVERSE:
            assert position.side is not Side.FLAT
            assert result.order.action is position.side.closing_action
            assert result.order.quantity == position.quantity, "the order mirrors the figure"
            return
        if action in ENTRY_ACTIONS:
            order = result.order
            assert isinstance(order, EntryOrder) and order.account == scope.account
            assert order.action is ENTRY_ACTIONS[action] and order.quantity == 1
            assert order.requires is position.side, "the server's guard is the side shown"
            assert position.is_flat or Side.after(order.action) is position.side, \
                "an entry never trades against the position"
            return
        if action == "protect":
            order = result.order
            assert isinstance(order, ProtectOrder) and not position.is_flat
            assert (order.side, order.quantity) == (position.side, position.quantity), \
                "a bracket is sized to the position shown"
            assert result.before == position
            return
        assert isinstance(result.order, ExitOrder) and result.order.account == scope.account
        assert result.before.position == position, "built on the figure shown"
        if action is Intent.CLOSE:
            assert result.order.kind is Intent.CLOSE and not position.is_flat
            assert result.order.instrument == "ES 12-26"
        elif action is Intent.FLATTEN:
            assert result.order.kind is Intent.FLATTEN and (not position.is_flat or orders)
        else:
            assert result.order.kind is Intent.CANCEL and orders, "nothing to cancel"

    def sent(self) -> None:
        self.in_flight = True
        self.tick()
        self.orders.append(self.now)
        self.answered_seq = None
        self.first_show_after_outcome = None

    # --- CrossTrade's answer ------------------------------------------------------------

    @precondition(lambda self: self.in_flight and self.answered_seq is None)
    @rule()
    def answer_arrives(self):
        self.ticket.answered()
        self.answered_seq = self.outcome_seq = self.tick()

    @precondition(lambda self: self.in_flight)
    @rule()
    def order_confirmed_and_reread(self):
        """The usual path: the answer, the service's re-read after it, then the end."""
        self.answer_arrives() if self.answered_seq is None else None
        self.a_read_starts()
        token = self.pending.pop() if self.pending else None
        self.order_ends()
        if token is not None:
            self.read_ends(token, True)

    @precondition(lambda self: self.in_flight)
    @rule()
    def order_ends(self):
        """Confirmed after an answer; or failed / lost / timed out without one."""
        self.ticket.finished()
        self.in_flight = False
        if self.answered_seq is None:
            self.outcome_seq = self.tick()

    # --- what must always hold ----------------------------------------------------------

    @invariant()
    def never_dead(self):
        """Idle, a fresh picture shown after the last request, the delay over: every action
        the picture calls for is armed."""
        if self.in_flight or self.confirming or self.shown is None:
            return
        position, orders, scope, read_at, _ = self.shown
        delay_over = not self.orders or (self.first_show_after_outcome is not None
                                         and self.now >= self.first_show_after_outcome + DELAY)
        if scope != self.ticket.scope or not delay_over or self.now - read_at > FRESHNESS:
            return
        called_for = {Intent.REVERSE: not position.is_flat, Intent.CLOSE: not position.is_flat,
                      Intent.FLATTEN: not position.is_flat or bool(orders),
                      Intent.CANCEL: bool(orders), "protect": not position.is_flat,
                      "buy": position.side is not Side.SHORT,
                      "sell": position.side is not Side.LONG}
        for action, expected in called_for.items():
            arming = self.ticket.arming(self.plan(action))
            assert arming.armed is expected, (action, arming.reason)


TicketMachine.TestCase.settings = settings(max_examples=400, stateful_step_count=60,
                                           deadline=None,
                                                suppress_health_check=[HealthCheck.too_slow])
test_ticket_rules = TicketMachine.TestCase
