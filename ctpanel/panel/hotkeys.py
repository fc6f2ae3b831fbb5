"""Which key combinations may fire an order. Qt-free: the combination is Qt's portable text
(``Ctrl+Shift+R``, ``F9``), as the preferences store it; for the global hotkey, also what each
platform's registration call takes.

A plain letter (or Shift plus a letter) would fire while the trader types a price or an
account name: an order must take a deliberate chord, or a function key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_HOTKEY = "Ctrl+Shift+R"
DEFAULT_CLOSE_HOTKEY = "Ctrl+Shift+C"
DEFAULT_FLATTEN_HOTKEY = "Ctrl+Shift+F"
DEFAULT_BUY_HOTKEY = "Ctrl+Shift+B"
DEFAULT_SELL_HOTKEY = "Ctrl+Shift+S"
CHORD_MODIFIERS = {"ctrl", "alt", "meta"}
FUNCTION_KEY = re.compile(r"^f([1-9]|1[0-9]|2[0-4])$", re.IGNORECASE)


def hotkey_problem(text: str) -> str | None:
    """Why ``text`` may not be the Reverse hotkey, in plain words; None when it may."""
    text = text.strip()
    if not text:
        return "Choose a hotkey."
    if "," in text:
        return "Use a single key combination, not a sequence of them."
    *modifiers, key = text.split("+") if text != "+" else ["+"]
    if FUNCTION_KEY.match(key.strip()):
        return None
    if not CHORD_MODIFIERS & {modifier.strip().lower() for modifier in modifiers}:
        return (f"{text} would fire while you type. Use Ctrl, Alt or Meta with it, "
                "or a function key (F1-F24).")
    return None


def usable_hotkey(text: str, default: str = DEFAULT_HOTKEY) -> str:
    """``text`` if it may fire orders, else the default (a bad value in the settings file)."""
    return text if hotkey_problem(text) is None else default


# --- the global hotkey --------------------------------------------------------------------

DEFAULT_GLOBAL_HOTKEY = "Ctrl+Alt+R"
DEFAULT_GLOBAL_CLOSE_HOTKEY = "Ctrl+Alt+C"
DEFAULT_GLOBAL_BUY_HOTKEY = "Ctrl+Alt+B"
DEFAULT_GLOBAL_SELL_HOTKEY = "Ctrl+Alt+S"
DEFAULT_ARM_SHORTCUT = "Ctrl+Shift+A"  # while the panel has focus: arm / disarm the global one
MODIFIER_NAMES = ("ctrl", "alt", "shift", "meta")
GLOBAL_KEY = re.compile(r"^([A-Z0-9]|F([1-9]|1[0-9]|2[0-4]))$")


@dataclass(frozen=True)
class Chord:
    """A key combination in portable words: modifiers (lower case) and one key (``R``, ``F9``)."""

    modifiers: frozenset[str]
    key: str

    def text(self) -> str:
        named = [name.capitalize() for name in MODIFIER_NAMES if name in self.modifiers]
        return "+".join([*named, self.key])


def parse_chord(text: str) -> Chord | None:
    """``Ctrl+Alt+R`` -> Chord; None for anything that cannot be a global hotkey (a sequence,
    an unknown modifier, a key other than a letter, a digit or F1-F24)."""
    *modifiers, key = text.strip().split("+")
    names = {modifier.strip().lower() for modifier in modifiers}
    key = key.strip().upper()
    if not GLOBAL_KEY.match(key) or not names <= set(MODIFIER_NAMES):
        return None
    return Chord(frozenset(names), key)


def global_hotkey_problem(text: str) -> str | None:
    """Why ``text`` may not be the system-wide Reverse hotkey; None when it may. It fires in
    every program, so it needs Ctrl, Alt or Meta whatever the key."""
    chord = parse_chord(text) if text.strip() else None
    if chord is None:
        return ("The global hotkey is a letter, a digit or F1-F24 with Ctrl, Alt or Meta "
                f"(like {DEFAULT_GLOBAL_HOTKEY}); {text.strip() or 'nothing'} is not.")
    if not CHORD_MODIFIERS & chord.modifiers:
        return (f"{text.strip()} would fire in every program you type in. Use Ctrl, Alt or "
                "Meta with it.")
    return None


def usable_global_hotkey(text: str, default: str = DEFAULT_GLOBAL_HOTKEY) -> Chord:
    """The chord ``text`` names if the system can grab it, else ``default``'s."""
    return parse_chord(text if global_hotkey_problem(text) is None else default)


# Windows: RegisterHotKey's modifier flags and virtual-key codes.
WIN_MODIFIERS = {"alt": 0x0001, "ctrl": 0x0002, "shift": 0x0004, "meta": 0x0008}
MOD_NOREPEAT = 0x4000  # a held key is one WM_HOTKEY, not one per auto-repeat
VK_F1 = 0x70


def win32_hotkey(chord: Chord) -> tuple[int, int]:
    """(fsModifiers, vk) for RegisterHotKey, always with MOD_NOREPEAT."""
    flags = MOD_NOREPEAT
    for name in chord.modifiers:
        flags |= WIN_MODIFIERS[name]
    if chord.key.startswith("F") and len(chord.key) > 1:
        return flags, VK_F1 + int(chord.key[1:]) - 1
    return flags, ord(chord.key)  # VK codes of A-Z and 0-9 are their ASCII codes


# X11: the core modifier masks (Alt is Mod1 and Meta is Super, Mod4, on every common layout).
X11_MODIFIERS = {"shift": 1 << 0, "ctrl": 1 << 2, "alt": 1 << 3, "meta": 1 << 6}
X11_LOCK_MASKS = (0, 1 << 1, 1 << 4, (1 << 1) | (1 << 4))  # Caps Lock and Num Lock, on or off


def x11_modifier_mask(chord: Chord) -> int:
    """The X11 modifier mask of ``chord`` (for the X11 grab)."""
    mask = 0
    for name in chord.modifiers:
        mask |= X11_MODIFIERS[name]
    return mask


def x11_keysym_name(chord: Chord) -> str:
    """The keysym's name: ``r`` (the unshifted letter), ``5``, ``F9``."""
    return chord.key.lower() if len(chord.key) == 1 else chord.key
