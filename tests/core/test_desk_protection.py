"""Entries and protection on the desk, against the simulator over loopback: one request per
intent, journaled with its client id, and a bracket only for a position read after the fill."""

import json
from decimal import Decimal

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.protect import protect_position
from ctpanel.core.domain.models import Position, Side, Transport
from ctpanel.core.domain.protection import Bracket, breakeven_for, entry_for, protect_for
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import CtError, RejectedError
from ctpanel.core.risk.guard import Basis, Refused
from ctpanel.core.store.journal import Journal

ES = "ES 12-26"


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journal.jsonl")


@pytest.fixture
def desk(client, journal, sim):
    sim.state.market.is_open = False  # a still market: nothing fills by chance
    return Desk(client, journal, mode="demo")


def _records(journal):
    return [json.loads(line) for line in journal.path.read_text().splitlines()]


def _order(account="Sim103", action="BUY", quantity=2, **extra):
    return parse_order(OrderInput(account=account, instrument=ES, action=action,
                                  quantity=quantity, **extra))


async def _enter(desk, order, position=None):
    position = position or await desk.read_position(order.account, order.instrument)
    entry = entry_for(order, position, "e" + "0" * 30 + order.account[-1])
    return await desk.enter(entry, before=position, basis=Basis(position=position, age_s=0.0))


async def test_an_entry_from_flat_is_one_place_order_with_the_journal_id(sim, desk, journal):
    report = await _enter(desk, _order())
    [sent] = sim.orders_received("PlaceOrder")
    assert sent.body["requireMarketPosition"] == "flat"
    assert sent.body["orderId"] == report.result.order_id == report.trade.client_id
    assert report.after.describe() == "Long 2"
    records = _records(journal)
    assert [r["kind"] for r in records] == ["intent", "enter"]
    assert {r["client_id"] for r in records} == {sent.body["orderId"]}


async def test_an_add_requires_the_side_held(sim, desk):
    report = await _enter(desk, _order("Sim101", quantity=1))
    [sent] = sim.orders_received("PlaceOrder")
    assert sent.body["requireMarketPosition"] == "long"
    assert report.after.describe() == "Long 3"


async def test_an_entry_on_a_stale_picture_is_refused_by_the_server(sim, desk, journal):
    stale = Position.flat("Sim101", ES)  # Sim101 holds Long 2 in fact
    with pytest.raises(RejectedError, match="requireMarketPosition not satisfied"):
        await _enter(desk, _order("Sim101"), stale)
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 2
    assert len(sim.orders_received("PlaceOrder")) == 1  # never re-sent
    assert _records(journal)[-1]["outcome"] == "rejected"


async def test_an_entry_needs_a_fresh_read(sim, desk):
    flat = Position.flat("Sim103", ES)
    entry = entry_for(_order(), flat, "stale1")
    with pytest.raises(Refused, match="read 30 s ago"):
        await desk.enter(entry, before=flat, basis=Basis(position=flat, age_s=30.0))
    assert sim.orders_received("PlaceOrder") == []


async def test_a_lost_answer_is_looked_up_by_the_entry_id(sim, desk):
    sim.add_fault(apis=["PlaceOrder"], drop=True, execute=True, times=1)
    with pytest.raises(CtError, match="was found, filled: it was placed") as raised:
        await _enter(desk, _order())
    assert "Long 2" in str(raised.value) and "Nothing was re-sent" in str(raised.value)
    assert len(sim.orders_received("PlaceOrder")) == 1


async def _then_protect(desk, report, bracket, quote, **options):
    return await desk.fill_then_protect(report.order, report.result.order_id, bracket, quote,
                                        trade=report.trade, **options)


def _on_grid(price, tick="0.25"):
    return Decimal(str(price)) % Decimal(tick) == 0


async def test_a_reverse_with_8_16_ticks_then_one_bracket_from_its_fill(sim, client, desk):
    quote = await client.get_quote(ES)
    order = _order("Sim101", "SELL", 2)
    before = await desk.read_position("Sim101", ES)
    report = await desk.reverse(order, before=before)
    fill, protection = await _then_protect(desk, report, Bracket(8, 16), quote)
    assert len(sim.orders_received("ReversePosition")) == 1
    [bracket] = sim.orders_received("CancelAndBracket")
    assert bracket.body["action"] == "Sell" and bracket.body["quantity"] == 2  # Short 2
    assert bracket.body["stopLoss"] == fill.average_fill_price + 8 * 0.25
    assert bracket.body["takeProfit"] == fill.average_fill_price - 16 * 0.25
    assert _on_grid(bracket.body["stopLoss"]) and _on_grid(bracket.body["takeProfit"])
    assert protection.protected, protection.words
    assert protection.words.startswith("Protected: stop ") and protection.words.endswith(
        "(OCO)")


