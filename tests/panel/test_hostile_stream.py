"""The panel against a hostile CrossTrade WebSocket over loopback (REST from the simulator):
garbage, wrong types, implausible prices, unknown ids, deep nesting, a flood, a huge frame, an
abnormal close. The panel stays alive, the light says what is true at every step, the stream
comes back, memory after the flood stays near where it was, and one press is one order."""

import asyncio
import gc

import psutil
import pytest

from ctpanel.core.store.journal import Journal
from tests.helpers.hostile_ws import HostileServer, fail_dispatch_once, market_data
from tests.panel.conftest import live_panel, until

GARBAGE = ["hello{", b"\x00\xff\xfe", "[1, 2]", "null", "NaN", '{"type": "marketData"',
           {"type": "marketData", "quotes": "not a list"},
           {"type": "marketData", "quotes": [{"instrument": ["ES"], "bid": {"x": 1}}]},
           {"type": "pnlUpdate", "accounts": {"Sim101": {"unrealizedProfitLoss": 1e308}}},
           {"type": "error", "action": "subscribe", "detail": {"x": [1, 2]}},
           {"id": "nobody-asked", "data": {"success": True}},
           "[" * 5000 + "]" * 5000]


@pytest.fixture
async def live(sim, tmp_path, memory_keyring):
    hostile = await HostileServer().start()
    async with live_panel(sim, hostile.url, Journal(tmp_path / "journal.jsonl")) as panel:
        lights: list[str] = []
        panel.events.status.connect(
            lambda view: lights.append(view.status.websocket.state.value))
        panel.start()
        panel.select("Sim101", "ES 12-26")
        await until(lambda: panel.position() is not None and lights[-1:] == ["ok"], 10)
        await hostile.wait_open(1)
        yield panel, hostile, lights
    await hostile.stop()


def websocket_light(panel) -> str:
    return panel.connection.lights.websocket.state.value


async def quoted(panel) -> None:
    """A first quote of the selection (the poll resolves the name), the market's ticks run as
    the view's timer runs them."""
    async with asyncio.timeout(10):
        while panel.market.view().usable is None:
            panel.market_tick()
            await asyncio.sleep(0.05)


async def test_a_hostile_stream_never_takes_the_panel_down(live, sim):
    panel, hostile, lights = live
    await quoted(panel)
    good = panel.market.view().usable
    # Garbage of every kind: ignored, the same socket alive, the light green all along.
    for frame in GARBAGE:
        await hostile.send(frame, market_data("ES 12-26", good.bid, good.ask, good.last))
    await until(lambda: panel.backend.stream.unreadable.total >= 6)
    assert hostile.opened == 1 and websocket_light(panel) == "ok"
    assert set(lights[lights.index("ok"):]) == {"ok"}, "never red or yellow: nothing broke"
    notices = "\n".join(panel.notices.lines())
    assert "Ignored an unreadable WebSocket message (text, 6 characters: hello{)." in notices
    assert "{'x'" not in notices and "b'" not in notices, "plain words, never a repr"
    assert notices.count("unreadable") == 1, "one counted line a minute, not one a message"
    assert "CrossTrade refused the subscription (no reason given)" in \
        panel.market.view().problem
    # Implausible prices: ignored and counted, never shown, the P&L never infinite.
    await hostile.send(market_data("ES 12-26", 1e308), market_data("ES 12-26", good.bid * 100))
    await until(lambda: panel.market.view().ignored >= 2)
    state = panel.market_state()
    assert state.view.quote.bid < 2 * good.bid and "inf" not in state.pnl
    # A flood: caught up, memory back near where it was.
    process = psutil.Process()
    gc.collect()
    before = process.memory_info().rss
    flood = [market_data("ES 12-26", good.bid, good.ask, good.last)] * 20_000
    await hostile.send(*flood)
    await hostile.send(market_data("ES 12-26", good.bid + 0.25, good.ask + 0.25,
                                   good.last + 0.25))
    await until(lambda: panel.market.view().quote.bid == good.bid + 0.25, 30)
    gc.collect()
    assert process.memory_info().rss - before < 30 << 20
    # A frame over the cap (closed 1009), then an abnormal close (1011): yellow, then back.
    for step, close in enumerate((lambda: hostile.send("x" * (2 << 20)),
                                  lambda: hostile.close(1011, "internal error")), start=2):
        seen = len(lights)
        await close()
        await until(lambda step=step: hostile.opened == step and websocket_light(panel) == "ok",
                    10)
        assert "warn" in lights[seen:], "the light said it was reconnecting"
    # One press is one order, after all of it (the position polled as the view's timer would:
    # the figure read at the start may have gone stale during the flood).
    def armed() -> bool:
        panel.refresh_ticket()  # as the view's clock would: the figure may have gone stale
        if not panel.ticket_state.arming.armed and not panel.positions.reading():
            panel.poll_tick()
        return panel.ticket_state.arming.armed
    await until(armed, 15)
    for _ in range(5):  # in the same turn of the loop as the check: nothing changes between
        panel.press()
    await until(lambda: panel.ticket.phase.value == "idle" and panel.position() is not None, 10)
    assert len(sim.orders_received()) == 1


async def test_a_stream_that_fails_turns_the_light_red_says_so_and_comes_back(live,
                                                                            monkeypatch):
    panel, hostile, lights = live
    fail_dispatch_once(panel.backend.stream, monkeypatch)
    seen = len(lights)
    await hostile.send(market_data("ES 12-26", 6850.25))
    await until(lambda: hostile.opened == 2 and websocket_light(panel) == "ok", 10)
    assert "bad" in lights[seen:], "red while it was down"
    assert ("WebSocket: the stream failed (RuntimeError: nobody foresaw this). Prices are "
            "polled until it is back; reconnecting.") in "\n".join(panel.notices.lines())
