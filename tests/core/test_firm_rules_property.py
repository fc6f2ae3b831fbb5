"""Property: no request a firm's rule refuses is ever sent, from any door (an entry, a reverse,
a group's members), for any sequence of presses, reads, waits and rule changes; and every
request the rules pass, and every exit, is sent. The rules are modelled here on their own, in
plain arithmetic, against the desk with a recording client at the network's edge and fake
clocks."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.risk_reads import read_figures
from ctpanel.core.domain.account_risk import AccountFigures
from ctpanel.core.domain.exits import ExitOrder, ExitResult, Picture
from ctpanel.core.domain.groups import Group, Member, plan_group
from ctpanel.core.domain.models import OrderResult, OrderSide, Position, ReverseOrder, Side
from ctpanel.core.domain.protection import entry_for
from ctpanel.core.domain.risk_rules import RiskRules
from ctpanel.core.domain.states import Intent
from ctpanel.core.errors import InvalidOrder
from ctpanel.core.risk.guard import Basis, Refused
from tests.helpers.clock import FakeClock

ACCOUNTS = ("PA-1", "PA-2")
ES = "ES 12-26"
STOP_TICKS, TICK_VALUE = 8, 12.5
FRESH_FOR_S = 15.0


@dataclass
class Model:
    """What the accounts hold and what the rules are, as the test sees them."""

    held: dict = field(default_factory=lambda: dict.fromkeys(ACCOUNTS, 0))  # signed
    realized: dict = field(default_factory=lambda: dict.fromkeys(ACCOUNTS, 0.0))
    rules: dict = field(default_factory=dict)  # account -> (daily, cap)
    read_at: float | None = None
    seen: dict = field(default_factory=dict)  # realized as last read
    locked: set = field(default_factory=set)

    def refuses(self, account: str, after: int, during: int, new: int, now: float) -> bool:
        daily, cap = self.rules.get(account, (None, None))
        if account in self.locked:
            return True
        if cap is not None and during > cap:
            return True
        if daily is None:
            return False
        if self.read_at is None or now - self.read_at > FRESH_FOR_S:
            return True  # figures unknown
        room = daily + self.seen[account]
        return room <= 0 or new * STOP_TICKS * TICK_VALUE > room

    def read(self, now: float) -> None:
        self.read_at = now
        self.seen = dict(self.realized)
        for account, (daily, _cap) in self.rules.items():
            if daily is not None and daily + self.seen[account] <= 0:
                self.locked.add(account)  # until the reset, far away on this wall clock


class RecordingClient:
    """CrossTrade at the network's edge: fills at once, serves the snapshot of the model."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.sent: list = []

    def _fill(self, account: str, signed: int) -> None:
        self.model.held[account] += signed

    async def place_order(self, entry):
        self.sent.append(entry)
        self._fill(entry.account, entry.quantity if entry.action is OrderSide.BUY
                   else -entry.quantity)
        return OrderResult(f"o{len(self.sent)}", 1.0)

    async def reverse_position(self, order):
        self.sent.append(order)
        sign = 1 if order.action is OrderSide.BUY else -1
        self.model.held[order.account] = sign * order.quantity
        return OrderResult(f"o{len(self.sent)}", 1.0)

    async def send_exit(self, order):
        self.sent.append(order)
        self.model.held[order.account] = 0
        return ExitResult((), (f"x{len(self.sent)}",), 1.0)

    async def get_snapshot(self):
        figures = {a: AccountFigures(a, self.model.realized[a], 0.0,
                                     100_000.0 + self.model.realized[a], read_at=self.clock())
                   for a in ACCOUNTS}
        return figures, [position(a, self.model.held[a]) for a in ACCOUNTS]

    async def get_session_high(self, account):
        return None

    async def list_all_positions(self):
        return [position(a, self.model.held[a]) for a in ACCOUNTS if self.model.held[a]]


def position(account: str, signed: int) -> Position:
    if signed == 0:
        return Position.flat(account, ES)
    return Position(account, ES, Side.LONG if signed > 0 else Side.SHORT, abs(signed), 6000.0)


accounts = st.sampled_from(ACCOUNTS)
steps = st.one_of(
    st.tuples(st.just("rules"), accounts, st.sampled_from([None, 300.0, 1000.0]),
              st.sampled_from([None, 2.0, 4.0])),
    st.tuples(st.just("pnl"), accounts, st.sampled_from([0.0, -150.0, -290.0, -700.0, 200.0])),
    st.tuples(st.just("read")),
    st.tuples(st.just("wait"), st.sampled_from([1.0, 10.0, 20.0])),
    st.tuples(st.just("enter"), accounts, st.sampled_from(list(OrderSide)),
              st.integers(1, 5)),
    st.tuples(st.just("reverse"), accounts, st.integers(1, 5)),
    st.tuples(st.just("close"), accounts),
    st.tuples(st.just("group"), st.sampled_from(list(OrderSide)), st.integers(1, 3)),
)