async def test_a_limit_entry_gets_its_bracket_only_after_its_fill(sim, client, desk):
    quote = await client.get_quote(ES)
    bid = sim.state.market.bid_ask(ES)[0]
    report = await _enter(desk, _order(order_type="LIMIT", limit_price=bid - 1))
    fill, protection = await _then_protect(desk, report, Bracket(8, 16), quote,
                                                    resting_for_s=0.3)
    assert fill.state == "Working" and protection is None
    assert sim.orders_received("CancelAndBracket") == []
    sim.state.market.set_last(ES, bid - 1.5)
    sim.state.step()  # the market reaches the limit
    fill, protection = await _then_protect(desk, report, Bracket(8, 16), quote,
                                                    resting_for_s=5.0)
    assert fill.state == "Filled"
    [bracket] = sim.orders_received("CancelAndBracket")
    assert bracket.body["stopLoss"] == fill.average_fill_price - 2.0
    assert protection.protected


async def test_protect_now_and_breakeven_with_its_refusal(sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    protection = await protect_position(desk, position, Bracket(8, 40),
                                        position.average_price, quote, age_s=0.0)
    assert protection.protected, protection.words
    working = await client.list_working_orders("Sim101")
    # the market is at the average price: breakeven would not stay below the bid
    with pytest.raises(CtError, match="must stay below the bid"):
        breakeven_for(position, working, 0.25, 0, quote)
    sim.state.market.set_last(ES, position.average_price + 3)
    quote = await client.get_quote(ES)
    change = breakeven_for(position, working, 0.25, 1, quote)
    report = await desk.change(change, before=position)
    assert report.after.stop_price == position.average_price + 0.25
    assert len(sim.orders_received("Change")) == 1


async def test_a_protect_for_a_position_not_read_as_it_is_is_refused(sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    wrong = Position("Sim101", ES, Side.LONG, 1, position.average_price)
    order = protect_for(position, Bracket(8), position.average_price, 0.25, quote)
    with pytest.raises(Refused, match="position read is Long 1"):
        await desk.protect(order, before=wrong)
    assert sim.orders_received("CancelAndBracket") == []


async def test_an_oco_leg_filling_cancels_the_other(sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    protection = await protect_position(desk, position, Bracket(4, 4),
                                        position.average_price, quote, age_s=0.0)
    assert protection.protected
    sim.state.market.set_last(ES, position.average_price + 1.5)
    sim.state.step()
    assert await client.list_working_orders("Sim101") == ()
    assert (await desk.read_position("Sim101", ES)).is_flat


@pytest.mark.parametrize(("fault", "words"), [
    ({"status": 400, "body": {"error": "Invalid request"}}, "Invalid request"),
    ({"status": 429, "body": {"success": False, "error": "rate_limited", "retryAfter": 3}},
     "rate"),
    ({"drop": True, "execute": True}, "working now: stop"),
    ({"drop": True}, "UNPROTECTED"),
])
async def test_a_failed_bracket_is_never_resent_and_says_why(sim, client, desk, fault, words):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    sim.add_fault(apis=["CancelAndBracket"], times=1, **fault)
    protection = await protect_position(desk, position, Bracket(8, 16),
                                        position.average_price, quote, age_s=0.0)
    assert not protection.protected
    assert protection.words.startswith("UNPROTECTED") and words.lower() in \
        protection.words.lower()
    assert len(sim.orders_received("CancelAndBracket")) == 1


async def test_a_position_gone_flat_in_between_aborts_the_bracket(sim, client, desk):
    quote = await client.get_quote(ES)
    position = await desk.read_position("Sim101", ES)
    sim.state.flatten_during_bracket = True
    protection = await protect_position(desk, position, Bracket(8, 16),
                                        position.average_price, quote, age_s=0.0)
    assert not protection.protected and "bracket aborted" in protection.words
    assert await client.list_working_orders("Sim101") == ()


async def test_a_group_entry_with_a_mix_of_fills_brackets_each_filled_member(sim, client,
                                                                             desk):
    from ctpanel.core.desk.groups import read_group
    from ctpanel.core.domain.groups import plan_group
    from ctpanel.core.domain.states import Intent
    from ctpanel.sim.seed import DEMO_GROUP

    quote = await client.get_quote(ES)
    positions = await read_group(desk, DEMO_GROUP, ES)
    plan = plan_group(DEMO_GROUP, Intent.ENTER, ES, positions, _order("APEX-1", quantity=1))
    assert "APEX-4 holds Short 1: BUY would trade against it" in plan.preview()
    sim.state.reject_next = "Insufficient margin"  # the first member's order is rejected
    report = await desk.group(plan, transport=Transport.REST)
    placed = sim.orders_received("PlaceOrder")
    assert len(placed) == 4  # APEX-4 skipped
    assert {r.body["requireMarketPosition"] for r in placed} == {"long", "flat"}
    protected = await desk.protect_group(report, Bracket(8, 16), quote)
    fills = {account: fill.state for account, (fill, _) in protected.items()}
    assert sorted(fills.values()) == ["Filled", "Filled", "Filled", "Rejected"]
    brackets = sim.orders_received("CancelAndBracket")
    assert len(brackets) == 3  # one per filled member, none for the rejected one
    for account, (fill, protection) in protected.items():
        if fill.state == "Filled":
            assert protection.protected, (account, protection.words)
            held = sim.state.position_of(account, "ES").signed_quantity
            [mine] = [b for b in brackets if f"/accounts/{account}/" in b.raw_path]
            assert mine.body["quantity"] == held
        else:
            assert protection is None
