"""The WebSocket client against the simulator's /ws/stream over loopback."""

import asyncio

import pytest

from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import (
    AuthError,
    NetworkError,
    NoPositionError,
    NotConnectedError,
    OutcomeUnknownError,
    SessionElsewhereError,
)
from ctpanel.core.wire.keepalive import usable_keepalive_options
from ctpanel.core.wire.stream import CrossTradeStream
from tests.conftest import SEEDED_ACCOUNTS, TOKEN

SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))


@pytest.fixture
async def stream(sim):
    ws = CrossTradeStream(TOKEN, url=sim.ws_url, rpc_timeout=3, backoff=(0.05, 0.2))
    yield ws
    await ws.close()


async def test_reverse_over_websocket_sends_the_documented_rpc(sim, stream):
    result = await stream.reverse_position(SELL_2_ES)
    [received] = sim.orders_received()
    assert received.transport == "ws"
    message = received.body
    assert message["action"] == "rpc" and message["api"] == "ReversePosition"
    assert isinstance(message["id"], str) and message["id"]
    assert message["args"] == {"account": "Sim101", "instrument": "ES", "action": "SELL",
                               "quantity": 2, "orderType": "MARKET", "timeInForce": "DAY"}
    assert len(result.order_id) == 32
    assert sim.state.position_of("Sim101", "ES").signed_quantity == -2


async def test_many_rpcs_in_flight_are_matched_by_id(sim, stream):
    sim.add_fault(apis=["GetQuote"], latency=0.05, execute=True)  # replies overlap
    instruments = ["ES", "NQ", "CL", "GC", "MES", "MNQ"] * 2
    replies = await asyncio.gather(*(stream.rpc("GetQuote", {"instrument": name})
                                     for name in instruments))
    assert [reply["instrument"].split()[0] for reply in replies] == instruments
    ids = [r.body["id"] for r in sim.received]
    assert len(set(ids)) == len(ids) == len(instruments)


async def test_error_replies_are_typed(sim, stream):
    with pytest.raises(NoPositionError, match="No position found"):
        await stream.reverse_position(
            parse_order(OrderInput(account="Sim103", instrument="ES", action="SELL")))
    sim.state.ninjatrader_connected = False
    with pytest.raises(NotConnectedError):
        await stream.reverse_position(SELL_2_ES)


async def test_a_dropped_socket_fails_every_rpc_in_flight_once(sim, stream):
    await stream.wait_connected()
    sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True)
    sim.add_fault(apis=["GetPosition"], latency=5)
    in_flight = [asyncio.ensure_future(stream.reverse_position(SELL_2_ES)),
                 asyncio.ensure_future(stream.rpc("GetPosition",
                                                  {"account": "Sim101", "instrument": "ES"}))]
    while len(sim.received) < 2:
        await asyncio.sleep(0.01)
    for ws in list(sim._sockets.values()):
        await ws.close(code=1011, message=b"simulated crash")
    order_error, read_error = await asyncio.gather(*in_flight, return_exceptions=True)
    assert isinstance(order_error, OutcomeUnknownError)
    assert "closed with code 1011" in str(order_error)
    assert isinstance(read_error, NetworkError)
    await stream.wait_connected(5)  # it reconnects by itself
    assert stream.connections == 2
    assert len(sim.orders_received()) == 1, "the order in flight was never re-sent"


async def test_an_rpc_reply_that_never_comes_times_out_as_unknown(sim, stream):
    sim.add_fault(apis=["ReversePosition"], no_reply=True)
    with pytest.raises(OutcomeUnknownError, match=r"no reply within 0\.3 s"):
        await stream.rpc("ReversePosition", {"account": "Sim101", **SELL_2_ES.body()},
                         timeout=0.3, is_order=True)


async def test_a_reply_with_an_unknown_id_is_ignored(sim, stream):
    sim.add_fault(apis=["GetQuote"], wrong_id=True, times=1)
    with pytest.raises(NetworkError, match="no reply"):
        await stream.rpc("GetQuote", {"instrument": "ES"}, timeout=0.3)
    assert (await stream.rpc("GetQuote", {"instrument": "ES"}))["instrument"] == "ES 12-26"


