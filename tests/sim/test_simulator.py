"""The simulator itself: CrossTrade's shapes, aliases, enum casing, budget and state."""

import json

import httpx
import pytest

from ctpanel.sim import Simulator
from ctpanel.sim.market import Market
from tests.conftest import TOKEN


@pytest.fixture
async def http(sim):
    async with httpx.AsyncClient(base_url=sim.base_url,
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


@pytest.mark.parametrize("alias", ["ES", "es", "ES1!", "ESZ26", "ESZ6", "ES 12-26", "ES DEC26"])
def test_instrument_aliases_resolve_to_the_dated_contract(alias):
    assert Market().resolve(alias).name == "ES 12-26"


def test_unknown_instruments_do_not_resolve():
    assert Market().resolve("ZZ 01-01") is None


@pytest.mark.parametrize(("action", "order_type", "tif"),
                         [("BUY", "MARKET", "DAY"), ("Buy", "Market", "Gtc"),
                          ("buy", "market", "gtc")])
async def test_enums_are_accepted_in_any_case(sim, http, action, order_type, tif):
    reply = await http.post("/v1/api/accounts/Sim102/positions/reverseposition",
                            json={"instrument": "MES", "action": action, "quantity": 1,
                                  "orderType": order_type, "timeInForce": tif})
    assert reply.status_code == 200 and reply.json()["success"] is True
    assert sim.state.position_of("Sim102", "MES").signed_quantity == 1


@pytest.mark.parametrize(
    ("body", "detail"),
    [({"action": "SELL", "quantity": 1, "orderType": "MARKET", "timeInForce": "DAY"},
      "instrument is required"),
     ({"instrument": "ES", "action": "SELL", "quantity": 1.0, "orderType": "MARKET",
       "timeInForce": "DAY"}, "quantity must be a positive integer"),
     ({"instrument": "ES", "action": "SELL", "quantity": 1, "orderType": "LIMIT",
       "timeInForce": "DAY"}, "limitPrice is required"),
     ({"instrument": "ES", "action": "SELL", "quantity": 1, "orderType": "STOPLIMIT",
       "limitPrice": 1, "timeInForce": "DAY"}, "stopPrice is required")],
)
async def test_bad_bodies_are_invalid_requests(sim, http, body, detail):
    reply = await http.post("/v1/api/accounts/Sim101/positions/reverseposition", json=body)
    assert reply.status_code == 400
    assert reply.json()["error"] == "Invalid request" and detail in reply.json()["detail"]
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 2


async def test_reverse_cancels_working_orders_and_limit_entries_stay_working(sim, http):
    place = await http.post("/v1/api/accounts/Sim101/orders/place",
                            json={"instrument": "ES", "action": "SELL", "quantity": 1,
                                  "orderType": "LIMIT", "limitPrice": 9000,
                                  "timeInForce": "GTC"})
    old_id = place.json()["orderId"]
    reverse = await http.post("/v1/api/accounts/Sim101/positions/reverseposition",
                              json={"instrument": "ES", "action": "SELL", "quantity": 2,
                                    "orderType": "LIMIT", "limitPrice": 9100,
                                    "timeInForce": "DAY"})
    orders = {o["orderId"]: o for o in (await http.get(
        "/v1/api/accounts/Sim101/orders")).json()["orders"]}
    assert orders[old_id]["orderState"] == "Cancelled"
    assert orders[reverse.json()["orderId"]]["orderState"] == "Working"
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 0


async def test_true_reverse_and_flatten(sim, http):
    reply = await http.post("/v1/api/accounts/Sim101/positions/reverse", json={"instrument": "NQ"})
    assert reply.status_code == 200
    assert sim.state.position_of("Sim101", "NQ").signed_quantity == 1
    flat = await http.post("/v1/api/accounts/Sim101/positions/flatten", json={})
    assert {p["instrument"] for p in flat.json()["closedPositions"]} == {"ES 12-26", "NQ 12-26"}
    again = await http.post("/v1/api/accounts/Sim101/positions/flatten", json={})
    assert again.json()["warning"] == "Nothing to flatten"
    everything = await http.post("/v1/api/positions/flatten", json={})
    assert [p["account"] for p in everything.json()["closedPositions"]] == [
        "Sim102", "APEX-1", "APEX-2", "APEX-4", "APEX-5"]  # the demo group's too
    assert [r.api for r in sim.received][-1] == "FlattenEverything"


async def test_all_positions_and_flat_rows(sim, http):
    sim.state.set_position("Sim103", "CL", 0)
    default = (await http.get("/v1/api/positions")).json()
    with_flat = (await http.get("/v1/api/positions", params={"includeFlat": "true"})).json()
    assert default["count"] == 7 and with_flat["count"] == 8  # Sim101-103 and the demo group


async def test_the_budget_is_twenty_then_three_per_second():
    async with Simulator(token=TOKEN) as sim, httpx.AsyncClient(base_url=sim.base_url,
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        statuses = [(await http.get("/v1/api/market/quote?instrument=ES")).status_code
                    for _ in range(22)]
    assert statuses[:20] == [200] * 20 and 429 in statuses[20:]


async def test_the_token_is_checked(sim):
    async with httpx.AsyncClient(base_url=sim.base_url) as http:
        missing = await http.get("/v1/api/accounts")
        wrong = await http.get("/v1/api/accounts", headers={"Authorization": "Bearer nope"})
    assert missing.status_code == wrong.status_code == 401
    assert wrong.json()["success"] is False


async def test_quote_with_several_instruments_is_an_array(http):
    reply = await http.get("/v1/api/market/quote", params={"instrument": "ES,NQ"})
    assert [q["instrument"] for q in reply.json()] == ["ES 12-26", "NQ 12-26"]


async def test_account_order_and_cancel_endpoints(sim, http):
    account = (await http.get("/v1/api/accounts/sim101")).json()
    assert account["name"] == "Sim101" and account["connectionStatus"] == "Connected"
    missing = await http.get("/v1/api/accounts/Sim999")
    assert missing.status_code == 404 and missing.json()["detail"] == "Account Sim999 not found"
    placed = await http.post("/v1/api/accounts/Sim103/orders/place",
                             json={"instrument": "GC", "action": "BUY", "quantity": 1,
                                   "orderType": "STOPMARKET", "stopPrice": 5000,
                                   "timeInForce": "GTC"})
    order_id = placed.json()["orderId"]
    order = (await http.get(f"/v1/api/accounts/Sim103/orders/{order_id}")).json()
    assert (order["orderType"], order["orderState"]) == ("StopMarket", "Working")
    cancel = await http.post(f"/v1/api/accounts/Sim103/orders/{order_id}/cancel", json={})
    assert cancel.json() == {"orderId": order_id, "success": True}
    again = await http.post(f"/v1/api/accounts/Sim103/orders/{order_id}/cancel", json={})
    assert again.status_code == 400 and "not found or already terminal" in again.json()["error"]


async def test_require_market_position_blocks_placement(sim, http):
    reply = await http.post("/v1/api/accounts/Sim101/orders/place",
                            json={"instrument": "ES", "action": "BUY", "quantity": 1,
                                  "orderType": "MARKET", "timeInForce": "DAY",
                                  "requireMarketPosition": "flat"})
    assert reply.status_code == 400 and "requireMarketPosition" in reply.json()["detail"]
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 2


async def test_the_snapshot_lists_accounts_and_positions(http):
    snapshot = (await http.get("/v1/api/accounts/snapshot")).json()
    assert snapshot["type"] == "snapshot" and snapshot["epoch"] > 1e12
    by_name = {a["account"]["name"]: a for a in snapshot["accounts"]}
    assert by_name["Sim103"]["account"]["isAccountFlat"] is True
    assert [p["instrument"] for p in by_name["Sim102"]["positions"]] == ["MES 12-26"]


async def test_websocket_ping_unknown_api_and_bad_json(sim):
    from websockets.asyncio.client import connect

    async with connect(sim.ws_url, additional_headers={"Authorization": f"Bearer {TOKEN}"}) as ws:
        await ws.send('{"action": "ping"}')
        assert json.loads(await ws.recv()) == {"type": "pong"}
        await ws.send('{"action": "rpc", "id": "x1", "api": "Teleport", "args": {}}')
        reply = json.loads(await ws.recv())
        assert reply["id"] == "x1" and reply["data"]["success"] is False
        # The documented reply form only: no invented "status" inside "data" (§10.1).
        assert set(reply) == {"id", "data"}
        assert set(reply["data"]) == {"success", "error", "detail"}
        assert reply["data"]["error"] == "Unknown API command"
        await ws.send("not json")
        assert json.loads(await ws.recv())["error"] == "Invalid JSON"
