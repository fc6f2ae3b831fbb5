"""Every preference, declared once with its default (Picard's ``picard/options.py``), and read
into one frozen :class:`Options` object the panel works from.

Where preferences are kept is a :class:`PreferenceStore`: the Qt window's INI file
(``ctpanel.qt.settings.Preferences``) or, without Qt, :class:`MemoryPreferences`. The token is
never a preference: it lives in the OS keyring only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

from ctpanel.core.domain.models import Transport
from ctpanel.core.domain.plausibility import DEFAULT_BAND
from ctpanel.core.domain.pricing import DEFAULT_CONFIRM_DISTANCE_TICKS, DEFAULT_STOP_OFFSET_TICKS
from ctpanel.core.domain.protection import MAX_BRACKET_TICKS
from ctpanel.panel.hotkeys import (
    DEFAULT_BUY_HOTKEY,
    DEFAULT_CLOSE_HOTKEY,
    DEFAULT_FLATTEN_HOTKEY,
    DEFAULT_GLOBAL_BUY_HOTKEY,
    DEFAULT_GLOBAL_CLOSE_HOTKEY,
    DEFAULT_GLOBAL_HOTKEY,
    DEFAULT_GLOBAL_SELL_HOTKEY,
    DEFAULT_HOTKEY,
    DEFAULT_SELL_HOTKEY,
    Chord,
    usable_global_hotkey,
    usable_hotkey,
)
from ctpanel.panel.sounds import SOUND_LABELS, SoundEvent
from ctpanel.panel.ticket import DEFAULT_REARM_DELAY_S, clamp_rearm_delay


@dataclass(frozen=True)
class Option:
    """One preference: its key, its default, and how a stored value is read back safely."""

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
    "close_hotkey": Option(DEFAULT_CLOSE_HOTKEY, "Keyboard shortcut for Close while the panel "
                                                 "has focus."),
    "flatten_hotkey": Option(DEFAULT_FLATTEN_HOTKEY, "Keyboard shortcut for Flatten (the "
                                                     "account) while the panel has focus."),
    "buy_hotkey": Option(DEFAULT_BUY_HOTKEY, "Keyboard shortcut for BUY while the panel has "
                                             "focus."),
    "sell_hotkey": Option(DEFAULT_SELL_HOTKEY, "Keyboard shortcut for SELL while the panel has "
                                               "focus."),
    "stop_ticks": Option(0, "Default stop in ticks from the fill for BUY, SELL and Reverse "
                            "(0: none)."),
    "target_ticks": Option(0, "Default target in ticks from the fill (0: none)."),
    "global_close_hotkey": Option(DEFAULT_GLOBAL_CLOSE_HOTKEY, "System-wide Close hotkey, "
                                                              "armed with the global Reverse "
                                                              "hotkey."),
    "global_buy_hotkey": Option(DEFAULT_GLOBAL_BUY_HOTKEY, "System-wide BUY hotkey, armed with "
                                                           "the global Reverse hotkey."),
    "global_sell_hotkey": Option(DEFAULT_GLOBAL_SELL_HOTKEY, "System-wide SELL hotkey, armed "
                                                             "with the global Reverse hotkey."),
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
    "quote_band_percent": Option(20.0, "A quote further than this from the last good one (or "
                                       "from the position's average price) is ignored as "
                                       "implausible (1 to 100)."),
    "mirror": Option(True, "Mirror the position: other side, same size."),
    "last_account": Option("", "The account picked last time."),
    "last_instrument": Option("", "The instrument picked last time."),
    "recent_instruments": Option([], "Instruments used recently, newest first."),
    "recent_strategies": Option([], "ATM strategy names used recently, newest first."),
}
DEFAULT_CHORD = usable_global_hotkey(DEFAULT_GLOBAL_HOTKEY)
DEFAULT_CLOSE_CHORD = usable_global_hotkey(DEFAULT_GLOBAL_CLOSE_HOTKEY)
DEFAULT_BUY_CHORD = usable_global_hotkey(DEFAULT_GLOBAL_BUY_HOTKEY)
DEFAULT_SELL_CHORD = usable_global_hotkey(DEFAULT_GLOBAL_SELL_HOTKEY)
CONFIRM_MODES = ("never", "always", "live")
RECENT_LIMIT = 10


def _ticks(value: Any) -> int | None:
    """A default bracket leg from the settings file: 1..MAX_BRACKET_TICKS, else none."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_BRACKET_TICKS else None


def quote_band(percent: float) -> float:
    """The preference in percent, kept between 1 and 100, as a fraction."""
    if not isinstance(percent, int | float) or not math.isfinite(percent):
        return DEFAULT_BAND
    return min(100.0, max(1.0, float(percent))) / 100


