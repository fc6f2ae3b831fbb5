"""Which key combinations may fire an order. Qt-free: the combination is Qt's portable text
(``Ctrl+Shift+R``, ``F9``), as the preferences store it.

A plain letter (or Shift plus a letter) would fire while the trader types a price or an
account name: an order must take a deliberate chord, or a function key.
"""

from __future__ import annotations

import re

DEFAULT_HOTKEY = "Ctrl+Shift+R"
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


def usable_hotkey(text: str) -> str:
    """``text`` if it may fire orders, else the default (a bad value in the settings file)."""
    return text if hotkey_problem(text) is None else DEFAULT_HOTKEY
