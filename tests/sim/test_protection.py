"""The simulator's entries and protection keep CrossTrade's documented semantics (reference
12.1, 12.2): Place Order's guards, Flat Place, Cancel and Bracket, Change and OCO pairs."""

import httpx
import pytest

from tests.conftest import TOKEN


@pytest.fixture
async def api(sim):
    sim.state.market.is_open = False  # a still market: nothing fills by chance
    async with httpx.AsyncClient(base_url=sim.base_url + "/v1/api",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def _market(sim, name="ES 12-26"):
    return sim.state.market.bid_ask(name)


async def _orders(api, account="Sim101"):
    reply = await api.get(f"/accounts/{account}/orders", params={"activeOnly": "true"})
    return reply.json()["orders"]


async def test_place_order_keeps_its_custom_id_and_checks_the_position(sim, api):
    body = {"instrument": "ES", "action": "BUY", "quantity": 1, "orderType": "MARKET",
            "timeInForce": "DAY"}
    refused = await api.post("/accounts/Sim101/orders/place",
                             json={**body, "requireMarketPosition": "flat"})
    assert refused.status_code == 400
    assert "position is long" in refused.json()["detail"]
    added = await api.post("/accounts/Sim101/orders/place",
                           json={**body, "requireMarketPosition": "long", "orderId": "mine-1"})
    assert added.json()["orderId"] == "mine-1"
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 3
    status = await api.get("/accounts/Sim101/orders/mine-1/status")
    assert status.json()["status"] == "Filled"


async def test_max_positions_refuses_an_account_already_holding_that_many(sim, api):
    body = {"instrument": "CL", "action": "BUY", "quantity": 1, "orderType": "MARKET",
            "timeInForce": "DAY"}
    refused = await api.post("/accounts/Sim101/orders/place", json={**body, "maxPositions": 2})
    assert refused.status_code == 400 and "holds 2 positions" in refused.json()["detail"]
    assert sim.state.position_of("Sim101", "CL").signed_quantity == 0
    placed = await api.post("/accounts/Sim101/orders/place", json={**body, "maxPositions": 3})
    assert placed.status_code == 200


async def test_flat_place_closes_then_places_even_when_flat(sim, api):
    body = {"instrument": "ES", "action": "SELL", "quantity": 1, "orderType": "MARKET",
            "timeInForce": "DAY"}
    await api.post("/accounts/Sim101/orders/flatplace", json=body)
    assert sim.state.position_of("Sim101", "ES").signed_quantity == -1  # long 2 closed first
    await api.post("/accounts/Sim103/orders/flatplace", json=body)
    assert sim.state.position_of("Sim103", "ES").signed_quantity == -1


async def test_cancel_and_bracket_cancels_then_places_one_oco_pair_clamped(sim, api):
    bid, ask = _market(sim)
    working = await api.post("/accounts/Sim101/orders/place", json={
        "instrument": "ES", "action": "SELL", "quantity": 1, "orderType": "LIMIT",
        "timeInForce": "DAY", "limitPrice": ask + 10})
    reply = await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Buy", "qty": 5, "stopLoss": bid - 4,
        "takeProfit": ask + 4})
    body = reply.json()
    assert reply.status_code == 200, body
    assert body["cancelledOrderIds"] == [working.json()["orderId"]]
    assert body["quantity"] == 2  # clamped to the live long 2
    legs = {o["orderId"]: o for o in await _orders(api)}
    assert set(legs) == {body["stopOrderId"], body["targetOrderId"]}
    stop, target = legs[body["stopOrderId"]], legs[body["targetOrderId"]]
    assert (stop["orderType"], stop["orderAction"], stop["stopPrice"]) == (
        "StopMarket", "Sell", bid - 4)
    assert (target["orderType"], target["orderAction"], target["limitPrice"]) == (
        "Limit", "Sell", ask + 4)
    assert stop["ocoId"] == target["ocoId"] == body["ocoId"] != ""
    assert stop["quantity"] == target["quantity"] == 2


async def test_a_filled_leg_cancels_its_partner(sim, api):
    bid, ask = _market(sim)
    body = (await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Buy", "quantity": 2, "stopLoss": bid - 2,
        "takeProfit": ask + 2})).json()
    sim.state.market.set_last("ES 12-26", bid - 3)  # through the stop
    sim.state.step()
    assert sim.state.orders[body["stopOrderId"]].state == "Filled"
    assert sim.state.orders[body["targetOrderId"]].state == "Cancelled"
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 0


async def test_cancel_and_bracket_is_aborted_when_the_position_goes_flat(sim, api):
    bid, ask = _market(sim)
    sim.state.flatten_during_bracket = True
    reply = await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Buy", "quantity": 2, "stopLoss": bid - 4,
        "takeProfit": ask + 4})
    assert reply.status_code == 400 and "aborted" in reply.json()["error"]
    assert await _orders(api) == []


async def test_cancel_and_bracket_refuses_the_wrong_side_and_no_leg(sim, api):
    _bid, ask = _market(sim)
    wrong = await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Sell", "quantity": 2, "stopLoss": ask + 4})
    assert wrong.status_code == 400 and "Long position" in wrong.json()["detail"]
    none = await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Buy", "quantity": 2})
    assert none.status_code == 400


async def test_change_moves_a_stop_and_refuses_the_wrong_side(sim, api):
    bid, _ask = _market(sim)
    body = (await api.post("/accounts/Sim101/orders/cancel_and_bracket", json={
        "instrument": "ES", "action": "Buy", "quantity": 2, "stopLoss": bid - 8})).json()
    stop_id = body["stopOrderId"]
    moved = await api.put(f"/accounts/Sim101/orders/{stop_id}/change",
                          json={"stopPrice": bid - 1})
    assert moved.status_code == 200 and moved.json() == {"orderId": stop_id, "success": True}
    assert sim.state.orders[stop_id].ticket.stop_price == bid - 1
    assert sim.state.orders[stop_id].state == "Working"
    above = await api.put(f"/accounts/Sim101/orders/{stop_id}/change",
                          json={"stopPrice": bid + 1})
    assert above.status_code == 400 and "above the market" in above.json()["detail"]
    assert sim.state.orders[stop_id].ticket.stop_price == bid - 1  # unchanged
    empty = await api.put(f"/accounts/Sim101/orders/{stop_id}/change", json={})
    assert empty.status_code == 400 and empty.json()["error"] == "Invalid request"
