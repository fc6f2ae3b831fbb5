"""A local CrossTrade simulator (REST + WebSocket) for demo mode and tests. No Qt here."""

from ctpanel.sim.server import Fault, Received, Simulator
from ctpanel.sim.state import SimState

__all__ = ["Fault", "Received", "SimState", "Simulator"]
