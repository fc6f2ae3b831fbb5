"""The simulator on a network namespace's own address, over TLS with a certificate for that
address (run with ``ip netns exec``). Prints one JSON line (base URL, CA file), then answers
``orders`` on stdin with the number of ReversePosition requests received, until stdin closes."""

import asyncio
import json
import ssl
import sys
import tempfile
from pathlib import Path

import trustme

from ctpanel.sim.server import Simulator


async def serve(address: str) -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(address).configure_cert(context)
    ca_file = Path(tempfile.mkdtemp(prefix="ctpanel-netns-")) / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    simulator = Simulator(host=address, port=0, ssl_context=context)
    await simulator.start()
    print(json.dumps({"base_url": simulator.base_url, "token": simulator.token,
                      "ca_file": str(ca_file)}), flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        if line.strip() == "orders":
            print(len(simulator.orders_received("ReversePosition")), flush=True)
    await simulator.stop()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
