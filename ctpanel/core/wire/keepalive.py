"""TCP keepalive with short timers, spelled the way each platform spells it.

Home routers, NATs and firewalls forget idle connections without telling either end. With
keepalive probes after 5 s of silence, every 2 s, 2 of them, the kernel finds a peer that
stopped answering within 5 + 2 x 2 = 9 s and errors the socket; httpcore then drops that
connection from its pool before the next request instead of writing an order into it.

The option numbers are the platforms' own (Linux ``netinet/tcp.h``; Windows ``ws2ipdef.h``,
Windows 10 1709 and later; macOS ``netinet/tcp.h``): written here as a table so each platform's
set can be tested on any machine, and applied only on the platform it belongs to. What is
applied is what this OS accepts (each option tried once on a throwaway socket): Windows before
10 1709, and Wine, refuse some of the timers, and a refused option must never cost a connection.
"""

from __future__ import annotations

import functools
import logging
import socket
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)

IPPROTO_TCP = 6


@dataclass(frozen=True)
class KeepaliveTimers:
    """When a silent connection is probed, and how often, until it is given up."""

    idle: int = 5  # seconds of silence before the first probe
    interval: int = 2  # seconds between probes
    probes: int = 2  # unanswered probes before the connection is declared dead

    @property
    def dead_after(self) -> int:
        """Seconds from the last byte heard to the socket's error, at most."""
        return self.idle + self.interval * self.probes


@dataclass(frozen=True)
class PlatformOptions:
    """The socket options one platform takes for TCP keepalive."""

    sol_socket: int
    so_keepalive: int
    idle: int  # TCP_KEEPIDLE (Linux, Windows' TCP_KEEPALIVE) or TCP_KEEPALIVE (macOS)
    interval: int  # TCP_KEEPINTVL
    count: int  # TCP_KEEPCNT


PLATFORM_OPTIONS = {
    "linux": PlatformOptions(sol_socket=1, so_keepalive=9, idle=4, interval=5, count=6),
    "win32": PlatformOptions(sol_socket=0xFFFF, so_keepalive=8, idle=3, interval=17, count=16),
    "darwin": PlatformOptions(sol_socket=0xFFFF, so_keepalive=8, idle=0x10, interval=0x101,
                              count=0x102),
}
DEFAULT_TIMERS = KeepaliveTimers()


def keepalive_options(platform: str = sys.platform,
                      timers: KeepaliveTimers = DEFAULT_TIMERS) -> list[tuple[int, int, int]]:
    """``setsockopt`` triples (level, option, value) for ``platform``: on, then the timers;
    none on a platform not in the table (its connections stay as the system makes them)."""
    options = PLATFORM_OPTIONS.get(platform)
    if options is None:
        return []
    return [(options.sol_socket, options.so_keepalive, 1),
            (IPPROTO_TCP, options.idle, timers.idle),
            (IPPROTO_TCP, options.interval, timers.interval),
            (IPPROTO_TCP, options.count, timers.probes)]


def accepted_options(options: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The options this OS accepts, each tried on a throwaway TCP socket."""
    accepted = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        for triple in options:
            try:
                probe.setsockopt(*triple)
            except OSError as refused:
                log.info("This system refuses keepalive option %s: %s", triple[:2], refused)
            else:
                accepted.append(triple)
    return accepted


@functools.cache
def usable_keepalive_options() -> list[tuple[int, int, int]]:
    """This platform's keepalive set, less what this OS refuses (tried once per process)."""
    return accepted_options(keepalive_options())


def apply_keepalive(sock) -> None:
    """Set the usable options on a connected socket (the WebSocket's)."""
    for level, option, value in usable_keepalive_options():
        sock.setsockopt(level, option, value)
