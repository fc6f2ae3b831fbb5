"""The desk's guards: each rule on its own, "an exit is never blocked by a guard against new
risk" for every intent and picture, and the desk against the simulator over loopback: a refusal
sends nothing, writes no intent, and is journaled in the words the trader reads."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.trade import IllegalMove, RequestState, Trade
from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.groups import Member
from ctpanel.core.domain.models import OrderSide, Position, ReverseOrder, Side
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.fresh_picture import FRESH_FOR_S, FreshMirror
from ctpanel.core.risk.guard import Basis, Refused, applies, denial
from ctpanel.core.risk.member_limits import MemberMaxContracts, RequiresAtm
from ctpanel.core.risk.same_side import SameSide
from ctpanel.core.risk.standard import standard_guards
from ctpanel.core.store.journal import Journal

LONG_2 = Position("Sim101", "ES 12-26", Side.LONG, 2, 6850.0)
SHORT_3 = Position("Sim101", "ES 12-26", Side.SHORT, 3, 6850.0)
SELL_2 = ReverseOrder("Sim101", "ES 12-26", OrderSide.SELL, 2)
BUY_3 = ReverseOrder("Sim101", "ES 12-26", OrderSide.BUY, 3)


def test_a_reverse_on_the_side_held_is_refused_in_the_traders_words():
    words = SameSide().check(Intent.REVERSE, BUY_3, Basis(position=LONG_2))
    assert words == ("BUY 3 would add to the Long 2 position: a reverse takes the other side "
                     "(SELL). Tick Mirror, or choose SELL.")
    assert SameSide().check(Intent.REVERSE, SELL_2, Basis(position=LONG_2)) is None
    assert SameSide().check(Intent.REVERSE, BUY_3, Basis(position=SHORT_3)) is None
    assert SameSide().check(Intent.REVERSE, BUY_3, Basis()) is None, "unread: the desk's read"


def test_a_mirrored_reverse_needs_a_fresh_read():
    guard = FreshMirror()
    assert guard.check(Intent.REVERSE, SELL_2, Basis(LONG_2, 1.0, mirrored=True)) is None
    stale = guard.check(Intent.REVERSE, SELL_2, Basis(LONG_2, FRESH_FOR_S + 3, mirrored=True))
    assert stale.startswith("the position it mirrors was read 15 s ago")
    assert "not read" in guard.check(Intent.REVERSE, SELL_2, Basis(None, None, mirrored=True))
    assert guard.check(Intent.REVERSE, SELL_2, Basis(LONG_2, 99.0, mirrored=False)) is None, \
        "the trader's own side and size are not a mirror"


def test_a_members_own_limits():
    capped, atm = Member("APEX-4", max_contracts=2), Member("APEX-2", requires_atm=True)
    assert MemberMaxContracts().check(Intent.REVERSE, BUY_3, Basis(member=capped)) == \
        "3 contracts is over its limit of 2"
    assert MemberMaxContracts().check(Intent.REVERSE, SELL_2, Basis(member=capped)) is None
    assert RequiresAtm().check(Intent.REVERSE, SELL_2, Basis(member=atm)) == \
        "requires an ATM template"
    with_template = ReverseOrder("Sim101", "ES 12-26", OrderSide.SELL, 2, strategy="ATM 1")
    assert RequiresAtm().check(Intent.REVERSE, with_template, Basis(member=atm)) is None


positions = st.one_of(st.none(), st.builds(
    Position, st.just("Sim101"), st.just("ES 12-26"), st.sampled_from(list(Side)),
    st.integers(0, 50), st.just(6850.0)))
bases = st.builds(Basis, positions, st.one_of(st.none(), st.floats(0, 10_000)), st.booleans(),
                  st.one_of(st.none(), st.builds(Member, st.just("APEX-1"),
                                                 requires_atm=st.booleans(),
                                                 max_contracts=st.one_of(st.none(),
                                                                         st.integers(1, 3)))))


@given(basis=bases, kind=st.sampled_from([Intent.CLOSE, Intent.FLATTEN, Intent.CANCEL]))
def test_an_exit_passes_every_guard_against_new_risk_whatever_the_picture(basis, kind):
    order = ExitOrder(kind, "Sim101", "ES 12-26")
    assert kind.reduces
    assert denial(standard_guards(), kind, order, basis) is None
    assert all(not applies(guard, kind, basis) for guard in standard_guards()
               if guard.against_new_risk)


@given(basis=bases)
def test_a_reverse_is_refused_exactly_when_one_of_its_rules_says_so(basis):
    refused = denial(standard_guards(), Intent.REVERSE, BUY_3, basis)
    said = [g.check(Intent.REVERSE, BUY_3, basis) for g in standard_guards()
            if applies(g, Intent.REVERSE, basis)]
    assert (refused is None) == all(words is None for words in said)
    if refused is not None:
        assert refused.problems[0].message == next(words for words in said if words)


def test_a_request_moves_only_along_its_state_table():
    trade = Trade(SELL_2, Intent.REVERSE)
    for state in (RequestState.SENT, RequestState.ACCEPTED, RequestState.FILLED):
        trade.move(state)
    assert [step.state for step in trade.log] == [RequestState.SENT, RequestState.ACCEPTED,
                                                  RequestState.FILLED]
    with pytest.raises(IllegalMove):
        trade.move(RequestState.SENT)  # a filled order is never sent again
    unknown = Trade(SELL_2, Intent.REVERSE)
    unknown.move(RequestState.SENT)
    unknown.move(RequestState.UNKNOWN)
    with pytest.raises(IllegalMove):
        unknown.move(RequestState.ACCEPTED)  # an unknown outcome is reconciled, not guessed
    unknown.move(RequestState.RECONCILED)


async def test_the_desk_refuses_before_anything_leaves_and_says_so_in_the_journal(
        sim, client, tmp_path):
    journal = Journal(tmp_path / "journal.jsonl")
    desk = Desk(client, journal)
    with pytest.raises(Refused) as refused:
        await desk.reverse(BUY_3, before=LONG_2)
    assert "would add to the Long 2 position" in str(refused.value)
    assert refused.value.order_not_sent
    assert sim.orders_received() == [], "nothing reached CrossTrade"
    [record] = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert (record["kind"], record["status"]) == ("reverse", "refused"), "and no intent ahead"
    assert "would add to" in record["error"]


async def test_an_exit_goes_whatever_the_guards_say_about_new_risk(sim, client, tmp_path):
    class NoNewRisk:  # a guard that refuses everything it looks at
        name, against_new_risk, members_only = "locked", True, False

        def check(self, intent, request, basis):
            return "the account is locked"

    desk = Desk(client, Journal(tmp_path / "journal.jsonl"), guards=[NoNewRisk()])
    with pytest.raises(Refused):
        await desk.reverse(SELL_2)
    report = await desk.exit(ExitOrder(Intent.CLOSE, "Sim101", "ES 12-26"))
    assert report.after.position.is_flat
    assert sim.orders_received() == [], "the reverse never left"
    assert len(sim.orders_received("ClosePosition")) == 1
