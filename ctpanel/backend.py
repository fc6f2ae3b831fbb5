"""One connected backend for the panel: demo (embedded simulator) or live (CrossTrade).

Qt-free, so the wiring is testable headless; ``ctpanel.qt.app`` builds one on the qasync loop.
The network stack (httpx, websockets) and the simulator (aiohttp) are imported when a backend
is opened, not when this module is: the panel shows its window first. Opening one imports them
on a worker thread: ~50 ms (live) to ~200 ms (demo) of imports that, on the loop's own thread,
would freeze a window already on screen (the loop stalls at most ~6 ms instead).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.urls import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ws_url_for

if TYPE_CHECKING:
    from ctpanel.core.desk.desk import Desk
    from ctpanel.core.wire.client import CrossTradeClient
    from ctpanel.core.wire.stream import CrossTradeStream
    from ctpanel.sim import Simulator

log = logging.getLogger(__name__)


class Mode(StrEnum):
    DEMO = "demo"
    LIVE = "live"


@dataclass
class Backend:
    mode: Mode
    client: CrossTradeClient
    stream: CrossTradeStream
    desk: Desk  # every order of every door goes through it
    simulator: Simulator | None = None  # demo mode only

    @property
    def base_url(self) -> str:
        return self.client.base_url

    async def aclose(self) -> None:
        await self.stream.close()
        await self.client.aclose()
        if self.simulator is not None:
            await self.simulator.stop()


def assemble(mode: Mode, token: Secret, base_url: str, ws_url: str, journal: Journal, *,
             timeout: float = DEFAULT_TIMEOUT, simulator: Simulator | None = None,
             ssl_context=None) -> Backend:
    """The client, the stream and the desk for one server (``ssl_context``: a private CA)."""
    from ctpanel.core.desk.desk import Desk
    from ctpanel.core.domain.models import Transport
    from ctpanel.core.wire.client import CrossTradeClient
    from ctpanel.core.wire.stream import CrossTradeStream

    client = CrossTradeClient(token, base_url=base_url, timeout=timeout, verify=ssl_context)
    stream = CrossTradeStream(token, url=ws_url, rpc_timeout=timeout, budget=client.budget,
                              ssl_context=ssl_context)
    desk = Desk(client, journal, senders={Transport.REST: client, Transport.WS: stream},
                mode=mode.value)
    return Backend(mode, client, stream, desk, simulator)


def _import_network_stack(mode: Mode) -> None:
    # httpx imports httpcore only when a client is made, and the async network backend at the
    # first request: both would land on the loop's thread. The backend's names are private,
    # so a later httpcore or anyio that moves them only costs that import on the loop.
    import httpcore

    import ctpanel.core.desk.desk
    import ctpanel.core.desk.exits
    import ctpanel.core.desk.groups
    import ctpanel.core.desk.reverse
    import ctpanel.core.wire.client  # httpx
    import ctpanel.core.wire.stream  # websockets
    from ctpanel.core.runtime.version import app_version

    app_version()  # the journal's records carry it: read here, off the loop, before any order
    with contextlib.suppress(ImportError):
        import anyio._backends._asyncio  # noqa: F401
        import httpcore._backends.anyio  # noqa: F401
    if mode is Mode.DEMO:
        import ctpanel.sim.server  # noqa: F401  (aiohttp: only demo mode pays for it)


async def load_network_stack(mode: Mode) -> None:
    """Import what a ``mode`` backend needs, on a worker thread (see the module's docstring)."""
    import asyncio

    await asyncio.to_thread(_import_network_stack, mode)


async def open_demo(journal: Journal, *, timeout: float = DEFAULT_TIMEOUT) -> Backend:
    """Start the simulator on a random loopback port, with a throwaway token."""
    import secrets  # here, not at the top: it loads OpenSSL, which the window does not need

    await load_network_stack(Mode.DEMO)
    from ctpanel.sim import Simulator

    token = secrets.token_hex(16)
    simulator = await Simulator(token=token).start()
    log.info("Demo simulator at %s", simulator.base_url)
    return assemble(Mode.DEMO, Secret(token), simulator.base_url, simulator.ws_url, journal,
                    timeout=timeout, simulator=simulator)


async def open_live(token: Secret, journal: Journal, *, base_url: str = DEFAULT_BASE_URL,
                    ws_url: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> Backend:
    await load_network_stack(Mode.LIVE)
    return assemble(Mode.LIVE, token, base_url, ws_url or ws_url_for(base_url), journal,
                    timeout=timeout)