async def test_session_active_elsewhere_stops_reconnecting(sim, stream):
    stopped = asyncio.get_running_loop().create_future()
    stream.add_state_listener(
        lambda state, reason: state == "stopped" and not stopped.done()
        and stopped.set_result(reason))
    await stream.wait_connected()
    other = CrossTradeStream(TOKEN, url=sim.ws_url)
    try:
        await other.wait_connected()
        reason = await asyncio.wait_for(stopped, 5)
        assert "opened a session elsewhere" in reason
        with pytest.raises(SessionElsewhereError):
            await stream.reverse_position(SELL_2_ES)
        assert stream.connections == 1, "it did not reconnect and kick the other session"
    finally:
        await other.close()
    assert sim.orders_received() == []


async def test_a_refused_token_stops_with_an_auth_error(sim):
    bad = CrossTradeStream("wrong", url=sim.ws_url, backoff=(0.05, 0.1))
    try:
        with pytest.raises(AuthError, match="refused the WebSocket token"):
            await bad.wait_connected(3)
        assert bad.state == "stopped"
    finally:
        await bad.close()


async def test_policy_close_1008_reconnects(sim, stream):
    await stream.wait_connected()
    sim.add_fault(apis=["GetQuote"], close_code=1008, close_reason="Too many rate limit "
                  "violations", times=1)
    with pytest.raises(NetworkError, match="1008"):
        await stream.rpc("GetQuote", {"instrument": "ES"})
    await stream.wait_connected(3)
    assert (await stream.rpc("GetQuote", {"instrument": "ES"}))["bid"] > 0


async def test_market_data_and_pnl_pushes_reach_listeners(sim, stream):
    seen: dict[str, asyncio.Future] = {"marketData": asyncio.Future(),
                                       "pnlUpdate": asyncio.Future()}

    def listener(message):
        future = seen.get(message.get("type"))
        if future and not future.done():
            future.set_result(message)

    stream.add_event_listener(listener)
    await stream.wait_connected()
    await stream.subscribe(["ES 12-26"])
    await stream.stream_pnl(100)
    market = await asyncio.wait_for(seen["marketData"], 5)
    pnl = await asyncio.wait_for(seen["pnlUpdate"], 5)
    assert market["quotes"][0]["instrument"] == "ES 12-26"
    assert {a["name"] for a in pnl["accounts"]} == set(SEEDED_ACCOUNTS)


async def test_nothing_is_sent_when_the_socket_cannot_connect(unused_tcp_port):
    stream = CrossTradeStream(TOKEN, url=f"ws://127.0.0.1:{unused_tcp_port}/ws/stream",
                              open_timeout=0.3, backoff=(0.05, 0.1))
    try:
        with pytest.raises(NetworkError, match="Nothing was sent"):
            await stream.reverse_position(SELL_2_ES)
    finally:
        await stream.close()


async def test_the_token_is_sent_only_in_the_upgrade_header(sim, stream):
    await stream.rpc("GetQuote", {"instrument": "ES"})
    assert TOKEN not in sim.received[0].body_text
    assert TOKEN not in repr(stream)


async def test_the_websocket_socket_gets_the_short_keepalive_timers(sim, stream):
    await stream.wait_connected(5)
    sock = stream._ws.transport.get_extra_info("socket")
    for level, option, value in usable_keepalive_options():
        assert sock.getsockopt(level, option) == value


async def test_failed_openings_are_retried_until_the_server_comes_up(unused_tcp_port):
    from ctpanel.sim.server import Simulator

    stream = CrossTradeStream(TOKEN, url=f"ws://127.0.0.1:{unused_tcp_port}/ws/stream",
                              open_timeout=0.3, backoff=(0.05, 0.2))
    states: list[tuple[str, str]] = []
    stream.add_state_listener(lambda state, reason: states.append((state, reason)))
    server = Simulator(token=TOKEN, port=unused_tcp_port)
    try:
        stream.start()
        await asyncio.sleep(0.5)  # several refused openings, retried by websockets' loop
        assert stream.state == "reconnecting" and stream.connections == 0
        assert any("refused" in reason.lower() or "connect" in reason.lower()
                   for state, reason in states if state == "reconnecting"), states
        await server.start()
        await stream.wait_connected(3)
        assert stream.connections == 1
    finally:
        await stream.close()
        await server.stop()


def test_reconnect_delays_grow_to_the_cap_with_jitter():
    stream = CrossTradeStream(TOKEN, url="ws://127.0.0.1:1/ws/stream", backoff=(0.5, 4.0))
    generator = stream._reconnect_delays()
    delays = [next(generator) for _ in range(6)]
    for delay, nominal in zip(delays, [0.5, 1.0, 2.0, 4.0, 4.0, 4.0], strict=True):
        assert 0.8 * nominal <= delay <= 1.2 * nominal
