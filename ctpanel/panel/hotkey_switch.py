"""The global hotkeys' part of the panel, Qt-free: the arm switch (its rules are
:class:`~ctpanel.panel.hotkey_arm.HotkeyArm`'s), the combinations, and the platform's
registrations behind :class:`~ctpanel.panel.ports.HotkeyRegistrar` (``ctpanel.qt.global_hotkey``
in the app, fakes in tests).

The combinations (Reverse's, and Close's, BUY's and SELL's beside it) are registered only while
armed, and given back on every disarm, so they belong to other programs otherwise. One switch
arms them all: each side chord is armed on purpose exactly like the Reverse one, one press one
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ctpanel.panel.events import Event
from ctpanel.panel.hotkey_arm import HotkeyArm
from ctpanel.panel.hotkeys import (
    DEFAULT_ARM_SHORTCUT,
    DEFAULT_GLOBAL_BUY_HOTKEY,
    DEFAULT_GLOBAL_CLOSE_HOTKEY,
    DEFAULT_GLOBAL_HOTKEY,
    DEFAULT_GLOBAL_SELL_HOTKEY,
    Chord,
    parse_chord,
)
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import HotkeyRegistrar
from ctpanel.panel.views import HotkeyView

SIDE_CHORDS = {"close": DEFAULT_GLOBAL_CLOSE_HOTKEY, "buy": DEFAULT_GLOBAL_BUY_HOTKEY,
               "sell": DEFAULT_GLOBAL_SELL_HOTKEY}  # the side chords' names, and defaults
SIDE_VERBS = {"close": "closes", "buy": "buys", "sell": "sells"}


@dataclass
class SideChord:
    """A chord armed beside Reverse's: its combination, its registration, why it is off."""

    chord: Chord
    registrar: HotkeyRegistrar | None = None
    problem: str = ""  # why it is not registered while armed

    def shown(self) -> str:
        return self.chord.text() if self.registrar is not None and not self.problem else ""


class HotkeySwitch:
    """The panel's part for the global hotkeys: registered while armed, disarmed when stuck."""

    def __init__(self, notices: Notices, clock: Callable[[], float] = time.monotonic) -> None:
        self.notices = notices
        self.arm = HotkeyArm(clock)
        self.chord = parse_chord(DEFAULT_GLOBAL_HOTKEY)
        self.registrar: HotkeyRegistrar | None = None
        self.sides = {name: SideChord(parse_chord(text)) for name, text in SIDE_CHORDS.items()}
        self.changed = Event("changed")  # HotkeyView

    @property
    def armed(self) -> bool:
        return self.arm.armed

    def view(self) -> HotkeyView:
        return HotkeyView(self.arm.armed, self.chord.text(), self.arm.note, DEFAULT_ARM_SHORTCUT,
                          *(self.sides[name].shown() for name in SIDE_CHORDS))

    def use(self, registrar: HotkeyRegistrar, on_press: Callable[[], Any],
            sides: Mapping[str, tuple[HotkeyRegistrar, Callable[[], Any]]] | None = None) -> None:
        """The platform's registrations (Reverse's, and each side chord's by name), once the
        panel starts."""
        self.registrar = registrar
        registrar.sig_pressed.connect(on_press)
        for name, (side_registrar, on_side) in (sides or {}).items():
            self.sides[name].registrar = side_registrar
            side_registrar.sig_pressed.connect(on_side)
        self._show()

    def set_armed(self, on: bool, *, ready: bool) -> None:
        """The trader's switch; ``ready``: a backend is attached (else arming is refused)."""
        if on == self.arm.armed:
            self._show()  # a toggle out of step with the state is put back
            return
        if not on:
            self.disarm()
            self.notices.say(Level.INFO, self.arm.note)
            return
        if not ready or self.registrar is None:
            problem = "The panel is still starting; arm the global hotkey once it is up."
        else:
            problem = self.registrar.register(self.chord)
        if self.arm.arm(problem):
            self.notices.say(Level.WARNING, f"Global hotkey {self.chord.text()} ARMED: it "
                                            f"reverses from any program{self._arm_sides()}. "
                                            f"{DEFAULT_ARM_SHORTCUT} here disarms it.")
        else:
            self.notices.say(Level.WARNING, self.arm.note)
        self._show()

    def _arm_sides(self) -> str:
        """Register the side chords beside the Reverse one; the words for the armed notice.
        A chord taken by another program leaves the others armed, and says so."""
        armed, off = [], []
        for name, side in self.sides.items():
            if side.registrar is None:
                continue
            side.problem = side.registrar.register(side.chord) or ""
            if side.problem:
                off.append(f" (the {name.upper()} hotkey is off: {side.problem})")
            else:
                armed.append(f", {side.chord.text()} {SIDE_VERBS[name]}")
        return "".join(armed + off)

    def disarm(self, reason: str = "Global hotkey off.") -> None:
        self.arm.disarm(reason)
        self._show()

    def apply(self, chord: Chord, sides: Mapping[str, Chord] | None = None) -> None:
        """Combinations from the preferences; an armed hotkey with another one disarms."""
        wanted = {name: (sides or {}).get(name, side.chord) for name, side in self.sides.items()}
        now = {name: side.chord for name, side in self.sides.items()}
        if self.arm.armed and (chord, wanted) != (self.chord, now):
            self.disarm("Global hotkey disarmed: its combination changed. Arm it again to use "
                        "the new one.")
        self.chord = chord
        for name, side_chord in wanted.items():
            self.sides[name].chord = side_chord
        self._show()

    def scope_changed(self, what: str) -> None:
        """A new mode or account: an armed hotkey was armed for the old one."""
        if self.arm.armed:
            self.arm.scope_changed(what)
            self.notices.say(Level.WARNING, self.arm.note)
        self._show()

    def observe(self, can_send: bool, reason: str) -> None:
        if self.arm.observe(can_send, reason):
            self.notices.say(Level.WARNING, self.arm.note)
            self._show()

    def press(self) -> bool:
        """A press of a system-wide combination: True when it goes on to the ticket (it is
        grabbed only while armed, but a press may race the disarm)."""
        return self.arm.press()

    def close(self) -> None:
        self.disarm("Global hotkey off: the panel is closing.")
        for registrar in self._registrars():
            registrar.close()

    def _registrars(self) -> list[HotkeyRegistrar]:
        return [registrar for registrar in
                (self.registrar, *(side.registrar for side in self.sides.values()))
                if registrar is not None]

    def _show(self) -> None:
        if not self.arm.armed:  # disarmed: the combinations are given back
            for registrar in self._registrars():
                registrar.unregister()
            for side in self.sides.values():
                side.problem = ""
        self.changed.emit(self.view())
