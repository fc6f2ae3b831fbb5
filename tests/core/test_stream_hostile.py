"""The WebSocket client against a hostile server over loopback: nothing the server sends can end
the stream silently; what cannot be read is ignored, and said in plain words once a minute."""

import asyncio
import logging

import pytest

from ctpanel.core.wire.stream import CrossTradeStream
from ctpanel.core.wire.unreadable import UnreadableMessages, describe_unreadable
from tests.conftest import TOKEN
from tests.helpers.clock import FakeClock
from tests.helpers.hostile_ws import HostileServer, fail_dispatch_once, market_data

QUOTE = market_data("ES 12-26", 6850.25)


async def until(predicate, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


@pytest.fixture
async def hostile():
    server = await HostileServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def stream(hostile):
    ws = CrossTradeStream(TOKEN, url=hostile.url, rpc_timeout=3, backoff=(0.05, 0.2))
    heard, states = [], []
    ws.add_event_listener(heard.append)
    ws.add_state_listener(lambda state, reason: states.append((state, reason)))
    ws.start()
    await ws.wait_connected()
    await hostile.wait_open(1)
    yield ws, heard, states
    await ws.close()


async def test_a_deeply_nested_message_is_ignored_and_the_stream_lives(hostile, stream):
    ws, heard, _ = stream
    await hostile.send("[" * 5000 + "]" * 5000)  # json.loads: RecursionError
    await hostile.send(QUOTE)
    await until(lambda: heard)
    assert heard == [QUOTE] and ws.state == "connected"
    assert ws.unreadable.total == 1 and hostile.opened == 1, "the same socket, still alive"


GARBAGE = {"text": "hello{", "binary": b"\x00\xff\xfe", "a JSON list": "[1, 2]",
           "JSON null": "null", "a JSON string": '"quote"', "NaN": "NaN",
           "truncated JSON": '{"type": "marketData", "quotes": [{"bid": 1'}


@pytest.mark.parametrize("name", list(GARBAGE))
async def test_garbage_is_ignored_and_the_next_message_arrives(hostile, stream, name):
    ws, heard, _ = stream
    await hostile.send(GARBAGE[name], QUOTE)
    await until(lambda: heard)
    assert heard == [QUOTE] and ws.state == "connected"
    assert ws.unreadable.total == 1


async def test_a_reply_to_an_unknown_request_is_ignored(hostile, stream, caplog):
    _ws, heard, _ = stream
    await hostile.send({"id": "nobody-asked", "data": {"success": True}}, QUOTE)
    await until(lambda: heard)
    assert heard == [QUOTE] and "unknown request id" in caplog.text


async def test_a_listener_that_raises_does_not_end_the_stream(hostile, stream, caplog):
    ws, heard, _ = stream

    def broken(message) -> None:
        raise KeyError("a bug in a listener")

    ws.add_event_listener(broken)
    await hostile.send(QUOTE, QUOTE)
    await until(lambda: len(heard) == 2)
    assert ws.state == "connected"
    assert "could not be handled (KeyError); the stream goes on" in caplog.text


async def test_whatever_ends_the_stream_turns_it_failed_then_it_reconnects(hostile, stream,
                                                                          monkeypatch):
    ws, heard, states = stream
    fail_dispatch_once(ws, monkeypatch)
    await hostile.send(QUOTE)
    await until(lambda: ws.state == "connected" and hostile.opened == 2)
    failed = [reason for state, reason in states if state == "failed"]
    assert failed == ["the stream failed (RuntimeError: nobody foresaw this)"]
    assert [state for state, _ in states][-2:] == ["reconnecting", "connected"]
    await hostile.send(QUOTE)
    await until(lambda: heard)


@pytest.mark.parametrize(("how", "code"), [("a frame over 1 MiB", 1009), ("close 1011", 1011)])
async def test_a_closed_socket_is_reopened(hostile, stream, how, code):
    ws, heard, states = stream
    if code == 1009:
        await hostile.send("x" * (2 << 20))
    else:
        await hostile.close(1011, "internal error")
    await until(lambda: hostile.opened == 2 and ws.state == "connected")
    assert "reconnecting" in [state for state, _ in states]
    said = {1009: "a message over the 1 MiB cap (closed with code 1009)",
            1011: "closed with code 1011 (internal error)"}
    assert ("reconnecting", said[code]) in states, states
    await hostile.send(QUOTE)
    await until(lambda: heard)


def test_unreadable_messages_are_said_once_a_minute_with_a_count(caplog):
    clock = FakeClock()
    unreadable = UnreadableMessages(lambda: "the-secret-token", clock=clock)
    with caplog.at_level(logging.WARNING, logger="ctpanel.core.wire.stream"):
        for _ in range(50):
            unreadable.note(b"\x00\xff\xfe")
        clock.now += 61
        unreadable.note("the-secret-token is not JSON")
    lines = [record.getMessage() for record in caplog.records]
    assert lines == ["Ignored an unreadable WebSocket message (binary, 3 bytes).",
                     "Ignored 50 unreadable WebSocket messages in the last minute (the latest: "
                     "text, 28 characters: *** is not JSON)."]
    assert unreadable.total == 51


def test_an_unreadable_message_is_described_in_words_never_as_a_repr():
    assert describe_unreadable(b"\x00" * 2048) == "binary, 2,048 bytes"
    raw = "\x00\x01 {'x': [1, 2]} " + "y" * 500
    words = describe_unreadable(raw)
    assert "\x00" not in words and words.startswith(f"text, {len(raw)} characters: ")
    assert len(words) < 80
