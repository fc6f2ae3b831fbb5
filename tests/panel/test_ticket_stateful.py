"""Random interleavings of presses, replies, reads, switches and time against an oracle.

The oracle keeps its own books (a sequence number for every event, not the ticket's state)
and checks, at every order the ticket lets go: the panel was idle; the figure it mirrors was
read for the selected backend, account and instrument by a read that started after the
latest order's outcome; it is fresh; the re-arm delay since that figure was shown has passed;
and the order mirrors it. It also checks that the ticket re-arms once the rules allow.
"""

from dataclasses import dataclass

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from ctpanel.core.form import FormState
from ctpanel.core.models import Position, Side
from ctpanel.panel.ticket import Phase, Scope, Ticket

FRESHNESS, DELAY = 12.0, 1.0
SCOPES = [Scope(backend, account, "ES 12-26") for backend in (1, 2) for account in ("A", "B")]
SIDES = [(Side.LONG, 2), (Side.SHORT, 1), (Side.SHORT, 3), (Side.FLAT, 0)]


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
        self.truth = {scope: Position(scope.account, scope.instrument, Side.LONG, 2)
                      for scope in SCOPES}
        self.pending: list[Token] = []
        self.in_flight = False
        self.answered_seq: int | None = None
        self.outcome_seq = -1  # the latest order's outcome (answer, else its end)
        self.shown: tuple[Position, Scope, float, int] | None = None  # figure, when shown
        self.first_show_after_outcome: float | None = None
        self.orders: list[float] = []
        self.confirming = False

    def tick(self) -> int:
        self.seq += 1
        return self.seq

    def form(self) -> FormState:
        scope = self.ticket.scope
        return FormState(account=scope.account if scope else "", instrument="ES 12-26")

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
        self.truth[scope] = Position(scope.account, scope.instrument, side[0], side[1])

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
        position = self.truth[token.scope]
        if self.ticket.read_done(token.ticket_token, position):
            assert token.scope == self.ticket.scope, "a figure for another scope was kept"
            assert token.seq > self.outcome_seq, "a figure older than the last order was kept"
            self.shown = (position, token.scope, token.started, self.tick())
            if self.first_show_after_outcome is None and self.orders:
                self.first_show_after_outcome = self.now

    # --- the trader ---------------------------------------------------------------------

    @rule(confirm=st.booleans(), presses=st.sampled_from([1, 2, 6]))
    def press(self, confirm, presses):
        """One press, a double click / double tap, or a held key's auto-repeat storm."""
        for _ in range(presses):
            result = self.ticket.press(self.form(), confirm=confirm)
            if result.order is None:
                continue
            self.check_may_send(result)
            if confirm:
                self.confirming = True
            else:
                self.sent()

    @precondition(lambda self: self.confirming)
    @rule(yes=st.booleans())
    def confirmation_answered(self, yes):
        self.confirming = False
        result = self.ticket.confirmed(self.form(), yes)
        if result.order is not None:
            self.check_may_send(result)
            self.sent()

    def check_may_send(self, result) -> None:
        assert self.ticket.phase is not Phase.IDLE
        assert not self.in_flight and self.shown is not None
        position, scope, read_at, _ = self.shown
        assert scope == self.ticket.scope, "an order from another scope's figure"
        assert self.now - read_at <= FRESHNESS, "an order from a stale figure"
        assert position.side is not Side.FLAT
        assert result.order.action is position.side.closing_action
        assert result.order.quantity == position.quantity, "the order mirrors the figure"
        if self.orders:
            assert self.first_show_after_outcome is not None, "no figure after the last order"
            assert self.now >= self.first_show_after_outcome + DELAY, "inside the re-arm delay"
            assert self.now >= self.orders[-1] + DELAY  # (the ticket's own arithmetic)

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
        """Idle, a fresh non-flat figure shown after the last order, the delay over: armed."""
        if self.in_flight or self.confirming or self.shown is None:
            return
        position, scope, read_at, _ = self.shown
        delay_over = not self.orders or (self.first_show_after_outcome is not None
                                         and self.now >= self.first_show_after_outcome + DELAY)
        if (scope == self.ticket.scope and position.side is not Side.FLAT and delay_over
                and self.now - read_at <= FRESHNESS):
            arming = self.ticket.arming(self.form())
            assert arming.armed, arming.reason


TicketMachine.TestCase.settings = settings(max_examples=400, stateful_step_count=60,
                                           deadline=None)
test_ticket_rules = TicketMachine.TestCase
