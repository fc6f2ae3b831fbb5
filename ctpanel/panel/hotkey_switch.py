"""The global hotkey's part of the panel, Qt-free: the arm switch (its rules are
:class:`~ctpanel.panel.hotkey_arm.HotkeyArm`'s), the combination, and the platform's
registration behind a :class:`~ctpanel.panel.ports.HotkeyRegistrar` (``ctpanel.qt.global_hotkey``
in the app, a fake in tests).

The combination is registered only while armed, and given back on every disarm, so it belongs
to other programs otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ctpanel.panel.events import Event
from ctpanel.panel.hotkey_arm import HotkeyArm
from ctpanel.panel.hotkeys import DEFAULT_ARM_SHORTCUT, DEFAULT_GLOBAL_HOTKEY, Chord, parse_chord
from ctpanel.panel.notices import Level, Notices
from ctpanel.panel.ports import HotkeyRegistrar
from ctpanel.panel.views import HotkeyView


class HotkeySwitch:
    def __init__(self, notices: Notices, clock: Callable[[], float] = time.monotonic) -> None:
        self.notices = notices
        self.arm = HotkeyArm(clock)
        self.chord = parse_chord(DEFAULT_GLOBAL_HOTKEY)
        self.registrar: HotkeyRegistrar | None = None
        self.changed = Event("changed")  # HotkeyView

    @property
    def armed(self) -> bool:
        return self.arm.armed

    def view(self) -> HotkeyView:
        return HotkeyView(self.arm.armed, self.chord.text(), self.arm.note, DEFAULT_ARM_SHORTCUT)

    def use(self, registrar: HotkeyRegistrar, on_press: Callable[[], Any]) -> None:
        """The platform's registration, once the panel starts."""
        self.registrar = registrar
        registrar.sig_pressed.connect(on_press)
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
                                            "reverses from any program. "
                                            f"{DEFAULT_ARM_SHORTCUT} here disarms it.")
        else:
            self.notices.say(Level.WARNING, self.arm.note)
        self._show()

    def disarm(self, reason: str = "Global hotkey off.") -> None:
        self.arm.disarm(reason)
        self._show()

    def apply(self, chord: Chord) -> None:
        """A combination from the preferences; an armed hotkey with another one disarms."""
        if self.arm.armed and chord != self.chord:
            self.disarm("Global hotkey disarmed: its combination changed. Arm it again to use "
                        "the new one.")
        self.chord = chord
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
        if self.registrar is not None:
            self.registrar.close()

    def _show(self) -> None:
        if not self.arm.armed and self.registrar is not None:
            self.registrar.unregister()  # disarmed: the combination is given back
        self.changed.emit(self.view())
