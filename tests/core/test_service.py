"""The reverse workflow: one send, a journal line, and a verified before -> after."""

import json

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.reverse import ReverseVerdict as Verdict
from ctpanel.core.desk.reverse import UncertainOutcome
from ctpanel.core.domain.models import Transport
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import NoPositionError, NotConnectedError
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.stream import CrossTradeStream
from tests.conftest import TOKEN

SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))


@pytest.fixture
async def service(sim, client, tmp_path):
    stream = CrossTradeStream(TOKEN, url=sim.ws_url, rpc_timeout=1)
    yield Desk(client, Journal(tmp_path / "journal.jsonl"),
               senders={Transport.REST: client, Transport.WS: stream})
    await stream.close()


def journal_lines(service):
    """The outcome records (each request's intent, written ahead, is checked apart)."""
    return [record for record in map(json.loads, service.journal.path.read_text().splitlines())
            if record["kind"] != "intent"]


@pytest.mark.parametrize("transport", list(Transport))
async def test_a_confirmed_reverse_reports_before_and_after(sim, service, transport):
    before = await service.read_position("Sim101", "ES")
    report = await service.reverse(SELL_2_ES, transport=transport, before=before)
    assert (report.before.describe(), report.after.describe()) == ("Long 2", "Short 2")
    assert report.summary().startswith(f"Order {report.result.order_id}: SELL 2 ES MARKET DAY")
    assert "(Long 2 -> Short 2," in report.summary()
    [line] = journal_lines(service)
    assert line["status"] == "ok" and line["order_id"] == report.result.order_id
    assert line["mode"] == "live"
    assert line["transport"] == transport.value and line["body"] == SELL_2_ES.body()
    assert (line["before"], line["after"]) == ("Long 2", "Short 2")
    assert line["round_trip_ms"] > 0 and line["time"].endswith("+00:00")


async def test_a_rejection_is_journaled_and_raised(sim, service):
    order = parse_order(OrderInput(account="Sim103", instrument="ES", action="SELL"))
    with pytest.raises(NoPositionError):
        await service.reverse(order)
    [line] = journal_lines(service)
    assert line["status"] == "failed" and line["error_type"] == "NoPositionError"
    assert "No position found" in line["error"]
    assert [r.api for r in sim.received] == ["ReversePosition"], "no re-read for a sure failure"


@pytest.mark.parametrize(
    ("execute", "verdict", "after"),
    [(True, Verdict.REVERSED, "Short 2"), (False, Verdict.UNCHANGED, "Long 2")],
)
async def test_outcome_unknown_re_reads_the_position(sim, service, execute, verdict, after):
    sim.add_fault(apis=["ReversePosition"], drop=True, execute=execute)
    before = await service.read_position("Sim101", "ES")
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(SELL_2_ES, before=before)
    assert caught.value.verdict is verdict and caught.value.after.describe() == after
    assert str(caught.value).startswith("Outcome unknown.")
    assert f"Re-read the position: {after}" in str(caught.value)
    assert len(sim.orders_received()) == 1
    [line] = journal_lines(service)
    assert line["status"] == "unknown" and line["after"] == after


@pytest.mark.parametrize("execute", [True, False])
async def test_outcome_unknown_also_looks_at_the_executions_since_the_click(sim, service,
                                                                          execute):
    sim.add_fault(apis=["ReversePosition"], drop=True, execute=execute)
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(SELL_2_ES)
    fills = caught.value.fills
    if execute:  # the close and the new entry, both SELL 2 in ES 12-26
        assert [(f.instrument, f.quantity) for f in fills] == [("ES 12-26", 2)] * 2
        assert "Executions since the click: SELL 2 @ " in str(caught.value)
    else:
        assert fills == []
        assert "No execution in this instrument since the click." in str(caught.value)
    assert sim.orders_received("ListExecutions")[0].query["lookbackTime"] == "5"


async def test_a_server_error_is_checked_not_guessed(sim, service):
    sim.add_fault(apis=["ReversePosition"], status=500, body={"error": "boom"}, execute=True)
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(SELL_2_ES)
    assert caught.value.verdict is Verdict.REVERSED


async def test_a_flat_result_is_named(sim, service):
    sim.add_fault(apis=["ReversePosition"], drop=True)
    sim.state.set_position("Sim101", "ES", 0)
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(SELL_2_ES, before=None)
    assert caught.value.verdict is Verdict.FLAT


async def test_an_unreadable_position_after_an_unknown_outcome_says_so(sim, service):
    sim.add_fault(apis=["ReversePosition"], drop=True)
    sim.add_fault(apis=["GetPosition"], status=408, body={"error": "not connected"})
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(SELL_2_ES)
    assert caught.value.verdict is Verdict.UNREADABLE and caught.value.after is None
    assert "check NinjaTrader directly" in str(caught.value)


async def test_not_connected_is_a_sure_failure(sim, service):
    sim.state.ninjatrader_connected = False
    with pytest.raises(NotConnectedError):
        await service.reverse(SELL_2_ES)
    assert journal_lines(service)[0]["status"] == "failed"


async def test_an_unknown_limit_reverse_finds_its_working_entry(sim, service):
    sim.add_fault(apis=["ReversePosition"], drop=True, execute=True)
    order = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL",
                                   quantity=2, order_type="LIMIT", limit_price=6900))
    with pytest.raises(UncertainOutcome) as caught:
        await service.reverse(order)
    assert caught.value.verdict is Verdict.ENTRY_WORKING
    assert caught.value.after.is_flat
    [entry] = caught.value.working
    assert entry.startswith("Sell 2 Limit (order ")
    assert "the new entry is working" in str(caught.value)
