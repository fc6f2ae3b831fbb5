"""The status lights' values, Qt-free: one per light, from what actually happened on the
current backend, each with its reason in plain words. Everything is unknown after a switch."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ctpanel.core.domain.states import StreamState
from ctpanel.core.errors import AuthError, CtError, NetworkError, NotConnectedError


class LightState(StrEnum):
    """A light's colour: good, warning, bad or unknown."""

    UNKNOWN = "unknown"
    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    OFF = "off"  # not used in this mode (the demo's token)


@dataclass(frozen=True)
class Light:
    """One status light: its state and why, in plain words."""

    state: LightState
    reason: str


UNKNOWN = Light(LightState.UNKNOWN, "not checked yet")
STREAM_STATES = {StreamState.CONNECTED: LightState.OK, StreamState.STOPPED: LightState.BAD,
                 StreamState.FAILED: LightState.BAD, StreamState.RECONNECTING: LightState.WARN,
                 StreamState.CONNECTING: LightState.UNKNOWN, StreamState.IDLE: LightState.OFF}


@dataclass
class ConnectionStatus:
    """The connection's lights: REST, the WebSocket, NinjaTrader, the request budget."""

    token: Light = UNKNOWN
    crosstrade: Light = UNKNOWN
    ninjatrader: Light = UNKNOWN
    websocket: Light = UNKNOWN

    def reset(self, *, live: bool) -> None:
        """A new backend: nothing is known about it until it answers."""
        self.crosstrade = self.ninjatrader = self.websocket = UNKNOWN
        self.token = UNKNOWN if live else Light(LightState.OFF, "demo mode uses none")

    def answered(self, *, live: bool) -> None:
        """A request went through: CrossTrade and NinjaTrader are there, the token is good."""
        self.crosstrade = Light(LightState.OK, "reachable")
        self.ninjatrader = Light(LightState.OK, "connected")
        if live:
            self.token = Light(LightState.OK, "accepted")

    def failed(self, error: CtError) -> None:
        if isinstance(error, AuthError):
            self.token = Light(LightState.BAD, "rejected by CrossTrade")
            self.crosstrade = Light(LightState.OK, "reachable (it answered)")
        elif isinstance(error, NotConnectedError):
            self.crosstrade = Light(LightState.OK, "reachable")
            self.ninjatrader = Light(LightState.BAD, "not connected (408)")
        elif isinstance(error, NetworkError):
            self.crosstrade = Light(LightState.BAD, str(error))

    def stream(self, state: StreamState, reason: str) -> None:
        self.websocket = Light(STREAM_STATES.get(state, LightState.UNKNOWN), reason or state)
