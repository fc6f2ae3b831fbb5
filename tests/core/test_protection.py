"""Entries and protection, Qt-free: what each request sends, and when it is refused."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpanel.core.domain.models import OrderInfo, OrderSide, OrderType, Position, Quote, Side
from ctpanel.core.domain.protection import (
    MAX_BRACKET_TICKS,
    Bracket,
    ProtectOrder,
    bracket_from_text,
    breakeven_for,
    entry_for,
    nudge_for,
    protect_for,
    risk_words,
)
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import InvalidOrder

ES = "ES 12-26"
QUOTE = Quote(ES, bid=6849.75, ask=6850.00, last=6850.00, tick_size=0.25, point_value=50)


def _order(action="BUY", quantity=2, **extra):
    return parse_order(OrderInput(account="Sim101", instrument=ES, action=action,
                                  quantity=quantity, **extra))


def _long(quantity=2, average=6850.0):
    return Position("Sim101", ES, Side.LONG, quantity, average)


def test_an_entry_from_flat_requires_flat_and_carries_its_own_id():
    entry = entry_for(_order(), Position.flat("Sim101", ES), "c0ffee")
    assert entry.body() == {"instrument": ES, "action": "BUY", "quantity": 2,
                            "orderType": "MARKET", "timeInForce": "DAY", "orderId": "c0ffee",
                            "requireMarketPosition": "flat"}
    assert entry.describe() == f"BUY 2 {ES} MARKET DAY from flat"


def test_an_add_requires_the_side_held_and_the_other_side_is_refused():
    add = entry_for(_order(), _long(), "id1")
    assert add.body()["requireMarketPosition"] == "long" and add.adds
    with pytest.raises(InvalidOrder, match="use REVERSE to turn it, or CLOSE"):
        entry_for(_order("SELL"), _long(), "id2")
    with pytest.raises(InvalidOrder, match="not read"):
        entry_for(_order(), None, "id3")


@pytest.mark.parametrize("ticks", [0, -1, MAX_BRACKET_TICKS + 1, True, 2.5])
def test_ticks_out_of_range_are_refused_not_changed(ticks):
    with pytest.raises(InvalidOrder, match="whole number of ticks"):
        Bracket(stop_ticks=ticks)


def test_the_ticket_text_is_refused_in_words():
    assert bracket_from_text("8", " 16 ") == Bracket(8, 16)
    assert bracket_from_text("", "") == Bracket()
    with pytest.raises(InvalidOrder, match="Stop ticks must be a whole number"):
        bracket_from_text("8.5", "16")
    with pytest.raises(InvalidOrder, match="Target ticks"):
        bracket_from_text("8", "9" * 10_000)


def test_bracket_words_and_prices_for_each_side():
    bracket = Bracket(8, 16)
    assert bracket.words() == "Stop 8 t · Target 16 t"
    assert Bracket(stop_ticks=8).words() == "Stop 8 t"
    assert Bracket().words() == "no stop or target"
    assert bracket.prices(Side.LONG, 6850.0, 0.25) == (6848.0, 6854.0)
    assert bracket.prices(Side.SHORT, 6850.0, 0.25) == (6852.0, 6846.0)


@given(st.integers(1, MAX_BRACKET_TICKS), st.integers(1, MAX_BRACKET_TICKS),
       st.decimals(min_value=100, max_value=30000, places=3),
       st.sampled_from(["0.25", "0.1", "0.01", "0.005", "1"]), st.sampled_from([Side.LONG,
                                                                               Side.SHORT]))
def test_bracket_prices_are_on_the_grid_at_the_distance_asked(stop, target, fill, tick, side):
    stop_price, target_price = Bracket(stop, target).prices(side, float(fill), float(tick))
    step = Decimal(tick)
    for price in (stop_price, target_price):
        assert Decimal(str(price)) % step == 0
    sign = 1 if side is Side.LONG else -1
    assert (Decimal(str(target_price)) - Decimal(str(stop_price))) * sign == \
        (stop + target) * step


def test_risk_words_give_the_loss_per_contract():
    assert risk_words(Side.LONG, 6849.75, 6847.75, 6853.75, 12.5, 0.25) == \
        "stop 6,847.75 (−$100 per contract) · target 6,853.75"
    assert risk_words(Side.SHORT, 6850.0, None, 6846.0, 12.5, 0.25) == "target 6,846.00"


def test_protect_is_sized_to_the_position_and_sends_the_protected_side():
    order = protect_for(_long(2, 6852.0), Bracket(32, 32), 6852.0, 0.25, QUOTE)
    assert order.body() == {"instrument": ES, "action": "Buy", "quantity": 2,
                            "stopLoss": 6844.0, "takeProfit": 6860.0}
    assert order.preview(2) == (f"Cancels 2 working orders in {ES}, then stop 6,844.00 / "
                                "target 6,860.00 for Long 2")
    short = protect_for(Position("Sim101", ES, Side.SHORT, 1, 6850.0), Bracket(target_ticks=8),
                        6850.0, 0.25, QUOTE)
    assert short.body() == {"instrument": ES, "action": "Sell", "quantity": 1,
                            "takeProfit": 6848.0}


@pytest.mark.parametrize(("position", "bracket", "words"), [
    (None, Bracket(8), "not read"),
    (Position.flat("Sim101", ES), Bracket(8), "flat on Sim101: nothing to protect"),
    (_long(), Bracket(), "Set a stop or a target"),
    (_long(average=6849.0), Bracket(stop_ticks=2), "stop at 6,848.50 is already past"),
    (_long(average=6848.0), Bracket(stop_ticks=40, target_ticks=4),
     "target at 6,849.00 is already past"),
])
def test_protect_is_refused_in_words(position, bracket, words):
    reference = position.average_price if position and position.average_price else 6850.0
    # the first leg past the bid 6,849.75: a stop at or above it, or a target at or below it
    quote = QUOTE if "past" not in words else Quote(ES, bid=6848.50 if "stop" in words
                                                    else 6849.75, ask=6850.0, tick_size=0.25)
    with pytest.raises(InvalidOrder, match=words):
        protect_for(position, bracket, reference, 0.25, quote)


def _stop(price, action="SELL", order_id="stop-1"):
    return OrderInfo(order_id, "Working", action, "STOPMARKET", ES, 2, stop_price=price,
                     oco_id="oco1")


def test_breakeven_moves_the_stop_leg_to_the_average_plus_ticks():
    change = breakeven_for(_long(average=6840.0), (_stop(6835.0),), 0.25, 2, QUOTE)
    assert (change.order_id, change.body()) == ("stop-1", {"stopPrice": 6840.5})
    assert change.describe() == f"MOVE stop of order stop-1 in {ES} to 6,840.50 " \
                                "(breakeven +2 t)"


@pytest.mark.parametrize(("average", "working", "words"), [
    (6850.0, (_stop(6840.0),), "must stay below the bid: breakeven 6,850.00"),
    (6840.0, (), "No working stop protects Long 2"),
    (6840.0, None, "could not be read"),
    (6840.0, (_stop(6840.0),), "already at 6,840.00"),
    (6840.0, (_stop(6835.0, action="BUY"),), "No working stop"),
])
def test_breakeven_is_refused_in_words(average, working, words):
    with pytest.raises(InvalidOrder, match=words):
        breakeven_for(_long(average=average), working, 0.25, 0, QUOTE)


def test_breakeven_for_a_short_stays_above_the_ask():
    short = Position("Sim101", ES, Side.SHORT, 1, 6849.0)
    with pytest.raises(InvalidOrder, match="must stay above the ask"):
        breakeven_for(short, (_stop(6860.0, "BUY"),), 0.25, 0, QUOTE)
    change = breakeven_for(short, (_stop(6860.0, "BUY"),), 0.25, 0,
                           Quote(ES, bid=6847.0, ask=6847.25, tick_size=0.25))
    assert change.stop_price == 6849.0


def test_a_leg_moves_one_tick_and_a_stop_keeps_its_side():
    assert nudge_for(_stop(6849.0), "Sim101", -1, 0.25, QUOTE).stop_price == 6848.75
    with pytest.raises(InvalidOrder, match="must stay below the bid"):
        nudge_for(_stop(6849.5), "Sim101", +1, 0.25, QUOTE)
    target = OrderInfo("t1", "Working", "SELL", "LIMIT", ES, 2, limit_price=6860.0)
    assert nudge_for(target, "Sim101", +1, 0.25, QUOTE).body() == {"limitPrice": 6860.25}


def test_a_protect_order_describes_its_legs():
    order = ProtectOrder("Sim101", ES, Side.LONG, 2, 6844.0, None, Bracket(stop_ticks=32))
    assert order.describe() == f"PROTECT Long 2 {ES}: stop 6,844.00"
    assert order.preview(None).startswith(f"Cancels every working order in {ES}")


def test_limit_entries_keep_their_prices():
    entry = entry_for(_order(order_type="LIMIT", limit_price=6849.75),
                      Position.flat("Sim101", ES), "x")
    assert entry.order_type is OrderType.LIMIT and entry.body()["limitPrice"] == 6849.75
    assert entry.action is OrderSide.BUY
