"""The form rules: one plain-words problem per field, nothing invalid reaches the wire."""

import math

import pytest

from ctpanel.core.domain.models import OrderSide, OrderType, TimeInForce
from ctpanel.core.domain.validation import OrderInput, order_problems, parse_order
from ctpanel.core.errors import InvalidOrder


def fields(problems):
    return {p.field: p.message for p in problems}


def test_a_market_order_is_normalised():
    order = parse_order(OrderInput(account=" Sim101 ", instrument="  es   12-26 ", action="sell",
                                   quantity="2", order_type="market", time_in_force="day"))
    assert order.account == "Sim101"
    assert order.instrument == "ES 12-26"
    assert (order.action, order.quantity) == (OrderSide.SELL, 2)
    assert (order.order_type, order.time_in_force) == (OrderType.MARKET, TimeInForce.DAY)
    assert order.limit_price is None and order.stop_price is None


@pytest.mark.parametrize("instrument", ["ES 12-25", "ES", "ES1!", "ESH26", "MES 03-26", "es dec26"])
def test_every_accepted_instrument_form_passes(instrument):
    assert parse_order(OrderInput(account="Sim101", instrument=instrument)).instrument


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (OrderInput(account="", instrument="ES"), "account", "Account is required."),
        (OrderInput(account="Sim101", instrument="   "), "instrument", "Instrument is required."),
        (OrderInput(account="Sim\x00101", instrument="ES"), "account", "control characters"),
        (OrderInput(account="A" * 65, instrument="ES"), "account", "too long"),
        (OrderInput(account="Sim101", instrument="ES'; DROP"), "instrument", "not a symbol"),
        (OrderInput(account="Sim101", instrument="ES", quantity=0), "quantity", "at least 1"),
        (OrderInput(account="Sim101", instrument="ES", quantity=1.5), "quantity", "whole number"),
        (OrderInput(account="Sim101", instrument="ES", quantity="two"), "quantity",
         "whole number"),
        (OrderInput(account="Sim101", instrument="ES", quantity=True), "quantity",
         "whole number"),
        (OrderInput(account="Sim101", instrument="ES", quantity=101), "quantity",
         "101 is over your largest quantity, 100 (Preferences)"),
        (OrderInput(account="Sim101", instrument="ES", action="HOLD"), "action", "BUY, SELL"),
        (OrderInput(account="Sim101", instrument="ES", order_type="ICEBERG"), "order_type",
         "MARKET, LIMIT, STOPMARKET, STOPLIMIT"),
        (OrderInput(account="Sim101", instrument="ES", time_in_force="IOC"), "time_in_force",
         "DAY, GTC"),
    ],
)
def test_each_problem_is_named_in_plain_words(raw, field, words):
    problems = fields(order_problems(raw))
    assert field in problems
    assert words in problems[field]


@pytest.mark.parametrize(
    ("order_type", "limit", "stop", "expected"),
    [
        ("LIMIT", None, None, {"limit_price": "Limit price is required for LIMIT orders."}),
        ("STOPMARKET", None, None, {"stop_price": "Stop price is required for STOPMARKET orders."}),
        ("STOPLIMIT", 10, None, {"stop_price": "Stop price is required for STOPLIMIT orders."}),
        ("STOPLIMIT", None, 10, {"limit_price": "Limit price is required for STOPLIMIT orders."}),
        ("MARKET", 6800, None, {"limit_price": "Limit price is not used by MARKET orders; "
                                               "clear it."}),
        ("LIMIT", 6800, 6790, {"stop_price": "Stop price is not used by LIMIT orders; clear it."}),
        ("STOPMARKET", 5, 6790, {"limit_price": "Limit price is not used by STOPMARKET orders; "
                                                "clear it."}),
    ],
)
def test_prices_follow_the_order_type(order_type, limit, stop, expected):
    raw = OrderInput(account="Sim101", instrument="ES", order_type=order_type,
                     limit_price=limit, stop_price=stop)
    assert fields(order_problems(raw)) == expected


@pytest.mark.parametrize("bad", [0, -1, math.inf, math.nan, "abc", "1e400", 1e12])
def test_prices_must_be_finite_and_positive(bad):
    raw = OrderInput(account="Sim101", instrument="ES", order_type="LIMIT", limit_price=bad)
    assert "limit_price" in fields(order_problems(raw))


def test_a_stop_limit_order_keeps_both_prices():
    order = parse_order(OrderInput(account="Sim101", instrument="ES", order_type="STOPLIMIT",
                                   limit_price="6,801.25", stop_price=6800))
    assert (order.limit_price, order.stop_price) == (6801.25, 6800.0)


def test_all_problems_are_reported_at_once_and_in_the_message():
    with pytest.raises(InvalidOrder) as caught:
        parse_order(OrderInput(account="", instrument="", quantity=0))
    assert {p.field for p in caught.value.problems} == {"account", "instrument", "quantity"}
    assert "Account is required." in str(caught.value)


def test_the_quantity_limit_is_configurable():
    raw = OrderInput(account="Sim101", instrument="ES", quantity=150)
    assert order_problems(raw, max_quantity=200) == []
    assert "quantity" in fields(order_problems(raw, max_quantity=100))


def test_blank_optional_fields_are_dropped():
    order = parse_order(OrderInput(account="Sim101", instrument="ES", oco_id="  ",
                                   strategy=""))
    assert order.oco_id is None and order.strategy is None
