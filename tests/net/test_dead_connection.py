"""A connection that dies silently must never eat a click: for real, across a network namespace.

The simulator runs in its own network namespace, reached through a router namespace over veth
pairs (TLS, a certificate for its address). After the client has opened its two kept-warm
connections, the router drops every packet of *those* connections, both ways, without a word
to either end (a NAT or home router that forgot them), while new connections still get
through. Figures are printed.

Needs root (``ip netns``) and the kernel's HTB and u32 traffic control; skips with the reason
where they are refused.
"""

import asyncio
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.errors import OutcomeUnknownError
from ctpanel.core.wire import client as client_module
from ctpanel.core.wire.client import CrossTradeClient
from ctpanel.core.wire.keepalive import DEFAULT_TIMERS

REPO = Path(__file__).resolve().parents[2]
CLICK_AFTER_DROP_S = 15.0
SELL_2_ES = parse_order(OrderInput(account="Sim101", instrument="ES", action="SELL", quantity=2))


def sh(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=20)


class Namespace:
    """This host, a router namespace and the server's namespace, joined by veth pairs:
    host ``10.213.N.1`` - ``.2`` router ``10.214.N.1`` - ``.2`` server. The silent drop happens
    in the router, on forwarded packets: a drop in an end's own queue would tell that end's
    TCP (it retries without counting a lost keepalive probe), which no NAT does."""

    def __init__(self) -> None:
        pid = os.getpid()
        tag = pid % 250 + 1
        self.router, self.name = f"ctpr{pid}", f"ctps{pid}"
        self.host_if, self.router_in = f"cth{pid}"[:15], f"ctri{pid}"[:15]
        self.router_out, self.server_if = f"ctro{pid}"[:15], f"ctsv{pid}"[:15]
        self.host_address, self.router_address = f"10.213.{tag}.1", f"10.213.{tag}.2"
        self.gateway, self.address = f"10.214.{tag}.1", f"10.214.{tag}.2"

    def create(self) -> None:
        for space in (self.router, self.name):
            sh("ip", "netns", "add", space)
        sh("ip", "link", "add", self.host_if, "type", "veth", "peer", "name", self.router_in)
        sh("ip", "link", "add", self.router_out, "type", "veth", "peer", "name", self.server_if)
        for device, space in ((self.router_in, self.router), (self.router_out, self.router),
                              (self.server_if, self.name)):
            sh("ip", "link", "set", device, "netns", space)
        sh("ip", "addr", "add", f"{self.host_address}/30", "dev", self.host_if)
        sh("ip", "link", "set", self.host_if, "up")
        sh("ip", "route", "add", f"{self.address}/32", "via", self.router_address)
        for device, address in ((self.router_in, self.router_address),
                                (self.router_out, self.gateway)):
            self.in_router("ip", "addr", "add", f"{address}/30", "dev", device)
            self.in_router("ip", "link", "set", device, "up")
        self.in_router("sysctl", "-qw", "net.ipv4.ip_forward=1")
        self.inside("ip", "addr", "add", f"{self.address}/30", "dev", self.server_if)
        self.inside("ip", "link", "set", self.server_if, "up")
        self.inside("ip", "link", "set", "lo", "up")
        self.inside("ip", "route", "add", "default", "via", self.gateway)
        for device in (self.router_in, self.router_out):
            # HTB: everything in class 1:10; class 1:20 feeds a queue that holds nothing.
            self.in_router("tc", "qdisc", "add", "dev", device, "root", "handle", "1:", "htb",
                           "default", "10")
            for klass in ("1:10", "1:20"):
                self.in_router("tc", "class", "add", "dev", device, "parent", "1:", "classid",
                               klass, "htb", "rate", "10gbit")
            self.in_router("tc", "qdisc", "add", "dev", device, "parent", "1:20", "pfifo",
                           "limit", "0")

    def inside(self, *command: str) -> None:
        sh("ip", "netns", "exec", self.name, *command)

    def in_router(self, *command: str) -> None:
        sh("ip", "netns", "exec", self.router, *command)

    def blackhole(self, client_ports: list[int]) -> None:
        """The router forgets these client connections: their packets, both ways, vanish."""
        for port in client_ports:
            for device, direction in ((self.router_out, "sport"), (self.router_in, "dport")):
                self.in_router("tc", "filter", "add", "dev", device, "parent", "1:", "protocol",
                               "ip", "prio", "1", "u32", "match", "ip", direction, str(port),
                               "0xffff", "flowid", "1:20")

    def delete(self) -> None:
        for space in (self.router, self.name):
            subprocess.run(["ip", "netns", "del", space], capture_output=True)
        subprocess.run(["ip", "link", "del", self.host_if], capture_output=True)
        subprocess.run(["ip", "route", "del", f"{self.address}/32"], capture_output=True)


