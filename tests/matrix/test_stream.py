"""The stream's fault matrix, through two doors: the WebSocket client alone, and the Qt-free
Panel (REST from the simulator, the WebSocket from a hostile stand-in). Every case ends with the
stream delivering again, and through the panel with one press sending one order."""

import logging

import pytest

from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.stream import CrossTradeStream
from tests.conftest import TOKEN
from tests.helpers.hostile_ws import HostileServer, market_data
from tests.matrix.cases import STREAM_CASES
from tests.panel.conftest import live_panel, until

ALIVE = market_data("ES 12-26", 6850.25)


@pytest.fixture
async def hostile():
    server = await HostileServer().start()
    yield server
    await server.stop()


async def misbehave(hostile, case) -> None:
    if case.frames:
        await hostile.send(*case.frames)
    if case.close:
        await hostile.close(case.close, "server failure")
    await hostile.wait_open(2 if case.reopened else 1)


@pytest.mark.parametrize("case", STREAM_CASES, ids=str)
async def test_stream(case, hostile, caplog):
    stream = CrossTradeStream(TOKEN, url=hostile.url, rpc_timeout=3, backoff=(0.05, 0.2))
    heard, states = [], []
    stream.add_event_listener(heard.append)
    stream.add_state_listener(lambda state, reason: states.append((state, reason)))
    try:
        with caplog.at_level(logging.WARNING, logger="ctpanel"):
            stream.start()
            await stream.wait_connected()
            await hostile.wait_open(1)
            await misbehave(hostile, case)
            await until(lambda: stream.state == "connected")
            await hostile.send(ALIVE)
            await until(lambda: ALIVE in heard)
    finally:
        await stream.close()
    assert case.words in caplog.text
    if case.light:
        assert ("reconnecting", case.light) in states
    assert hostile.opened == (2 if case.reopened else 1)


@pytest.mark.parametrize("case", STREAM_CASES, ids=str)
async def test_panel(case, hostile, sim, tmp_path, memory_keyring):
    async with live_panel(sim, hostile.url, Journal(tmp_path / "journal.jsonl")) as panel:
        lights: list[tuple[str, str]] = []
        panel.events.status.connect(lambda view: lights.append(
            (view.status.websocket.state.value, view.status.websocket.reason)))
        pushes: list[dict] = []
        panel.backend.stream.add_event_listener(pushes.append)
        panel.start()
        panel.select("Sim101", "ES 12-26")
        await until(lambda: panel.position() is not None and lights[-1][0] == "ok", 10)
        await hostile.wait_open(1)
        await misbehave(hostile, case)
        await until(lambda: lights[-1][0] == "ok")
        await hostile.send(ALIVE)
        await until(lambda: ALIVE in pushes)
        assert case.words in "\n".join(panel.notices.lines())
        if case.light:
            assert ("warn", case.light) in lights, "the light said it was reconnecting"
        await until(lambda: panel.ticket_state.arming.armed, 10)
        for _ in range(3):
            panel.press()
        await until(lambda: panel.ticket.phase.value == "idle" and panel.position() is not None
                    and panel.position().describe() == "Short 2", 10)
        assert len(sim.orders_received()) == 1
