"""The journal written ahead, against the simulator over loopback: the intent is on disk before
CrossTrade has answered (before it has even seen the request), its outcome carries the same
client id, and at the next start an unfinished intent is read back and said, never re-sent."""

import asyncio
import json

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.intents import reconcile, unfinished
from ctpanel.core.desk.records import Records
from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.store.journal import Journal

SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES 12-26", action="SELL",
                                   quantity=2))


def records(journal: Journal) -> list[dict]:
    return [json.loads(line) for line in journal.path.read_text().splitlines()]


@pytest.fixture
def journal(tmp_path):
    return Journal(tmp_path / "journal.jsonl")


async def test_the_intent_is_written_before_the_answer_and_ties_to_its_outcome(sim, client,
                                                                               journal):
    sim.add_fault(apis=["ReversePosition"], latency=1.0, times=1)  # CrossTrade thinks a while
    service = Desk(client, journal)
    sending = asyncio.ensure_future(service.reverse(SELL_2_ES))
    while not journal.path.exists():
        await asyncio.sleep(0.01)
    [intent] = records(journal)  # while the request is still unanswered
    assert intent["kind"] == "intent" and intent["words"] == "SELL 2 ES 12-26 MARKET DAY"
    assert (intent["account"], intent["instrument"], intent["body"]) == (
        "Sim101", "ES 12-26", SELL_2_ES.body())
    assert len(intent["client_id"]) == 32 and intent["mode"] == "live"
    assert sim.orders_received("ReversePosition") == [] or not sending.done()
    report = await sending
    [_, outcome] = records(journal)
    assert outcome["client_id"] == intent["client_id"]
    assert outcome["order_id"] == report.result.order_id
    assert unfinished(records(journal)) == []


async def test_an_exit_is_written_ahead_too(sim, client, journal):
    service = Desk(client, journal)
    await service.exit(ExitOrder(Intent.CLOSE, "Sim101", "ES 12-26", percent=0.5))
    intent, outcome = records(journal)
    assert intent["kind"] == "intent" and intent["words"] == "CLOSE 50% of ES 12-26"
    assert outcome["kind"] == "close" and outcome["client_id"] == intent["client_id"]


async def test_an_unfinished_intent_is_read_back_said_and_recorded_never_re_sent(sim, client,
                                                                                 journal):
    # The last session: the order reached CrossTrade and filled, then the process died.
    sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True, times=1)
    service = Desk(client, journal)
    sending = asyncio.ensure_future(service.reverse(SELL_2_ES))
    while not sim.orders_received("ReversePosition"):
        await asyncio.sleep(0.01)
    sending.cancel()  # as a kill would: no outcome is written
    with pytest.raises(asyncio.CancelledError):
        await sending
    [intent] = unfinished(records(journal))
    sent = len(sim.received)
    [found] = await reconcile(Records(journal, "live"), client)
    assert found.words.startswith("The last session sent SELL 2 ES 12-26 MARKET DAY on Sim101 "
                                  "at ")
    assert "and closed before CrossTrade answered. Read now: Short 2." in found.words
    assert "Executions since: SELL " in found.words and found.words.endswith(
        "Nothing was re-sent.")
    assert [r.api for r in sim.received[sent:]
            if r.api in ("ReversePosition", "PlaceOrder", "ClosePosition")] == []
    last = records(journal)[-1]
    assert last["kind"] == "reconciled" and last["client_id"] == intent["client_id"]
    assert unfinished(records(journal)) == []
    assert await reconcile(Records(journal, "live"), client) == [], "once"


async def test_an_intent_of_the_other_mode_waits_for_its_own(sim, client, journal):
    journal.append({"kind": "intent", "mode": "demo", "client_id": "a" * 32,
                    "words": "SELL 1 ES", "account": "Sim101", "instrument": "ES 12-26"})
    assert await reconcile(Records(journal, "live"), client) == []
    assert len(unfinished(records(journal))) == 1


def test_a_torn_intent_line_is_skipped_and_the_next_record_stays_whole(journal):
    journal.append({"kind": "intent", "client_id": "b" * 32, "mode": "live"})
    with journal.path.open("ab") as file:
        file.write(b'{"kind": "intent", "client_id": "torn')  # a crash mid-write
    next_run = Journal(journal.path)  # the next start's journal closes the torn line first
    next_run.append({"kind": "reverse", "client_id": "b" * 32, "mode": "live"})
    read = next_run.read_last()
    assert [r["kind"] for r in read] == ["intent", "reverse"]
    assert unfinished(read) == []


async def test_a_limit_entry_still_working_is_named_when_its_intent_is_reconciled(sim, client,
                                                                                 journal):
    # The last session's reverse closed the position and left its limit entry working, far
    # below the market, then the process died before the answer.
    entry = parse_order(OrderInput(account="Sim101", instrument="ES 12-26", action="SELL",
                                   quantity=2, order_type="LIMIT", limit_price=9000.0))
    sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True, times=1)
    sending = asyncio.ensure_future(Desk(client, journal).reverse(entry))
    while not sim.orders_received("ReversePosition"):
        await asyncio.sleep(0.01)
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending
    [found] = await reconcile(Records(journal, "live"), client)
    assert "Read now: Flat." in found.words
    assert "Working: SELL 2 LIMIT @ 9,000.00" in found.words, found.words
    assert found.words.endswith("Nothing was re-sent.")
    assert found.record["working"] and found.record["working"][0].startswith("SELL 2 LIMIT")


async def test_an_intent_torn_by_a_crash_is_treated_as_possibly_sent(sim, client, journal):
    # A whole intent as the desk writes it, cut short by a crash before its client id.
    records = Records(journal, "live")
    [handle] = records.ahead_all([("reverse", "SELL 2 ES 12-26 MARKET DAY", "Sim101",
                                   "ES 12-26", SELL_2_ES.body(), "rest")])
    whole = journal.path.read_bytes()
    journal.path.write_bytes(whole[:whole.index(b'"client_id"')])
    assert journal.read_last() == [], "the torn line is no record"
    sent = len(sim.received)
    next_start = Records(Journal(journal.path), "live")
    [found] = await reconcile(next_start, client)
    assert found.words.startswith("The last session may have sent SELL 2 ES 12-26 MARKET DAY "
                                  "on Sim101 at ")
    assert "(its journal line was cut short by the crash)" in found.words
    assert "Read now: Long 2." in found.words and found.words.endswith("Nothing was re-sent.")
    assert [r.api for r in sim.received[sent:] if r.api == "ReversePosition"] == []
    again = Records(Journal(journal.path), "live")  # the start after: the torn line closed
    assert await reconcile(again, client) == [], "said once"
    assert handle.client_id not in journal.path.read_text(), "the id never reached the disk"
