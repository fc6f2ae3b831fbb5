"""Every REST endpoint the client speaks, against the simulator over loopback."""

import pytest

from ctpanel.core.domain.exits import (
    EverythingConfirmed,
    EverythingListing,
    ExitOrder,
    confirm_everything,
)
from ctpanel.core.domain.models import OrderSide, OrderType, Side
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import ConfigError, InvalidOrder, NoPositionError
from ctpanel.core.wire.client import FLATTEN_EVERYTHING_PATH, CrossTradeClient
from tests.conftest import SEEDED_ACCOUNTS


@pytest.mark.parametrize("shape", ["objects", "names", "data", "missing"])
async def test_accounts_are_read_from_every_known_shape(sim, client, shape):
    sim.state.accounts_shape = shape
    accounts = await client.list_accounts()
    assert [a.name for a in accounts] == SEEDED_ACCOUNTS
    if shape == "missing":
        assert [r.api for r in sim.received] == ["ListAccounts", "GetAccountSummary"]


async def test_positions_in_an_account(client):
    positions = {p.instrument: p for p in await client.list_positions("Sim101")}
    assert set(positions) == {"ES 12-26", "NQ 12-26"}
    assert (positions["ES 12-26"].side, positions["ES 12-26"].quantity) == (Side.LONG, 2)
    assert (positions["NQ 12-26"].side, positions["NQ 12-26"].quantity) == (Side.SHORT, 1)
    assert positions["ES 12-26"].average_price > 0


@pytest.mark.parametrize("style", ["flat", "error"])
async def test_a_missing_position_reads_as_flat(sim, client, style):
    sim.state.flat_position_style = style
    position = await client.get_position("Sim103", "ES")
    assert position.is_flat and position.describe() == "Flat"


async def test_one_position_by_alias_comes_back_under_its_full_name(client):
    position = await client.get_position("sim101", "ES1!")
    assert position.instrument == "ES 12-26"
    assert position.describe() == "Long 2"


async def test_reverse_flips_the_position(client):
    order = parse_order(OrderInput(account="Sim101", instrument="ESZ26", action="SELL",
                                   quantity=2))
    await client.reverse_position(order)
    assert (await client.get_position("Sim101", "ES")).describe() == "Short 2"


async def test_close_position(client):
    result = await client.send_exit(ExitOrder(Intent.CLOSE, "Sim102", "MES"))
    assert [(p.instrument, p.side, p.quantity) for p in result.closed] == [
        ("MES 12-26", Side.SHORT, 3)]
    assert (await client.get_position("Sim102", "MES")).is_flat
    with pytest.raises(NoPositionError, match="No positions found"):
        await client.send_exit(ExitOrder(Intent.CLOSE, "Sim102", "MES"))


async def test_working_orders_and_cancelling_them(sim, client):
    for price in (100, 101):
        await client.place_order(parse_order(OrderInput(
            account="Sim103", instrument="ES", action="BUY", order_type=OrderType.LIMIT,
            limit_price=price)))
    working = await client.list_working_orders("Sim103")
    assert [(o.action, o.order_type, o.limit_price) for o in working] == [
        ("BUY", "LIMIT", 100.0), ("BUY", "LIMIT", 101.0)]
    assert sim.received[-1].query == {"activeOnly": "true"}
    one = await client.send_exit(ExitOrder(Intent.CANCEL, "Sim103",
                                           order_id=working[0].order_id))
    assert one.order_ids == (working[0].order_id,)
    rest = await client.send_exit(ExitOrder(Intent.CANCEL, "Sim103", "ES"))
    assert rest.order_ids == (working[1].order_id,)
    assert await client.list_working_orders("Sim103") == ()


async def test_positions_in_every_account_in_one_read(client):
    positions = await client.list_all_positions()
    assert sorted((p.account, p.instrument, p.describe()) for p in positions) == [
        ("APEX-1", "ES 12-26", "Long 2"), ("APEX-2", "ES 12-26", "Long 1"),
        ("APEX-4", "ES 12-26", "Short 1"), ("APEX-5", "ES 12-26", "Long 3"),
        ("Sim101", "ES 12-26", "Long 2"), ("Sim101", "NQ 12-26", "Short 1"),
        ("Sim102", "MES 12-26", "Short 3")]


async def test_no_request_but_the_confirmed_one_sends_the_empty_flatten_body(sim, client):
    """The client's only door to ``POST /positions/flatten`` without an account is
    flatten_everything, and it takes the trader's confirmation."""
    with pytest.raises(InvalidOrder, match="Refused to flatten every account"):
        await client._send("POST", FLATTEN_EVERYTHING_PATH, body={}, is_order=True)
    with pytest.raises(InvalidOrder, match="Refused to flatten every account"):
        await client._send("POST", FLATTEN_EVERYTHING_PATH, body={"instrument": "ES"})
    with pytest.raises(InvalidOrder):
        await client.flatten_everything(None)
    with pytest.raises(PermissionError):
        EverythingConfirmed(EverythingListing(()), object())
    assert confirm_everything(EverythingListing(()), yes=False) is None
    assert sim.received == []
    with pytest.raises(InvalidOrder, match="An exit needs an account"):
        ExitOrder(Intent.FLATTEN, "")
    result = await client.flatten_everything(confirm_everything(EverythingListing(()), True))
    assert [r.api for r in sim.received] == ["FlattenEverything"]
    assert len(result.closed) == 7 and await client.list_all_positions() == []


async def test_place_order_market_fills_and_limit_works(client):
    market = parse_order(OrderInput(account="Sim103", instrument="CL", action="BUY", quantity=3))
    await client.place_order(market)
    assert (await client.get_position("Sim103", "CL")).describe() == "Long 3"

    limit = parse_order(OrderInput(account="Sim103", instrument="GC", action=OrderSide.SELL,
                                   order_type=OrderType.LIMIT, limit_price=5000))
    result = await client.place_order(limit)
    orders = {o["orderId"]: o for o in await client.list_orders("Sim103")}
    assert orders[result.order_id]["orderState"] == "Working"
    assert (await client.get_position("Sim103", "GC")).is_flat


async def test_quote(client):
    quote = await client.get_quote("NQ")
    assert quote.instrument == "NQ 12-26"
    assert quote.tick_size == 0.25 and quote.bid < quote.ask


@pytest.mark.parametrize("url", ["http://example.com", "ftp://127.0.0.1", "https://u:p@x.io"])
def test_unsafe_base_urls_are_refused(url):
    with pytest.raises(ConfigError):
        CrossTradeClient("t", base_url=url)


def test_the_client_repr_hides_the_token():
    assert "t0ken-xyz" not in repr(CrossTradeClient("t0ken-xyz", base_url="http://127.0.0.1:1"))


async def test_atm_templates_are_read_from_any_shape_third_parties_see(client):
    assert await client.list_atm_templates() == ["ATM 1 target", "ATM 2 targets", "Scalp 8-16"]
    from ctpanel.core.wire.payloads import atm_templates_from
    assert atm_templates_from(["A", {"name": "B"}, 3, {"x": 1}, "A"]) == ["A", "B"]
    assert atm_templates_from({"data": {"atmTemplates": [{"name": "C"}]}}) == ["C"]
    assert atm_templates_from({"error": "Unknown API command"}) == []
