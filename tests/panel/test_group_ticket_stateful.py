"""Random interleavings of group presses (Reverse and Close on a group, double taps, storms),
replies, reads, changes in NinjaTrader, switches and time against an oracle: never two requests
to one member for one intent (one fan-out per intent, each member at most once in it), never a
member's request built on a stale or foreign picture, every member on its own position."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import Group, Member
from ctpanel.core.domain.models import Position, ReverseOrder, Side
from ctpanel.core.domain.states import Intent
from ctpanel.panel.plans import make_plan
from ctpanel.panel.ticket import Scope, Ticket

FRESHNESS, DELAY = 12.0, 1.0
ES = "ES 12-26"
GROUP = Group("G", (Member("A"), Member("B"), Member("C")))
SCOPES = [Scope(backend, key, ES) for backend in (1, 2) for key in ("group:G", "group:H")]
SIDES = [(Side.LONG, 2), (Side.SHORT, 1), (Side.FLAT, 0), (Side.LONG, 3)]


class GroupTicketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0
        self.ticket = Ticket(lambda: self.now, freshness=FRESHNESS, rearm_delay=DELAY)
        self.truth = {name: Position(name, ES, Side.LONG, 2) for name in GROUP.accounts}
        self.pending: list[tuple] = []  # (ticket token, scope, holdings at the read's start)
        self.shown: tuple | None = None  # (holdings, scope, read start)
        self.in_flight = False
        self.intents = 0
        self.requests_per_intent: list[list[str]] = []

    def plan(self, action: Intent):
        scope = self.ticket.scope
        form = FormState(account=scope.account if scope else "", instrument=ES)
        return make_plan(action, form, group=GROUP if scope and scope.account == "group:G"
                         else None, budget_left=20)

    @rule(seconds=st.sampled_from([0.0, 0.3, 1.0, 1.01, 6.0, 13.0]))
    def time_passes(self, seconds):
        self.now += seconds

    @rule(scope=st.sampled_from(SCOPES))
    def switch(self, scope):
        if self.ticket.select(scope):
            self.shown = None

    @rule(name=st.sampled_from(GROUP.accounts), side=st.sampled_from(SIDES))
    def position_changes_in_ninjatrader(self, name, side):
        self.truth[name] = Position(name, ES, side[0], side[1])

    @rule()
    def a_read_starts(self):
        token = self.ticket.begin_read()
        if token is not None:
            holdings = tuple(p for p in self.truth.values() if not p.is_flat)
            self.pending.append((token, self.ticket.scope, holdings, self.now))

    @precondition(lambda self: self.pending)
    @rule(index=st.integers(0, 10))
    def a_read_ends(self, index):
        token, scope, holdings, started = self.pending.pop(index % len(self.pending))
        if self.ticket.read_done(token, Position.flat(scope.account, ES), holdings=holdings):
            self.shown = (holdings, scope, started)

    @rule(action=st.sampled_from([Intent.REVERSE, Intent.CLOSE]),
          presses=st.sampled_from([1, 2, 6]))
    def press(self, action, presses):
        for _ in range(presses):
            result = self.ticket.press(self.plan(action), confirm=False)
            if result.order is None:
                continue
            self.check(action, result.order)
            self.in_flight = True

    def check(self, action, group_plan) -> None:
        assert not self.in_flight, "a second fan-out for one intent"
        holdings, scope, started = self.shown
        assert scope == self.ticket.scope and scope.account == "group:G"
        assert self.now - started <= FRESHNESS, "a request built on a stale picture"
        accounts = [request.account for _, request in group_plan.requests]
        assert len(accounts) == len(set(accounts)), "two requests to one member"
        shown = {p.account: p for p in holdings}
        for step, request in group_plan.requests:
            position = shown[request.account]  # never a member shown flat (or not shown)
            assert step.before == position, "built on the member's own shown position"
            if isinstance(request, ReverseOrder):
                assert request.action is position.side.closing_action
                assert request.quantity == position.quantity
            else:
                assert request.kind is Intent.CLOSE
        self.requests_per_intent.append(accounts)

    @precondition(lambda self: self.in_flight)
    @rule()
    def fan_out_ends(self):
        self.ticket.answered()
        self.ticket.finished()
        self.in_flight = False


GroupTicketMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=50,
                                                deadline=None,
                                                suppress_health_check=[HealthCheck.too_slow])
test_group_ticket_rules = GroupTicketMachine.TestCase
