"""Preferences and window state, each declared once with its default, kept in two files.

Both live in ctpanel's data folder as INI files that QSettings writes atomically. The token is
never stored here: it lives in the OS keyring only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from ctpanel.config import data_dir
from ctpanel.core.pricing import DEFAULT_CONFIRM_DISTANCE_TICKS, DEFAULT_STOP_OFFSET_TICKS
from ctpanel.panel.hotkeys import DEFAULT_GLOBAL_HOTKEY, DEFAULT_HOTKEY
from ctpanel.panel.sounds import SOUND_LABELS, SoundEvent
from ctpanel.panel.ticket import DEFAULT_REARM_DELAY_S


@dataclass(frozen=True)
class Option:
    default: Any
    help: str


OPTIONS: dict[str, Option] = {
    "transport": Option("rest", "How orders travel: rest or ws (WebSocket)."),
    "confirm": Option("live", "Ask before sending: never, always, or live (live accounts only)."),
    "hotkey": Option(DEFAULT_HOTKEY, "Keyboard shortcut for Reverse while the panel has focus "
                                     "(Ctrl, Alt or Meta with a key, or a function key)."),
    "global_hotkey": Option(DEFAULT_GLOBAL_HOTKEY, "System-wide Reverse hotkey, from any program "
                                                   "once armed (Ctrl, Alt or Meta with a letter, a "
                                                   "digit or F1-F24)."),
    "rearm_delay": Option(DEFAULT_REARM_DELAY_S, "Seconds after an order's new position is shown "
                                                 "before Reverse re-arms (0.3 to 5)."),
    "always_on_top": Option(False, "Keep the panel above other windows."),
    "stop_offset_ticks": Option(DEFAULT_STOP_OFFSET_TICKS, "Ticks beyond the market for a stop "
                                                           "price filled in from the market."),
    "confirm_distance_ticks": Option(DEFAULT_CONFIRM_DISTANCE_TICKS,
                                     "A limit or stop price further than this many ticks from "
                                     "the market asks for confirmation, even with confirmations "
                                     "off."),
    **{event.preference: Option(False, f"Play a sound: {SOUND_LABELS[event].lower()}.")
       for event in SoundEvent},
    "max_quantity": Option(100, "Largest quantity the form accepts."),
    "mirror": Option(True, "Mirror the position: other side, same size."),
    "last_account": Option("", "The account picked last time."),
    "last_instrument": Option("", "The instrument picked last time."),
    "recent_instruments": Option([], "Instruments used recently, newest first."),
    "recent_strategies": Option([], "ATM strategy names used recently, newest first."),
}
CONFIRM_MODES = ("never", "always", "live")
RECENT_LIMIT = 10


class Preferences:
    """Typed access to the declared options; unknown keys are a programming error."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or data_dir() / "settings.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._settings.fileName()

    def get(self, key: str) -> Any:
        default = OPTIONS[key].default
        value = self._settings.value(key, default)
        return _coerce(value, default)

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self._settings.setValue(key, value)
        self._settings.sync()

    def remember(self, key: str, item: str) -> list[str]:
        """Put ``item`` first in a recent-items list, keeping it short and without repeats."""
        items = [item] + [old for old in self.get(key) if old != item]
        self.set(key, items[:RECENT_LIMIT])
        return items[:RECENT_LIMIT]


class WindowState:
    """Geometry and splitter positions, apart from preferences."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or data_dir() / "window-state.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def load(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) else None

    def save(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()


def _coerce(value: Any, default: Any) -> Any:
    """INI files hand back strings; turn them into the default's type, else the default."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")
    if isinstance(default, int | float):
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            return default
    if isinstance(default, list):
        if value in (None, ""):
            return []
        items = value if isinstance(value, list) else [value]
        return [str(item) for item in items if str(item).strip()]
    return default if value is None else str(value)
