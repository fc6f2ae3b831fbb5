"""The words the window shows at a glance, Qt-free: every wording of the position line keeps
every figure (side, size, average, P&L in money and ticks, age), the folded details' header
says the choice, and a group's rows say what each action would do to each member."""

from hypothesis import given
from hypothesis import strategies as st

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.groups import plan_group
from ctpanel.core.domain.models import OrderType, Position, Side, TimeInForce
from ctpanel.core.domain.pricing import format_price
from ctpanel.core.domain.states import Intent
from ctpanel.panel.glance import details_summary, member_rows, position_texts
from ctpanel.sim.seed import DEMO_GROUP

ES = "ES 12-26"


@given(side=st.sampled_from([Side.LONG, Side.SHORT]), size=st.integers(1, 10_000),
       average=st.floats(0.25, 1e6), money=st.floats(-1e6, 1e6),
       ticks=st.floats(-1e4, 1e4), age=st.floats(0, 10_000), stale=st.booleans())
def test_every_wording_keeps_every_figure(side, size, average, money, ticks, age, stale):
    position = Position("Sim101", ES, side, size, average)
    texts = position_texts(position, (money, ticks), age, stale=stale)
    shown_ticks = f"{round(ticks, 1) + 0.0:+g}"
    for text in texts:
        assert str(size) in text and format_price(average) in text
        assert f"{round(money, 2) + 0.0:+,.2f}" in text and shown_ticks in text
        assert (f"{age:.0f}" if age >= 1.5 else "0" if stale else "now") in text
        assert ("STALE" in text) is stale
    assert [len(t) for t in texts] == sorted((len(t) for t in texts), reverse=True)


def test_the_position_line_reads_as_a_trader_says_it():
    position = Position("Sim101", ES, Side.LONG, 2, 6849.75)
    assert position_texts(position, (125.0, 10.0), 3.2) == (
        "LONG 2 @ 6,849.75 · P&L +125.00 (+10 ticks) · read 3 s ago",
        "LONG 2 @ 6,849.75 · +125.00 (+10 t) · 3 s ago",
        "L2 @6,849.75 +125.00 +10t 3s")
    assert position_texts(None, None, None)[0] == "Position unknown"
    assert position_texts(Position.flat("Sim101", ES), None, 0.4)[0] == "FLAT · read just now"
    assert "P&L unknown" in position_texts(position, None, 1.0)[0]
    assert "unknown" in position_texts(position, (float("inf"), None), 1.0)[0]


def test_the_details_header_says_the_current_choice():
    assert details_summary(FormState()) == "MARKET · DAY · no ATM"
    limit = FormState(order_type=OrderType.STOPLIMIT, time_in_force=TimeInForce.GTC,
                      limit_price=6850.25, oco_id="grp", strategy="ATM 2")
    assert details_summary(limit) == "STOPLIMIT · GTC · 6,850.25 · no price · OCO · ATM ATM 2"


def test_a_groups_rows_say_what_each_action_does_to_each_member():
    positions = {"APEX-1": Position("APEX-1", ES, Side.LONG, 2, 6850.0, unrealized_pnl=50.0),
                 "APEX-5": Position("APEX-5", ES, Side.LONG, 3, 6850.0)}
    reverse = plan_group(DEMO_GROUP, Intent.REVERSE, ES, positions)
    close = plan_group(DEMO_GROUP, Intent.CLOSE, ES, positions, close_portion=(None, 0.5))
    rows = {row.account: row for row in member_rows(reverse, close)}
    assert list(rows) == DEMO_GROUP.accounts
    assert (rows["APEX-1"].position, rows["APEX-1"].pnl, rows["APEX-1"].reverse,
            rows["APEX-1"].close) == ("Long 2", "+50.00", "-> Short 2", "-> Long 1")
    assert (rows["APEX-5"].pnl, rows["APEX-5"].close) == ("–", "-> Long 1")
    assert rows["APEX-2"].reverse == "skipped (flat)"
    assert member_rows(None, None) == ()
