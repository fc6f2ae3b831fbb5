"""Stand-ins for what lies outside the panel, for the Qt-free and the Qt tests alike."""

from __future__ import annotations

from ctpanel.panel.events import Event


class FakeRegistrar:
    """The operating system's side of the global hotkey: registration as told, presses made
    by the test."""

    def __init__(self, problem: str | None = None) -> None:
        self.problem = problem
        self.registered = None
        self.sig_pressed = Event("pressed")

    def register(self, chord):
        if self.problem is None:
            self.registered = chord
        return self.problem

    def unregister(self) -> None:
        self.registered = None

    def close(self) -> None:
        self.unregister()

    def press(self) -> None:
        if self.registered is not None:  # an unregistered combination delivers nothing
            self.sig_pressed.emit()
