"""A stand-in CrossTrade WebSocket that sends whatever a test tells it to: garbage, wrong types,
huge or deeply nested messages, floods, replies to unknown ids, abnormal closes. Loopback only.
It reads (and keeps) what the client sends, and answers nothing by itself."""

from __future__ import annotations

import asyncio
import contextlib
import json

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed


class HostileServer:
    def __init__(self) -> None:
        self.opened = 0  # connections accepted so far
        self.received: list[str | bytes] = []
        self._current: ServerConnection | None = None
        self._server = None
        self.url = ""

    async def start(self) -> HostileServer:
        self._server = await serve(self._handler, "127.0.0.1", 0, max_size=None)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{port}/ws/stream"
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handler(self, ws: ServerConnection) -> None:
        self.opened += 1
        self._current = ws
        with contextlib.suppress(ConnectionClosed):  # the client may go away any way it likes
            async for message in ws:
                self.received.append(message)

    async def wait_open(self, count: int, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while self.opened < count or self._current is None:
                await asyncio.sleep(0.01)

    async def send(self, *frames: str | bytes | dict) -> None:
        for frame in frames:
            await self._current.send(json.dumps(frame) if isinstance(frame, dict) else frame)

    async def close(self, code: int, reason: str = "") -> None:
        await self._current.close(code, reason)


def market_data(instrument: str, bid, ask=None, last=None) -> dict:
    quote = {"instrument": instrument, "bid": bid, "ask": ask if ask is not None else bid,
             "last": last if last is not None else bid}
    return {"type": "marketData", "quotes": [quote]}


def fail_dispatch_once(stream, monkeypatch) -> None:
    """A bug nobody foresaw, on the stream's read path: handling the next message raises."""
    dispatch, failed = stream._dispatch, []

    def fails_once(raw) -> None:
        if not failed:
            failed.append(raw)
            raise RuntimeError("nobody foresaw this")
        dispatch(raw)

    monkeypatch.setattr(stream, "_dispatch", fails_once)
