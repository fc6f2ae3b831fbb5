"""The fault matrix through the core: the desk's reverse over REST or WebSocket."""

import contextlib
import tempfile
from pathlib import Path

import pytest

from ctpanel.backend import Mode, assemble
from ctpanel.core.domain.models import Position, Side, Transport
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import CtError
from ctpanel.core.store.journal import Journal
from ctpanel.sim import Simulator
from ctpanel.sim.tls import throwaway_tls
from tests.conftest import TOKEN
from tests.matrix.cases import CASES, TIMEOUT, Blackhole, unused_port

SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))
LONG_2 = Position("Sim101", "ES 12-26", Side.LONG, 2)


@contextlib.asynccontextmanager
async def address(case, sim):
    """The REST and WebSocket URLs for the case: the simulator's, or an unusable one."""
    if case.address is None:
        yield sim.base_url, sim.ws_url
    elif case.address == "refused":
        port = unused_port()
        yield f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ws/stream"
    elif case.address == "dns":
        yield "https://ctpanel-test.invalid", "wss://ctpanel-test.invalid/ws/stream"
    elif case.address == "untrusted_tls":
        context, _ca_file = throwaway_tls(Path(tempfile.mkdtemp()))
        async with Simulator(token=TOKEN, ssl_context=context) as tls_sim:
            yield tls_sim.base_url, tls_sim.ws_url  # the client trusts only public CAs
    elif case.address == "connect_timeout":
        hole = Blackhole()
        try:
            yield f"http://127.0.0.1:{hole.port}", f"ws://127.0.0.1:{hole.port}/ws/stream"
        finally:
            hole.close()


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_core(case, sim, tmp_path):
    sim.apply_state(case.state)
    if case.fault:
        sim.add_fault(**case.fault)
    journal = Journal(tmp_path / "journal.jsonl")
    async with address(case, sim) as (base_url, ws_url):
        backend = assemble(Mode.LIVE, Secret(TOKEN), base_url, ws_url, journal,
                           timeout=TIMEOUT)
        try:
            with pytest.raises(CtError) as caught:
                await backend.desk.reverse(SELL_2_ES, transport=Transport(case.transport),
                                              before=LONG_2)
        finally:
            await backend.aclose()
    message = str(caught.value)
    missing = [words for words in case.words if words not in message]
    assert not missing, f"{missing} not in: {message}"
    assert len(sim.orders_received()) == case.sent, "an order is never re-sent"
    intent, record = journal.read_last()  # written ahead, then the outcome
    assert intent["kind"] == "intent" and record["client_id"] == intent["client_id"]
    assert record["status"] == case.journal and record["error"] == message
