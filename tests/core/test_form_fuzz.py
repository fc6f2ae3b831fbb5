"""Fuzzing the form model: what it accepts obeys the API's rules; what it refuses is explained."""

import json
import math
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, OrderType, Position, Side, TimeInForce
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import InvalidOrder

texts = st.one_of(st.none(), st.text(max_size=80),
                  st.sampled_from(["ES 12-26", "ES", "ES1!", "ESZ26", " mes  03-26 ", "Sim101"]))
numbers = st.one_of(st.none(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.booleans())
enum_like = st.one_of(st.text(max_size=12), st.sampled_from(
    [*OrderSide, *OrderType, *TimeInForce, "buy", "Sell", "stop_limit", "gtc"]))

raw_inputs = st.builds(OrderInput, account=texts, instrument=texts, action=enum_like,
                       quantity=numbers, order_type=enum_like, time_in_force=enum_like,
                       limit_price=numbers, stop_price=numbers, oco_id=texts, strategy=texts)

INSTRUMENT = re.compile(r"[A-Z0-9][A-Z0-9 .\-!/_]*")


def assert_obeys_the_api(order) -> None:
    body = order.body()
    assert set(body) >= {"instrument", "action", "quantity", "orderType", "timeInForce"}
    assert body["action"] in ("BUY", "SELL")
    assert body["orderType"] in ("MARKET", "LIMIT", "STOPMARKET", "STOPLIMIT")
    assert body["timeInForce"] in ("DAY", "GTC")
    assert type(body["quantity"]) is int and 1 <= body["quantity"] <= 100
    assert ("limitPrice" in body) == order.order_type.needs_limit_price
    assert ("stopPrice" in body) == order.order_type.needs_stop_price
    for key in ("limitPrice", "stopPrice"):
        if key in body:
            assert math.isfinite(body[key]) and body[key] > 0
    assert None not in body.values()
    assert order.account.strip() == order.account and order.account.isprintable()
    assert INSTRUMENT.fullmatch(body["instrument"])
    json.dumps(body, allow_nan=False)  # serialisable as CrossTrade expects


@settings(max_examples=400, deadline=None)
@given(raw_inputs)
def test_every_accepted_order_obeys_the_api_and_every_refusal_is_explained(raw):
    try:
        order = parse_order(raw)
    except InvalidOrder as invalid:
        assert invalid.problems
        assert all(p.message.strip().endswith(".") for p in invalid.problems)
        assert all(p.field in OrderInput.__dataclass_fields__ for p in invalid.problems)
        return
    assert_obeys_the_api(order)


positions = st.one_of(st.none(), st.builds(
    Position, account=st.just("Sim101"), instrument=st.just("ES 12-26"),
    side=st.sampled_from(list(Side)), quantity=st.integers(0, 150)))


@settings(max_examples=300, deadline=None)
@given(st.builds(FormState, account=st.sampled_from(["", "Sim101", " Sim102 "]),
                 instrument=st.sampled_from(["", "ES", "es 12-26", "?"]),
                 action=st.sampled_from(list(OrderSide)), quantity=st.integers(1, 120),
                 order_type=st.sampled_from(list(OrderType)),
                 time_in_force=st.sampled_from(list(TimeInForce)),
                 limit_price=st.one_of(st.none(), st.floats(0.25, 1e5)),
                 stop_price=st.one_of(st.none(), st.floats(0.25, 1e5)),
                 mirror=st.booleans(), position=positions))
def test_the_form_allows_reverse_only_for_a_valid_order_on_an_open_position(form):
    blocker = form.blocker()
    if blocker is not None:
        assert blocker.strip()
        return
    order = form.order()
    assert_obeys_the_api(order)
    assert form.position is not None and not form.position.is_flat
    if form.mirror:
        assert order.action is form.position.side.closing_action
        assert order.quantity == form.position.quantity
    assert form.preview().startswith(f"{form.position.describe()} -> ")
