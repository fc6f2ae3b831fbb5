"""The exact reverse request on the wire, as the simulator received it over loopback."""

import json

import pytest

from ctpanel.core.domain.models import ReverseOrder
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import NetworkError, UnknownAccountError
from ctpanel.core.wire.client import CrossTradeClient
from tests.conftest import TOKEN

CASES = {
    "MARKET": ({}, {}),
    "LIMIT": ({"limit_price": 6840.25}, {"limitPrice": 6840.25}),
    "STOPMARKET": ({"stop_price": 6830}, {"stopPrice": 6830.0}),
    "STOPLIMIT": ({"limit_price": 6829.5, "stop_price": 6830},
                  {"limitPrice": 6829.5, "stopPrice": 6830.0}),
}


@pytest.mark.parametrize("order_type", list(CASES))
async def test_reverse_request_matches_the_documented_format(sim, client, order_type):
    prices, wire_prices = CASES[order_type]
    order = parse_order(OrderInput(account="Sim101", instrument="ES 12-26", action="SELL",
                                   quantity=2, order_type=order_type, time_in_force="GTC",
                                   **prices))
    result = await client.reverse_position(order)

    [received] = sim.orders_received()
    assert received.method == "POST"
    assert received.raw_path == "/v1/api/accounts/Sim101/positions/reverseposition"
    assert received.headers["Authorization"] == f"Bearer {TOKEN}"
    assert received.headers["Content-Type"] == "application/json"
    assert received.body == {"instrument": "ES 12-26", "action": "SELL", "quantity": 2,
                             "orderType": order_type, "timeInForce": "GTC", **wire_prices}
    assert '"quantity": 2' in received.body_text or '"quantity":2' in received.body_text
    assert "null" not in received.body_text
    assert len(result.order_id) == 32 and result.round_trip_ms > 0


async def test_optional_fields_are_sent_only_when_set(sim, client):
    order = ReverseOrder(account="Sim101", instrument="ES", action=parse_order(
        OrderInput(account="x", instrument="ES", action="SELL")).action, quantity=2,
        oco_id="grp-1", strategy="ATM 2R")
    await client.reverse_position(order)
    body = sim.orders_received()[0].body
    assert body["ocoId"] == "grp-1" and body["strategy"] == "ATM 2R"
    assert set(body) == {"instrument", "action", "quantity", "orderType", "timeInForce",
                         "ocoId", "strategy"}


async def test_the_account_is_url_encoded_in_the_path(sim, client):
    order = parse_order(OrderInput(account="Apex 12/3?x#", instrument="ES", action="SELL"))
    with pytest.raises(UnknownAccountError):
        await client.reverse_position(order)  # the simulator has no such account
    [received] = sim.orders_received()
    assert received.raw_path == \
        "/v1/api/accounts/Apex%2012%2F3%3Fx%23/positions/reverseposition"


async def test_one_order_is_one_request(sim, client):
    order = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))
    await client.reverse_position(order)
    assert len(sim.orders_received()) == 1
    assert json.loads(sim.orders_received()[0].body_text)["quantity"] == 2


async def test_a_failed_connection_gets_the_orders_lane_re_warmed_at_the_next_poll(sim):
    async with CrossTradeClient(TOKEN, base_url=sim.base_url) as api:
        await api.list_accounts()
        await api.keep_warm(force=True)
        assert not await api.keep_warm(), "just warmed: nothing to do"
        sim.add_fault(apis=["GetPosition"], drop=True, times=1)
        with pytest.raises(NetworkError):
            await api.get_position("Sim101", "ES")
        assert await api.keep_warm(), "after a drop the orders lane is re-warmed at once"
        assert not await api.keep_warm()


async def test_the_order_rides_a_connection_opened_before_the_click(sim):
    async with CrossTradeClient(TOKEN, base_url=sim.base_url) as api:
        await api.list_accounts()  # the reads lane
        await api.keep_warm(force=True)  # the orders lane, as the panel opens it at start
        warmed = set(sim.peers)
        for _ in range(5):
            await api.get_position("Sim101", "ES")
        order = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL",
                                       quantity=2))
        await api.reverse_position(order)
        assert not await api.keep_warm(), "just used: no re-warm needed"
    assert len(warmed) == 2, "one connection per lane"
    assert sim.peers == warmed, "no request after the warm-up opened a new connection"
    [received] = sim.orders_received()
    polls = {r.peer for r in sim.received if r.api == "GetPosition"}
    assert received.peer in warmed and received.peer not in polls, "orders have their own lane"
