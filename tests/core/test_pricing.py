"""Prices against the market, without Qt: the tick grid, the side-of-market matrix, prices
filled in from the market, slippage, P&L, and the P&L stream's undocumented shapes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, OrderType, Position, Quote, Side
from ctpanel.core.domain.pricing import (
    Severity,
    describe_slippage,
    position_pnl,
    prefilled_prices,
    side_of_market,
    snap,
)
from ctpanel.core.wire.payloads import pnl_from

NQ = Quote("NQ 12-26", bid=25400.75, ask=25401.00, last=25401.00, tick_size=0.25,
           point_value=20.0, tick_value=5.0)


@given(st.floats(min_value=0.01, max_value=100_000), st.sampled_from([0.25, 0.01, 0.1, 0.5]))
def test_snapping_lands_on_the_grid_within_half_a_tick(price, tick):
    snapped = snap(price, tick)
    assert abs(snapped - price) <= tick / 2 + 1e-9
    assert snap(snapped, tick) == snapped  # already on the grid: unchanged


def test_an_off_tick_price_is_refused_with_the_nearest_one():
    form = FormState(account="A", instrument="NQ", action=OrderSide.BUY, order_type=OrderType.LIMIT,
                     limit_price=25399.1, mirror=False, quote=NQ,
                     position=Position("A", "NQ 12-26", Side.SHORT, 1))
    assert form.blocker() == "25,399.10 is not on the 0.25 tick grid: nearest 25,399.00."


# The matrix: each order type x side x a price below / at / above the market (the touch on
# the entry side: the ask for a buy, the bid for a sell). REFUSE, WARN or nothing.
BELOW, AT, ABOVE = -1, 0, 1
MATRIX = {
    (OrderType.STOPMARKET, OrderSide.BUY):
        {BELOW: Severity.REFUSE, AT: Severity.REFUSE, ABOVE: None},
    (OrderType.STOPMARKET, OrderSide.SELL):
        {BELOW: None, AT: Severity.REFUSE, ABOVE: Severity.REFUSE},
    (OrderType.STOPLIMIT, OrderSide.BUY):
        {BELOW: Severity.REFUSE, AT: Severity.REFUSE, ABOVE: None},
    (OrderType.STOPLIMIT, OrderSide.SELL):
        {BELOW: None, AT: Severity.REFUSE, ABOVE: Severity.REFUSE},
    (OrderType.LIMIT, OrderSide.BUY):
        {BELOW: None, AT: Severity.WARN, ABOVE: Severity.WARN},
    (OrderType.LIMIT, OrderSide.SELL):
        {BELOW: Severity.WARN, AT: Severity.WARN, ABOVE: None},
    (OrderType.MARKET, OrderSide.BUY):
        {BELOW: None, AT: None, ABOVE: None},
    (OrderType.MARKET, OrderSide.SELL):
        {BELOW: None, AT: None, ABOVE: None},
}


@pytest.mark.parametrize(("order_type", "action", "where"),
                         [(t, a, w) for (t, a), row in MATRIX.items() for w in row])
def test_side_of_market_matrix(order_type, action, where):
    touch = NQ.ask if action is OrderSide.BUY else NQ.bid
    price = touch + where * 2 * NQ.tick_size
    checks = side_of_market(action, order_type, price, price, NQ)
    expected = MATRIX[(order_type, action)][where]
    assert [c.severity for c in checks] == ([expected] if expected else [])
    if expected is Severity.REFUSE:
        side = "above" if action is OrderSide.BUY else "below"
        assert checks[0].message == (f"A {action.value.lower()} stop must be {side} the market: "
                                     f"{'ask' if action is OrderSide.BUY else 'bid'} is "
                                     f"{touch:,.2f}.")


def test_a_refused_stop_blocks_the_form_and_a_marketable_limit_only_warns():
    short = Position("A", "NQ 12-26", Side.SHORT, 3)
    stop = FormState(account="A", instrument="NQ", order_type=OrderType.STOPMARKET,
                     stop_price=25400.00, position=short, quote=NQ)
    assert stop.blocker() == "A buy stop must be above the market: ask is 25,401.00."
    limit = FormState(account="A", instrument="NQ", order_type=OrderType.LIMIT,
                      limit_price=25402.00, position=short, quote=NQ)
    assert limit.blocker() is None
    assert limit.warnings() == ["BUY LIMIT at or above the ask (25,401.00) fills at once like "
                                "a market order."]


def test_smart_confirmation_for_a_price_far_from_the_market():
    short = Position("A", "NQ 12-26", Side.SHORT, 3)
    near = FormState(account="A", instrument="NQ", order_type=OrderType.STOPMARKET,
                     stop_price=25405.00, position=short, quote=NQ, confirm_distance_ticks=40)
    far = FormState(account="A", instrument="NQ", order_type=OrderType.STOPMARKET,
                    stop_price=25451.00, position=short, quote=NQ, confirm_distance_ticks=40)
    assert near.needs_confirming() is None
    assert far.needs_confirming() == "25,451.00 is 200 ticks from the market (last 25,401.00)."


def test_the_preview_names_the_reference_price():
    form = FormState(account="A", instrument="NQ", position=Position("A", "NQ", Side.LONG, 2),
                     quote=NQ)
    assert form.preview().startswith("Long 2 -> Short 2 at about 25,400.75 (bid), MARKET")


def test_prices_filled_in_from_the_market():
    assert prefilled_prices(OrderSide.BUY, OrderType.LIMIT, NQ) == (25400.75, None)
    assert prefilled_prices(OrderSide.SELL, OrderType.LIMIT, NQ) == (25401.00, None)
    assert prefilled_prices(OrderSide.BUY, OrderType.STOPMARKET, NQ,
                            stop_offset_ticks=4) == (None, 25402.00)
    assert prefilled_prices(OrderSide.SELL, OrderType.STOPLIMIT, NQ,
                            stop_offset_ticks=2) == (25400.25, 25400.25)
    assert prefilled_prices(OrderSide.BUY, OrderType.LIMIT, None) == (None, None)


def test_slippage_against_the_last_price_at_the_click():
    assert describe_slippage(OrderSide.BUY, 25401.25, 25401.00, 0.25) == \
        "1 tick slippage vs last at click"
    assert describe_slippage(OrderSide.SELL, 25400.50, 25401.00, 0.25) == \
        "2 ticks slippage vs last at click"
    assert describe_slippage(OrderSide.SELL, 25401.25, 25401.00, 0.25) == \
        "1 tick better than last at click"
    assert describe_slippage(OrderSide.BUY, 25401.00, 25401.00, 0.25) == \
        "no slippage vs last at click"


def test_pnl_in_currency_and_ticks():
    long_2 = Position("A", "NQ 12-26", Side.LONG, 2, average_price=25400.00,
                      unrealized_pnl=10.0)
    assert position_pnl(long_2, NQ) == (40.0, 4.0)  # 4 ticks x $5 x 2 contracts
    short_1 = Position("A", "NQ 12-26", Side.SHORT, 1, average_price=25400.00)
    assert position_pnl(short_1, NQ) == (-20.0, -4.0)
    # No fresh quote: CrossTrade's own figure from the position read.
    assert position_pnl(long_2, None) == (10.0, None)


@pytest.mark.parametrize("message", [
    {"type": "pnlUpdate", "accounts": [{"name": "Sim101", "unrealizedProfitLoss": -12.5,
                                        "realizedProfitLoss": 3.0}]},
    {"type": "pnlUpdate", "accounts": [{"account": "sim101", "unrealizedPnl": -12.5}]},
    {"type": "pnlUpdate", "accounts": {"Sim101": {"unrealizedPnl": -12.5}}},
])
def test_the_pnl_stream_is_read_in_every_shape_seen(message):
    assert pnl_from(message, "Sim101").unrealized == -12.5
    assert pnl_from(message, "Sim102") is None


@pytest.mark.parametrize("message", [{"type": "pnlUpdate"}, {"accounts": "x"},
                                     {"accounts": [{"name": "Sim101", "unrealizedPnl": "NaN"}]}])
def test_unreadable_pnl_is_no_pnl(message):
    assert pnl_from(message, "Sim101") is None
