"""CrossTrade's own documented request examples (reference §5, §6, §10), replayed against the
simulator with the base URL swapped: each gets the documented response shape."""

import json

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.conftest import TOKEN

QUOTE_KEYS = {"description", "type", "tickSize", "pointValue", "tickValue", "exchange",
              "expiration", "tradingHours", "instrument", "bid", "ask", "last", "open", "high",
              "low", "close", "volume", "quoteTime", "quoteTimeUtc", "epoch", "dataSource",
              "isMarketOpen"}
ORDER_KEYS = {"account", "orderId", "instrument", "instrumentType", "orderType", "orderState",
              "quantity", "averageFillPrice", "filled", "fromEntrySignal", "gtd", "hasOverfill",
              "isBacktestOrder", "limitPrice", "limitPriceChanged", "ocoId", "orderAction",
              "quantityChanged", "stopPrice", "stopPriceChanged", "time", "epoch", "timeInForce",
              "name", "isLimit", "isLong", "isMarket", "isShort", "isStopLimit", "isStopMarket",
              "ownerStrategy", "success"}
EXECUTION_KEYS = {"id", "type", "time", "epoch", "name", "orderId", "account", "instrument",
                  "marketPosition", "price", "quantity", "commission", "isEntry", "isExit"}
POSITION_KEYS = {"account", "instrument", "marketPosition", "quantity", "averagePrice"}