async def run(script) -> None:
    model, clock = Model(), FakeClock()
    client = RecordingClient(model)
    client.clock = clock
    desk = Desk(client)
    room = desk.firm.room
    room.clock, room.wall_clock = clock, lambda: datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    desk.firm.set_ticket(STOP_TICKS, ES, TICK_VALUE)
    group = Group("Both", tuple(Member(a) for a in ACCOUNTS))
    for step in script:
        kind, args = step[0], step[1:]
        before = len(client.sent)
        if kind == "rules":
            account, daily, cap = args
            model.rules[account] = (daily, cap)
            room.set_book(room.book.with_rules(account=account, rules=RiskRules(
                daily_loss=daily, max_contracts=cap)), [group])
        elif kind == "pnl":
            model.realized[args[0]] = args[1]
        elif kind == "read":
            await read_figures(client, room, list(ACCOUNTS))
            model.read(clock.now)
        elif kind == "wait":
            clock.now += args[0]
        elif kind == "close":
            account = args[0]
            held = position(account, model.held[account])
            if held.is_flat:
                continue
            await desk.exit(ExitOrder(Intent.CLOSE, account, ES), before=Picture(account, held),
                            verify=False)
            assert len(client.sent) == before + 1, "an exit is never refused"
        elif kind in ("enter", "reverse"):
            await _one(desk, client, model, clock, kind, *args)
        else:
            await _group(desk, client, model, clock, group, *args)


async def _one(desk, client, model, clock, kind, account, *args) -> None:
    held_signed = model.held[account]
    held = position(account, held_signed)
    before = len(client.sent)
    if kind == "enter":
        side, quantity = args
        try:
            request = entry_for(ReverseOrder(account, ES, side, quantity), held, "e")
        except InvalidOrder:
            return  # against the position: no entry at all
        after = quantity + (abs(held_signed) if request.adds else 0)
        expected = model.refuses(account, after, after, quantity, clock.now)
        send = desk.enter(request, before=held, basis=Basis(position=held, age_s=0.0),
                          verify=False)
    else:
        (quantity,) = args
        if held.is_flat:
            return
        request = ReverseOrder(account, ES, held.side.closing_action, quantity)
        expected = model.refuses(account, quantity, max(abs(held_signed), quantity), quantity,
                                 clock.now)
        send = desk.reverse(request, before=held, basis=Basis(position=held), verify=False)
    try:
        await send
        refused = False
    except Refused:
        refused = True
    assert refused == expected, (kind, account, args, model)
    assert len(client.sent) == before + (0 if refused else 1)


async def _group(desk, client, model, clock, group, side, quantity) -> None:
    positions = {a: position(a, model.held[a]) for a in ACCOUNTS}
    plan = plan_group(group, Intent.ENTER, ES, positions, ReverseOrder(ACCOUNTS[0], ES, side,
                                                                       quantity))
    expected = any(
        step.request is not None and model.refuses(
            step.member.account, step.request.quantity + abs(model.held[step.member.account]),
            step.request.quantity + abs(model.held[step.member.account]),
            step.request.quantity, clock.now)
        for step in plan.steps) or not plan.requests  # nothing to do: refused in words too
    before = len(client.sent)
    try:
        await desk.group(plan)
        refused = False
    except Refused:
        refused = True
    assert refused == expected, ("group", side, quantity, model)
    assert len(client.sent) == before + (0 if refused else len(plan.requests)), \
        "nothing goes to part of a group"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, max_size=25))
def test_no_request_a_rule_refuses_is_ever_sent(script):
    asyncio.run(run(script))


def test_the_model_and_the_desk_agree_on_a_known_sequence():
    asyncio.run(run([("rules", "PA-1", 300.0, 2.0), ("pnl", "PA-1", -150.0), ("read",),
                     ("enter", "PA-1", OrderSide.BUY, 1), ("enter", "PA-1", OrderSide.BUY, 1),
                     ("wait", 20.0), ("enter", "PA-1", OrderSide.BUY, 1),
                     ("close", "PA-1"), ("pnl", "PA-1", -700.0), ("read",),
                     ("enter", "PA-1", OrderSide.SELL, 1)]))
