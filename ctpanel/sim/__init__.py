"""A local CrossTrade simulator (REST + WebSocket) for demo mode and tests. No Qt here.

The server (aiohttp) is loaded when first named, so :mod:`ctpanel.sim.seed` (what the
simulator holds) is cheap to read for the panel and the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctpanel.sim.server import Fault, Received, Simulator
    from ctpanel.sim.state import SimState

__all__ = ["Fault", "Received", "SimState", "Simulator"]


def __getattr__(name: str) -> Any:
    if name in ("Fault", "Received", "Simulator"):
        from ctpanel.sim import server

        return getattr(server, name)
    if name == "SimState":
        from ctpanel.sim.state import SimState

        return SimState
    raise AttributeError(name)