@pytest.fixture
async def api(sim):
    """As the documentation's Python snippets do: a Bearer header, JSON bodies."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=sim.base_url + "/v1/api", headers=headers) as client:
        yield client


async def test_accounts_documented_shapes(api):
    listed = (await api.get("/accounts")).json()
    assert {"name", "connection", "broker"} <= set(listed["accounts"][0])
    account = (await api.get("/accounts/Sim101")).json()
    assert account["name"] == "Sim101" and account["success"] is True
    snapshot = (await api.get("/accounts/snapshot")).json()
    assert {"type", "timestamp", "epoch", "accounts"} <= set(snapshot)
    assert {"account", "positions"} <= set(snapshot["accounts"][0])


async def test_positions_documented_shapes(api):
    for path in ("/accounts/Sim101/positions", "/positions?includeFlat=false"):
        body = (await api.get(path)).json()
        assert {"positions", "count", "success"} <= set(body)
        assert set(body["positions"][0]) >= POSITION_KEYS
    one = (await api.get("/accounts/Sim101/position", params={"instrument": "ES 12-26"})).json()
    assert set(one) >= POSITION_KEYS and one["success"] is True


async def test_reverse_close_and_flatten_documented_shapes(api):
    reverse = await api.post("/accounts/Sim101/positions/reverseposition",
                             json={"instrument": "ES 12-26", "action": "SELL", "quantity": 2,
                                   "orderType": "MARKET", "timeInForce": "DAY"})
    assert set(reverse.json()) == {"orderId", "success"}
    assert len(reverse.json()["orderId"]) == 32
    true_reverse = await api.post("/accounts/Sim101/positions/reverse", json={"instrument": "NQ"})
    assert set(true_reverse.json()) == {"orderId", "success"}
    close = await api.post("/accounts/Sim102/positions/close",
                           json={"instrument": "MES", "quantity": 1})
    assert set(close.json()) == {"closedPositions", "success"}
    flatten = await api.post("/accounts/Sim101/positions/flatten", json={})
    assert {"closedPositions", "success"} <= set(flatten.json())
    everything = await api.post("/positions/flatten", json={"account": "Sim102"})
    assert {"orderIds", "closedPositions", "success"} <= set(everything.json())


async def test_orders_documented_shapes(api):
    placed = await api.post("/accounts/Sim103/orders/place", json={
        "instrument": "ES 12-26", "action": "BUY", "orderType": "LIMIT", "limitPrice": 6000.0,
        "quantity": 1, "timeInForce": "GTC", "orderId": "my-entry-1"})
    assert placed.json() == {"orderId": "my-entry-1", "success": True}  # the custom id kept
    order = (await api.get("/accounts/Sim103/orders/my-entry-1")).json()
    assert set(order) >= ORDER_KEYS and order["orderState"] == "Working"
    status = (await api.get("/accounts/Sim103/orders/my-entry-1/status")).json()
    assert status == {"status": "Working", "success": True}
    listed = (await api.get("/accounts/Sim103/orders")).json()
    assert [o["orderId"] for o in listed["orders"]] == ["my-entry-1"]
    cancel = await api.post("/accounts/Sim103/orders/my-entry-1/cancel", json={})
    assert cancel.json() == {"orderId": "my-entry-1", "success": True}
    again = await api.post("/accounts/Sim103/orders/my-entry-1/cancel", json={})
    assert again.status_code == 400 and "not found or already terminal" in again.json()["error"]
    cancel_all = await api.post("/accounts/Sim103/orders/cancel", json={"instrument": "ES"})
    assert set(cancel_all.json()) == {"orderIds", "success"}
    assert (await api.post("/orders/cancelall", json={})).json()["success"] is True
    lifecycle = (await api.get("/accounts/Sim103/orders/my-entry-1/lifecycle",
                               params={"includeFills": "true", "limit": "200"})).json()
    assert {"success", "orderId", "originalOrderId", "account", "count", "events"} <= \
        set(lifecycle)
    assert {"timestamp", "epoch", "source", "event", "orderState", "orderId"} <= \
        set(lifecycle["events"][0])
    assert lifecycle["events"][-1]["orderState"] == "Cancelled"


async def test_executions_documented_shapes(api):
    await api.post("/accounts/Sim101/positions/reverseposition",
                   json={"instrument": "ES", "action": "SELL", "quantity": 2,
                         "orderType": "MARKET", "timeInForce": "DAY"})
    body = (await api.get("/accounts/Sim101/executions", params={"lookbackTime": 900})).json()
    assert len(body["executions"]) == 2  # the close, then the entry
    assert set(body["executions"][0]) >= EXECUTION_KEYS
    time_text = body["executions"][0]["time"]
    assert len(time_text.rpartition(".")[2]) == 7 and "+" not in time_text  # NinjaTrader's form
    one = await api.get(f"/accounts/Sim101/executions/{body['executions'][1]['id']}")
    assert one.json()["orderId"] == body["executions"][1]["orderId"]


async def test_quote_documented_shapes(api):
    single = (await api.get("/market/quote", params={"instrument": "ES 12-26"})).json()
    assert set(single) == QUOTE_KEYS  # the single form documents no "success"
    several = (await api.get("/market/quote", params={"instrument": "ES 12-26,NQ 12-26"})).json()
    assert isinstance(several, list) and [q["instrument"] for q in several] == \
        ["ES 12-26", "NQ 12-26"]


async def test_websocket_documented_examples(sim):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with connect(sim.ws_url, additional_headers=headers) as ws:
        await ws.send(json.dumps({"action": "rpc", "id": "my-request", "api": "PlaceOrder",
                                  "args": {"account": "Sim101", "instrument": "ES 09-26",
                                           "action": "Buy", "orderType": "Market",
                                           "quantity": 1, "timeInForce": "Gtc"}}))
        reply = json.loads(await ws.recv())
        # ES 09-26 has expired on the simulator's day: CrossTrade's error shape, no status.
        assert reply["id"] == "my-request" and reply["data"]["success"] is False
        await ws.send(json.dumps({"action": "rpc", "id": "my-request-2", "api": "PlaceOrder",
                                  "args": {"account": "Sim101", "instrument": "ES 03-27",
                                           "action": "Buy", "orderType": "Market",
                                           "quantity": 1, "timeInForce": "Gtc"}}))
        reply = json.loads(await ws.recv())
        assert set(reply) == {"id", "data"} and set(reply["data"]) == {"orderId", "success"}
        await ws.send(json.dumps({"action": "subscribe", "instruments": ["ES 12-26"]}))
        while (push := json.loads(await ws.recv())).get("type") != "marketData":
            pass
        assert set(push["quotes"][0]) >= QUOTE_KEYS and push["quotes"][0]["instrument"] == \
            "ES 12-26"
        await ws.send(json.dumps({"action": "streamPnl", "enabled": True, "interval": 1000}))
        while (push := json.loads(await ws.recv())).get("type") != "pnlUpdate":
            pass
        assert {"type", "epoch", "accounts"} <= set(push)
