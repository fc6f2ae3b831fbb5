"""A canary token through every core path: it must not appear in logs, journal or errors."""

import logging

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.domain.models import Transport
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.client import CrossTradeClient
from ctpanel.core.wire.stream import CrossTradeStream
from ctpanel.sim import Simulator

CANARY = "canary-9d8c7b6a5f4e3d2c"
SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))


async def test_the_token_never_leaks(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)  # httpx, httpcore, websockets and ours, all of it
    journal = Journal(tmp_path / "journal.jsonl")
    texts: list[str] = []
    async with Simulator(token=CANARY) as sim:
        client = CrossTradeClient(CANARY, base_url=sim.base_url, timeout=1)
        stream = CrossTradeStream(CANARY, url=sim.ws_url, rpc_timeout=1)
        service = Desk(client, journal, senders={Transport.REST: client, Transport.WS: stream})
        faults = [None, {"status": 400, "body": {"error": f"echo {CANARY}"}},
                  {"status": 500, "body": f"<title>{CANARY}</title>"}, {"drop": True},
                  {"no_reply": True}, {"status": 200, "body": CANARY}]
        for transport in Transport:
            for fault in faults:
                sim.faults.clear()
                sim.state.set_position("Sim101", "ES", 2)
                if fault:
                    sim.add_fault(apis=["ReversePosition"], **fault)
                try:
                    report = await service.reverse(SELL_2_ES, transport=transport)
                    texts += [report.summary(), repr(report)]
                except CtError as error:
                    texts += [str(error), repr(error), repr(error.args)]
        texts += [repr(client), repr(stream), repr(service.senders)]
        await stream.close()
        await client.aclose()
    async with CrossTradeClient("wrong-" + CANARY, base_url=sim.base_url) as wrong:
        with pytest.raises(CtError) as refused:  # the simulator is stopped: network error
            await wrong.list_accounts()
        texts.append(str(refused.value))
    records = journal.read_last()
    assert len([r for r in records if r["kind"] != "intent"]) == 2 * len(faults)
    assert len([r for r in records if r["kind"] == "intent"]) == 2 * len(faults)
    assert CANARY not in journal.path.read_text()
    assert CANARY not in caplog.text
    assert not [text for text in texts if CANARY in text]
