"""Run the simulator standalone: ``python -m ctpanel.sim --port 0`` prints its URLs."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from ctpanel.core.runtime.termination import stop_on_signals
from ctpanel.sim.server import Simulator
from ctpanel.sim.tls import throwaway_tls


async def _serve(args: argparse.Namespace) -> None:
    context, ca_file = None, None
    if args.tls:
        context, ca_file = throwaway_tls(Path(tempfile.mkdtemp(prefix="ctpanel-sim-tls-")))
    simulator = Simulator(token=args.token, host=args.host, port=args.port,
                          rate_limit=None if args.no_rate_limit else (20, 3.0),
                          ssl_context=context)
    await simulator.start()
    print(json.dumps({"base_url": simulator.base_url, "ws_url": simulator.ws_url,
                      "token": simulator.token,
                      "ca_file": str(ca_file) if ca_file else None}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    stop_on_signals(loop, stop.set)
    await stop.wait()
    await simulator.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ctpanel.sim",
                                     description="A local CrossTrade simulator.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default="sim-token", help="the Bearer token it accepts")
    parser.add_argument("--tls", action="store_true",
                        help="serve https/wss with a certificate from a throwaway CA")
    parser.add_argument("--no-rate-limit", action="store_true",
                        help="turn off CrossTrade's 20-burst / 3-per-second budget")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        parser.error("the simulator only binds loopback addresses")
    asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
