"""The global hotkey's part of the panel, Qt-free: the arm switch (its rules are
:class:`~ctpanel.panel.hotkey_arm.HotkeyArm`'s), the combination, and the platform's
registration behind a :class:`~ctpanel.panel.ports.HotkeyRegistrar` (``ctpanel.qt.global_hotkey``
in the app, a fake in tests).

The combinations (Reverse's, and Close's beside it) are registered only while armed, and given
back on every disarm, so they belong to other programs otherwise. One switch arms both: a Close
chord is armed on purpose exactly like the Reverse one, one press one request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ctpanel.panel.events import Event
from ctpanel.panel.hotkey_arm import HotkeyArm
from ctpanel.panel.hotkeys import (
    DEFAULT_ARM_SHORTCUT,
    DEFAULT_GLOBAL_CLOSE_HOTKEY,
    DEFAULT_GLOBAL_HOTKEY,
    Chord,
    parse_chord,
)
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import HotkeyRegistrar
from ctpanel.panel.views import HotkeyView


class HotkeySwitch:
    """The panel's part for the global hotkeys: registered while armed, disarmed when stuck."""

    def __init__(self, notices: Notices, clock: Callable[[], float] = time.monotonic) -> None:
        self.notices = notices
        self.arm = HotkeyArm(clock)
        self.chord = parse_chord(DEFAULT_GLOBAL_HOTKEY)
        self.close_chord = parse_chord(DEFAULT_GLOBAL_CLOSE_HOTKEY)
        self.registrar: HotkeyRegistrar | None = None
        self.close_registrar: HotkeyRegistrar | None = None
        self.close_problem = ""  # why the Close chord is not registered while armed
        self.changed = Event("changed")  # HotkeyView

    @property
    def armed(self) -> bool:
        return self.arm.armed

    def view(self) -> HotkeyView:
        close = self.close_chord.text() if self.close_registrar is not None \
            and not self.close_problem else ""
        return HotkeyView(self.arm.armed, self.chord.text(), self.arm.note, DEFAULT_ARM_SHORTCUT,
                          close)

    def use(self, registrar: HotkeyRegistrar, on_press: Callable[[], Any],
            close_registrar: HotkeyRegistrar | None = None,
            on_close: Callable[[], Any] | None = None) -> None:
        """The platform's registrations (Reverse's, and Close's), once the panel starts."""
        self.registrar = registrar
        registrar.sig_pressed.connect(on_press)
        if close_registrar is not None and on_close is not None:
            self.close_registrar = close_registrar
            close_registrar.sig_pressed.connect(on_close)
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
                                            f"reverses from any program{self._arm_close()}. "
                                            f"{DEFAULT_ARM_SHORTCUT} here disarms it.")
        else:
            self.notices.say(Level.WARNING, self.arm.note)
        self._show()

    def _arm_close(self) -> str:
        """Register the Close chord beside the Reverse one; the words for the armed notice.
        A Close chord taken by another program leaves Reverse's armed, and says so."""
        if self.close_registrar is None:
            return ""
        self.close_problem = self.close_registrar.register(self.close_chord) or ""
        if self.close_problem:
            return f" (the Close hotkey is off: {self.close_problem})"
        return f", {self.close_chord.text()} closes"

    def disarm(self, reason: str = "Global hotkey off.") -> None:
        self.arm.disarm(reason)
        self._show()

    def apply(self, chord: Chord, close_chord: Chord | None = None) -> None:
        """Combinations from the preferences; an armed hotkey with another one disarms."""
        close_chord = close_chord or self.close_chord
        if self.arm.armed and (chord, close_chord) != (self.chord, self.close_chord):
            self.disarm("Global hotkey disarmed: its combination changed. Arm it again to use "
                        "the new one.")
        self.chord, self.close_chord = chord, close_chord
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
        """A press of the system-wide combination: True when it goes on to the ticket (it is
        grabbed only while armed, but a press may race the disarm)."""
        return self.arm.press()

    def close(self) -> None:
        self.disarm("Global hotkey off: the panel is closing.")
        for registrar in (self.registrar, self.close_registrar):
            if registrar is not None:
                registrar.close()

    def _show(self) -> None:
        if not self.arm.armed:  # disarmed: the combinations are given back
            for registrar in (self.registrar, self.close_registrar):
                if registrar is not None:
                    registrar.unregister()
            self.close_problem = ""
        self.changed.emit(self.view())
