"""The simulator's account risk (reference 12.3): realised P&L kept per account from its fills,
``GetAccount``'s risk fields, ``GetWatermarks`` in the documented shape, and a seed near a
limit."""

import httpx
import pytest

from tests.conftest import TOKEN


@pytest.fixture
async def api(sim):
    sim.state.market.is_open = False  # a still market: prices move only when a test says
    async with httpx.AsyncClient(base_url=sim.base_url + "/v1/api",
                                 headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def _price(sim, last, name="ES 12-26"):
    sim.state.market.set_last(name, last)


async def test_a_closing_fill_books_realised_pnl_on_its_own_account(sim, api):
    sim.state.set_position("Sim103", "ES", 2, average_price=6000.0)
    _price(sim, 6010.0)
    await api.post("/accounts/Sim103/positions/close", json={"instrument": "ES"})
    item = (await api.get("/accounts/Sim103")).json()["item"]
    bid, _ = sim.state.market.bid_ask("ES 12-26")
    assert item["realizedProfitLoss"] == pytest.approx((bid - 6000.0) * 2 * 50, abs=0.01)
    assert item["unrealizedProfitLoss"] == 0.0
    other = (await api.get("/accounts/Sim102")).json()["item"]
    assert other["realizedProfitLoss"] == 0.0


async def test_get_account_carries_the_documented_risk_fields(sim, api):
    fresh = (await api.get("/accounts/Sim101")).json()
    for key in ("realizedProfitLoss", "unrealizedProfitLoss", "netLiquidation", "cashValue",
                "dailyLossLimit", "weeklyLossLimit", "dailyProfitTrigger",
                "trailingMaxDrawdown"):
        assert isinstance(fresh["item"][key], float), key
    assert fresh["item"]["dailyLossLimit"] == 0.0  # "not set here"
    assert "maxOrderSize" in fresh and "maxPositionSize" in fresh
    async with httpx.AsyncClient() as control:
        seeded = await control.post(
            sim.base_url + "/_sim/state",
            json={"risk": {"APEX-3": {"daily_loss_limit": 1000, "realized": -690}}})
    assert seeded.status_code == 200
    item = (await api.get("/accounts/APEX-3")).json()["item"]
    assert item["dailyLossLimit"] == 1000.0 and item["realizedProfitLoss"] == -690.0
    assert item["netLiquidation"] == 100_000.0 - 690.0


async def test_a_bad_seed_is_refused_in_words_and_changes_nothing(sim):
    async with httpx.AsyncClient() as control:
        reply = await control.post(sim.base_url + "/_sim/state",
                                   json={"risk": {"Sim101": {"daily_loss_limit": "lots"}}})
        assert reply.status_code == 400 and "dollars" in reply.json()["error"]
        reply = await control.post(sim.base_url + "/_sim/state",
                                   json={"risk": {"Sim101": {"max_pain": 3}}})
        assert reply.status_code == 400 and "not a risk field" in reply.json()["error"]
    assert sim.state.account("Sim101").daily_loss_limit == 0.0


async def test_watermarks_follow_the_session_high_and_never_fall(sim, api):
    empty = (await api.get("/accounts/Sim103/watermarks")).json()
    assert empty == {"success": True, "data": {}}  # no P&L this session
    sim.state.set_position("Sim103", "ES", 1, average_price=6000.0)
    _price(sim, 6020.0)
    high = (await api.get("/accounts/Sim103/watermarks")).json()["data"]
    assert high["account"] == "Sim103"
    assert high["watermarks"]["unrealhigh"] == pytest.approx(1000.0)
    assert high["watermarks"]["netliqhigh"] == pytest.approx(101_000.0)
    _price(sim, 5990.0)
    after = (await api.get("/accounts/Sim103/watermarks")).json()["data"]
    assert after["watermarks"]["netliqhigh"] == pytest.approx(101_000.0)  # a high stays
    assert after["stats"]["netliq"] == pytest.approx(99_500.0)
    assert after["stats"]["poscount"] == 1


async def test_watermarks_answer_with_ninjatrader_closed(sim, api):
    sim.state.ninjatrader_connected = False
    reply = await api.get("/accounts/Sim101/watermarks")
    assert reply.status_code == 200 and reply.json()["success"] is True
    assert (await api.get("/accounts/Sim101")).status_code != 200
