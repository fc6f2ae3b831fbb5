"""The simulator keeps CrossTrade's semantics of §10: close, accounts, contract months,
working orders, market data only for known instruments, the budgets and the 1008 close."""

import asyncio
import json
from datetime import date

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from ctpanel.core.errors import NotConnectedError, RateLimitedError, UnknownAccountError
from ctpanel.core.wire.stream import CrossTradeStream
from ctpanel.sim import Simulator
from ctpanel.sim.market import Market
from tests.conftest import TOKEN


@pytest.fixture
async def stream(sim):
    connected = CrossTradeStream(TOKEN, url=sim.ws_url)
    yield connected
    await connected.close()


@pytest.fixture
async def api(sim):
    async with httpx.AsyncClient(base_url=sim.base_url + "/v1/api",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def test_roots_roll_to_the_front_month():
    assert Market(today=date(2026, 11, 24)).resolve("ES").name == "ES 12-26"
    after_expiry = Market(today=date(2026, 12, 19))
    assert after_expiry.resolve("ES1!").name == "ES 03-27"
    assert {"ES 03-27", "ES 06-27", "ES 09-27"} <= set(after_expiry.contracts)
    assert "ES 12-26" not in after_expiry.contracts  # expired: no longer listed...
    assert after_expiry.resolve("ES 12-26").name == "ES 12-26"  # ...but still known (11.1)
    assert after_expiry.resolve("ESZ26").name == "ES 12-26"
    assert after_expiry.resolve("ES 01-27") is None  # ES has no January contract
    assert after_expiry.resolve("FOO 12-26") is None


async def test_a_past_month_with_nothing_open_is_nothing_to_close_not_unknown(sim, api):
    closed = await api.post("/accounts/Sim101/positions/close",
                            json={"instrument": "MNQ 06-26"})
    assert closed.status_code == 400
    assert closed.json()["error"] == "No positions found for instrument 'MNQ 06-26'"
    flattened = await api.post("/positions/flatten",
                               json={"account": "Sim101", "instrument": "MNQ 06-26"})
    assert flattened.status_code == 200 and flattened.json()["closedPositions"] == []


async def test_over_the_budget_the_429_body_third_parties_observe(api):
    replies = [await api.get("/accounts") for _ in range(25)]
    limited = next(r for r in replies if r.status_code == 429)
    body = limited.json()
    assert body["success"] is False and body["error"] == "rate_limited"
    assert body["retryAfter"] >= 1 and int(limited.headers["Retry-After"]) >= 1


async def test_close_caps_the_quantity_and_rounds_percent_up(sim, api):
    sim.state.set_position("Sim103", "ES", 5)
    await api.post("/accounts/Sim103/orders/place", json={
        "instrument": "ES", "action": "SELL", "orderType": "LIMIT", "limitPrice": 9000.0,
        "quantity": 5, "timeInForce": "GTC"})
    partial = await api.post("/accounts/Sim103/positions/close",
                             json={"instrument": "ES", "percent": 0.5})
    assert partial.status_code == 200
    assert sim.state.position_of("Sim103", "ES").signed_quantity == 2  # 2.5 rounds up to 3
    working = [o for o in sim.state.orders.values() if o.active]
    assert len(working) == 1, "a partial close leaves working orders in place"
    capped = await api.post("/accounts/Sim103/positions/close",
                            json={"instrument": "ES", "quantity": 99})
    assert capped.status_code == 200 and capped.json()["closedPositions"][0]["quantity"] == 2
    assert sim.state.position_of("Sim103", "ES").signed_quantity == 0
    assert not any(o.active for o in sim.state.orders.values()), "a full close flattens"


async def test_with_ninjatrader_closed_the_account_list_is_empty(sim, api, client):
    sim.state.ninjatrader_connected = False
    assert (await api.get("/accounts")).json() == {"accounts": [], "success": True}
    assert await client.list_accounts() == []
    with pytest.raises(NotConnectedError):
        await client.get_position("Sim101", "ES")
    body = (await api.get("/accounts/Sim101/positions")).json()
    assert body["error"] == "addon_disconnected"


async def test_working_stop_fills_when_the_market_reaches_it(sim, api):
    last = sim.state.market.last("ES 12-26")
    placed = await api.post("/accounts/Sim103/orders/place", json={
        "instrument": "ES", "action": "BUY", "orderType": "STOPMARKET", "stopPrice": last + 1,
        "quantity": 1, "timeInForce": "DAY"})
    order_id = placed.json()["orderId"]
    assert sim.state.orders[order_id].state == "Working"
    sim.state.market.set_last("ES 12-26", last + 2)
    sim.state.step()
    order = (await api.get(f"/accounts/Sim103/orders/{order_id}")).json()
    assert order["orderState"] == "Filled" and order["filled"] == 1
    assert order["averageFillPrice"] >= last + 1


async def test_a_stop_on_the_wrong_side_is_rejected_with_a_reason(sim, api):
    last = sim.state.market.last("ES 12-26")
    placed = await api.post("/accounts/Sim103/orders/place", json={
        "instrument": "ES", "action": "BUY", "orderType": "STOPMARKET", "stopPrice": last - 5,
        "quantity": 1, "timeInForce": "DAY"})
    order_id = placed.json()["orderId"]
    status = (await api.get(f"/accounts/Sim103/orders/{order_id}/status")).json()
    assert status["status"] == "Rejected"


async def test_websocket_errors_are_classified_by_code_without_a_status(sim, stream):
    sim.state.ninjatrader_connected = False
    with pytest.raises(NotConnectedError):
        await stream.rpc("GetPosition", {"account": "Sim101", "instrument": "ES"})
    sim.state.ninjatrader_connected = True
    with pytest.raises(UnknownAccountError, match="does not know this account"):
        await stream.rpc("GetPosition", {"account": "Nobody", "instrument": "ES"})


async def test_market_data_only_for_known_instruments_within_the_subscription_budget(sim):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with connect(sim.ws_url, additional_headers=headers) as ws:
        await ws.send(json.dumps({"action": "subscribe", "instruments": ["ZZ 01-01"]}))
        refused = json.loads(await ws.recv())
        assert refused["type"] == "error" and refused["error"] == "invalid_instrument"
        for _ in range(6):  # the burst allows about five changes; the rest wait
            await ws.send(json.dumps({"action": "subscribe", "instruments": ["NQ"]}))
        replies = [json.loads(await ws.recv()) for _ in range(6)]
        replies = [r for r in replies if r.get("type") != "marketData"]
        assert any(r.get("error") == "Rate limit exceeded" for r in replies)
        assert sim.subscriptions_over_budget >= 1


async def test_ten_over_budget_rpcs_in_a_row_close_the_socket_with_1008():
    async with Simulator(token=TOKEN, rate_limit=(1, 0.01)) as sim, connect(sim.ws_url,
                       additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        for index in range(12):
            await ws.send(json.dumps({"action": "rpc", "id": f"r{index}",
                                      "api": "ListAccounts", "args": {}}))
        with pytest.raises(ConnectionClosed):
            async with asyncio.timeout(5):
                while True:
                    await ws.recv()
        assert ws.close_code == 1008


async def test_an_over_budget_ws_rpc_is_a_rate_limit_error():
    async with Simulator(token=TOKEN, rate_limit=(1, 0.01)) as limited:
        other = CrossTradeStream(TOKEN, url=limited.ws_url)
        try:
            await other.rpc("ListAccounts", {})
            with pytest.raises(RateLimitedError):
                await other.rpc("ListAccounts", {})
        finally:
            await other.close()
