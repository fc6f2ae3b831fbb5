"""What the panel's events carry: small frozen values a view shows as they are, Qt-free.

Words live here too (the band, the title), so a window only copies them onto its widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.ticket import Arming

MODE_BANDS = {
    "demo": "DEMO — simulated account and prices; nothing reaches NinjaTrader",
    "live": "LIVE — orders go to NinjaTrader through CrossTrade",
}


@dataclass(frozen=True)
class ModeView:
    """The band and the title: mode ("starting", "demo" or "live"), armed or not."""

    mode: str
    band: str
    title: str
    armed: bool

    @classmethod
    def of(cls, mode: str | None, account: str, armed: bool, chord: str) -> ModeView:
        if mode is None:
            return cls("starting", "Starting…", "ctpanel — starting", False)
        band = MODE_BANDS[mode]
        if armed:
            band = f"HOTKEY ARMED ({chord})  ·  {band}"
        prefix = "HOTKEY ARMED — " if armed else ""
        return cls(mode, band, f"{prefix}ctpanel — {mode.upper()} — {account or 'no account'}",
                   armed)


@dataclass(frozen=True)
class TicketState:
    """REVERSE, its reason and the preview; ``problems`` are the other form problems, shown by
    the fields. ``preview`` and ``problems`` are None on the click path: left as shown."""

    arming: Arming
    preview: str | None
    problems: str | None


@dataclass(frozen=True)
class HotkeyView:
    armed: bool
    chord: str  # the global combination, "Ctrl+Alt+R"
    note: str  # why it is on or off, in plain words
    arm_shortcut: str  # the panel's own shortcut that arms and disarms it


@dataclass(frozen=True)
class StatusView:
    status: ConnectionStatus
    budget: str  # "Budget 12/20", "Budget –", "Budget 0 — rate limited"
