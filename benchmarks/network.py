"""A CrossTrade stand-in for benchmarks: the simulator behind TLS and a delaying loopback relay.

Run as a separate process (``python -m benchmarks.network --rtt-ms 40``) so the measured client
and the server do not share an event loop or the GIL. It prints one JSON line with the URLs and
the CA file, then serves until it is terminated.

The relay adds half the round-trip time to every chunk in each direction (a delay line, so
chunks in flight overlap as on a real link) and one full round trip when a connection opens
(the TCP handshake). A new HTTPS connection therefore pays TCP + TLS + request = 3 round trips;
a warm one pays 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import tempfile
from pathlib import Path

from ctpanel.sim import Simulator
from ctpanel.sim.state import SimState
from ctpanel.sim.tls import throwaway_tls

TOKEN = "benchmark-token"


class DelayRelay:
    """Forwards TCP from a loopback port to ``target``, delaying every chunk by ``rtt / 2``."""

    def __init__(self, target_port: int, rtt: float) -> None:
        self.target_port = target_port
        self.half = rtt / 2
        self.rtt = rtt
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> DelayRelay:
        self._server = await asyncio.start_server(self._on_client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _on_client(self, client_reader, client_writer) -> None:
        try:
            await asyncio.sleep(self.rtt)  # SYN, SYN-ACK: the handshake a real link would cost
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1",
                                                                         self.target_port)
            await asyncio.gather(self._pipe(client_reader, server_writer),
                                 self._pipe(server_reader, client_writer),
                                 return_exceptions=True)
        except asyncio.CancelledError:
            # The process is shutting down; asyncio would otherwise log every open
            # connection's cancellation as an error from the server callback.
            client_writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        line: asyncio.Queue = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await line.get()
                await asyncio.sleep(max(0.0, due - loop.time()))
                if chunk is None:
                    break
                writer.write(chunk)
                await writer.drain()
            with contextlib.suppress(OSError):
                writer.close()

        sender = loop.create_task(deliver())
        try:
            while chunk := await reader.read(65536):
                line.put_nowait((loop.time() + self.half, chunk))
        finally:
            line.put_nowait((loop.time() + self.half, None))
            await sender


async def serve(rtt_ms: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ctpanel-bench-"))
    server_context, ca_file = throwaway_tls(folder)
    # Sim101-103 only, as in earlier sessions' figures: the demo group's five accounts would add
    # their P&L pushes (20 a second) to the 2 cores the panel is measured on (+0.07 on
    # panel_rest/floor here); the group benchmark adds its own ten accounts.
    simulator = Simulator(token=TOKEN, rate_limit=None, ssl_context=server_context,
                          push_interval=0.05, state=SimState(demo_group=False))
    await simulator.start()
    relay = await DelayRelay(simulator.port, rtt_ms / 1000).start()
    print(json.dumps({"base_url": f"https://127.0.0.1:{relay.port}",
                      "ws_url": f"wss://127.0.0.1:{relay.port}/ws/stream",
                      "direct_url": simulator.base_url, "ca_file": str(ca_file),
                      "token": TOKEN, "rtt_ms": rtt_ms}), flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()
    await simulator.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=40.0)
    asyncio.run(serve(parser.parse_args().rtt_ms))


if __name__ == "__main__":
    main()