class PreferenceStore(Protocol):
    """Where preferences are kept: typed values of the declared :data:`OPTIONS`."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


def remember(store: PreferenceStore, key: str, item: str) -> list[str]:
    """Put ``item`` first in a recent-items list, keeping it short and without repeats."""
    items = ([item] + [old for old in store.get(key) if old != item])[:RECENT_LIMIT]
    store.set(key, items)
    return items


class MemoryPreferences:
    """Preferences kept in memory (tests, headless use): the declared defaults until set."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = {}
        for key, value in (values or {}).items():
            self.set(key, value)

    def get(self, key: str) -> Any:
        default = OPTIONS[key].default
        return self._values.get(key, list(default) if isinstance(default, list) else default)

    def set(self, key: str, value: Any) -> None:
        if key not in OPTIONS:
            raise KeyError(key)
        self._values[key] = value


@dataclass(frozen=True)
class Options:
    """The preferences the panel acts on, read once (not from a file on every click)."""

    transport: Transport = Transport.REST
    confirm: str = "live"
    hotkey: str = DEFAULT_HOTKEY
    global_chord: Chord = DEFAULT_CHORD
    close_hotkey: str = DEFAULT_CLOSE_HOTKEY
    flatten_hotkey: str = DEFAULT_FLATTEN_HOTKEY
    buy_hotkey: str = DEFAULT_BUY_HOTKEY
    sell_hotkey: str = DEFAULT_SELL_HOTKEY
    stop_ticks: int | None = None  # the ticket's default bracket (None: no stop)
    target_ticks: int | None = None
    global_close_chord: Chord = DEFAULT_CLOSE_CHORD
    global_buy_chord: Chord = DEFAULT_BUY_CHORD
    global_sell_chord: Chord = DEFAULT_SELL_CHORD
    rearm_delay: float = DEFAULT_REARM_DELAY_S
    always_on_top: bool = False
    stop_offset_ticks: int = DEFAULT_STOP_OFFSET_TICKS
    confirm_distance_ticks: float = DEFAULT_CONFIRM_DISTANCE_TICKS
    sounds: frozenset[SoundEvent] = frozenset()
    max_quantity: int = 100
    mirror: bool = True
    quote_band: float = DEFAULT_BAND  # a fraction: 0.2 is 20 %

    @classmethod
    def read(cls, store: PreferenceStore) -> Options:
        """From ``store``, each value kept inside what the panel accepts (a hand-edited file
        may hold anything)."""
        transport = store.get("transport")
        confirm = store.get("confirm")
        return cls(
            transport=Transport(transport) if transport in {t.value for t in Transport}
            else Transport.REST,
            confirm=confirm if confirm in CONFIRM_MODES else "live",
            hotkey=usable_hotkey(store.get("hotkey")),
            global_chord=usable_global_hotkey(store.get("global_hotkey")),
            close_hotkey=usable_hotkey(store.get("close_hotkey"), DEFAULT_CLOSE_HOTKEY),
            flatten_hotkey=usable_hotkey(store.get("flatten_hotkey"), DEFAULT_FLATTEN_HOTKEY),
            buy_hotkey=usable_hotkey(store.get("buy_hotkey"), DEFAULT_BUY_HOTKEY),
            sell_hotkey=usable_hotkey(store.get("sell_hotkey"), DEFAULT_SELL_HOTKEY),
            stop_ticks=_ticks(store.get("stop_ticks")),
            target_ticks=_ticks(store.get("target_ticks")),
            global_close_chord=usable_global_hotkey(store.get("global_close_hotkey"),
                                                    DEFAULT_GLOBAL_CLOSE_HOTKEY),
            global_buy_chord=usable_global_hotkey(store.get("global_buy_hotkey"),
                                                  DEFAULT_GLOBAL_BUY_HOTKEY),
            global_sell_chord=usable_global_hotkey(store.get("global_sell_hotkey"),
                                                   DEFAULT_GLOBAL_SELL_HOTKEY),
            rearm_delay=clamp_rearm_delay(store.get("rearm_delay")),
            always_on_top=bool(store.get("always_on_top")),
            stop_offset_ticks=store.get("stop_offset_ticks"),
            confirm_distance_ticks=store.get("confirm_distance_ticks"),
            sounds=frozenset(event for event in SoundEvent if store.get(event.preference)),
            max_quantity=max(1, int(store.get("max_quantity"))),
            mirror=bool(store.get("mirror")),
            quote_band=quote_band(store.get("quote_band_percent")),
        )

    def side_chords(self) -> dict[str, Chord]:
        """The global chords armed beside Reverse's, by the name the hotkey switch knows."""
        return {"close": self.global_close_chord, "buy": self.global_buy_chord,
                "sell": self.global_sell_chord}

    def needs_confirmation(self, *, live: bool) -> bool:
        return self.confirm == "always" or (self.confirm == "live" and live)
