"""What the panel needs from outside it, as protocols: the window (or a test) supplies each.

The preference store is :class:`~ctpanel.panel.options.PreferenceStore`; the token store is
:class:`~ctpanel.core.store.credentials.TokenStore`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ctpanel.panel.hotkeys import Chord


class Confirmer(Protocol):
    """Asks the trader a yes/no question (a window-modal dialog in the app, scripted in tests)."""

    async def ask(self, title: str, text: str) -> bool: ...


class ScriptedConfirmer:
    """A :class:`Confirmer` that answers every question with ``answer`` and keeps what was
    asked (the self-test, the benchmarks, the tests: no dialog)."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.asked: list[str] = []

    async def ask(self, title: str, text: str) -> bool:
        self.asked.append(text)
        return self.answer


class PressSignal(Protocol):
    """A press from outside the window (a global hotkey): connect a callback to it."""

    def connect(self, callback: Callable[[], Any]) -> Any: ...


class HotkeyRegistrar(Protocol):
    """The operating system's side of a global hotkey (``ctpanel.qt.global_hotkey``)."""

    sig_pressed: PressSignal  # a press of the registered combination

    def register(self, chord: Chord) -> str | None:
        """Take ``chord`` system-wide; the problem in plain words, or None when it is ours."""

    def unregister(self) -> None:
        """Give the combination back (idempotent)."""

    def close(self) -> None: ...