@pytest.fixture
def namespace():
    if sys.platform != "linux" or not shutil.which("ip") or not shutil.which("tc"):
        pytest.skip("network namespaces need Linux with iproute2 (ip, tc)")
    space = Namespace()
    try:
        space.create()
    except (subprocess.CalledProcessError, OSError) as refused:
        space.delete()
        detail = getattr(refused, "stderr", "") or str(refused)
        pytest.skip(f"cannot build the namespace and its silent drop here: {detail.strip()}")
    yield space
    space.delete()


class Server:
    """The simulator inside the namespace."""

    def __init__(self, space: Namespace) -> None:
        self.process = subprocess.Popen(
            ["ip", "netns", "exec", space.name, sys.executable,
             str(REPO / "tests" / "net" / "serve_in_namespace.py"), space.address],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)})
        self.info = json.loads(self.process.stdout.readline())

    def orders(self) -> int:
        self.process.stdin.write("orders\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()  # the server's cue to stop
        self.process.wait(10)
        self.process.stdout.close()


@pytest.fixture
def server(namespace):
    running = Server(namespace)
    yield running
    running.stop()


def established_ports(address: str, port: int) -> set[int]:
    """Local ports of this host's established TCP connections to ``address:port``."""
    remote = f"{''.join(f'{int(b):02X}' for b in reversed(address.split('.')))}:{port:04X}"
    ports = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[2] == remote and fields[3] == "01":  # 01: ESTABLISHED
            ports.add(int(fields[1].split(":")[1], 16))
    return ports


def client_for(server: Server, timeout: float) -> CrossTradeClient:
    context = ssl.create_default_context(cafile=server.info["ca_file"])
    return CrossTradeClient(server.info["token"], base_url=server.info["base_url"],
                            timeout=timeout, verify=context)


async def drop_the_warm_connections(namespace, server, client) -> tuple[set[int], float]:
    await client.list_accounts()  # the reads lane
    await client.keep_warm(force=True)  # the orders lane
    port = int(server.info["base_url"].rsplit(":", 1)[1])
    ports = established_ports(namespace.address, port)
    assert len(ports) >= 2, ports
    namespace.blackhole(sorted(ports))
    return ports, time.monotonic()


async def test_a_click_15_s_after_a_silent_drop_goes_on_a_fresh_connection(namespace, server):
    client = client_for(server, timeout=10.0)
    try:
        ports, dropped_at = await drop_the_warm_connections(namespace, server, client)
        port = int(server.info["base_url"].rsplit(":", 1)[1])
        while established_ports(namespace.address, port) & ports:
            assert time.monotonic() - dropped_at < CLICK_AFTER_DROP_S, "never found dead"
            await asyncio.sleep(0.1)
        known_after = time.monotonic() - dropped_at
        await asyncio.sleep(CLICK_AFTER_DROP_S - (time.monotonic() - dropped_at))
        clicked = time.monotonic()
        result = await client.reverse_position(SELL_2_ES)
        answered_ms = (time.monotonic() - clicked) * 1000
    finally:
        await client.aclose()
    print(f"\nsilent drop: the kernel dropped the dead connections after {known_after:.1f} s "
          f"(at most {DEFAULT_TIMERS.dead_after} s by the keepalive timers); a click "
          f"{CLICK_AFTER_DROP_S:.0f} s after the drop was answered in {answered_ms:.0f} ms on a "
          "fresh connection")
    assert len(result.order_id) == 32
    assert known_after <= DEFAULT_TIMERS.dead_after + 2.0  # 9 s, plus the idle before the drop
    assert server.orders() == 1


async def test_without_keepalive_the_same_click_is_eaten(namespace, server, monkeypatch):
    """The control: the same drop, no keepalive options; the click goes into the dead
    connection and ends as "outcome unknown", and no order reaches the simulator."""
    monkeypatch.setattr(client_module, "usable_keepalive_options", lambda: [])
    client = client_for(server, timeout=3.0)
    try:
        _ports, dropped_at = await drop_the_warm_connections(namespace, server, client)
        await asyncio.sleep(CLICK_AFTER_DROP_S - (time.monotonic() - dropped_at))
        with pytest.raises(OutcomeUnknownError):
            await client.reverse_position(SELL_2_ES)
    finally:
        await client.aclose()
    assert server.orders() == 0
