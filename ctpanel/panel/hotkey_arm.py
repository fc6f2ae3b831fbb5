"""When the system-wide hotkey may fire an order. Qt-free, on an injected clock.

The global hotkey reaches the panel while the trader looks at NinjaTrader, so it is armed
only on purpose and only while the panel can act: disarmed at start, on every change of mode
or account, and once the ticket has been unable to send for longer than a grace period (an
order's own round trip and re-arm delay are shorter). An armed hotkey's press goes through
the ticket exactly like a click: the ticket still decides whether it sends.
"""

from __future__ import annotations

import time
from collections.abc import Callable

DISARM_AFTER_S = 5.0  # the ticket unable to send this long: the global hotkey disarms


class HotkeyArm:
    """The arm switch of the global hotkey."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 disarm_after: float = DISARM_AFTER_S) -> None:
        self.clock = clock
        self.disarm_after = disarm_after
        self.armed = False
        self.note = "Global hotkey off."
        self._armed_at = 0.0
        self._unable_since: float | None = None

    def arm(self, problem: str | None = None) -> bool:
        """The trader's toggle, on; ``problem`` is what the platform said when asked for the
        combination (None: it is ours). Refused with that reason in ``note``."""
        if problem:
            self.disarm(problem)
            return False
        self.armed = True
        self._armed_at = self.clock()
        self.note = "Global hotkey ARMED: it reverses from any program."
        return True

    def disarm(self, reason: str = "Global hotkey off.") -> None:
        self.armed = False
        self.note = reason

    def scope_changed(self, what: str) -> None:
        """A new mode or account: what the trader armed was for the old one."""
        if self.armed:
            self.disarm(f"Global hotkey disarmed: the {what} changed. Arm it again to use it.")

    def observe(self, ticket_can_send: bool, reason: str = "") -> bool:
        """The ticket's state now; True when this disarmed the hotkey."""
        now = self.clock()
        if ticket_can_send:
            self._unable_since = None
            return False
        if self._unable_since is None:
            self._unable_since = now
        unable_for = now - max(self._unable_since, self._armed_at)
        if self.armed and unable_for >= self.disarm_after:
            why = f" ({reason.rstrip('.')})" if reason else ""
            self.disarm(f"Global hotkey disarmed: Reverse could not send for "
                        f"{self.disarm_after:.0f} s{why}. Arm it again once it can.")
            return True
        return False

    def press(self) -> bool:
        """A press of the global hotkey: True when it goes on to the ticket."""
        return self.armed


class KeyLatch:
    """One press per key-down, whatever auto-repeat does.

    X11 repeats a held key as release+press pairs carrying the same server timestamp (and
    some servers as bare presses): only a press after a real release counts. Windows needs no
    latch (``MOD_NOREPEAT``).
    """

    def __init__(self) -> None:
        self.down = False
        self._released_at: int | None = None

    def press(self, timestamp: int) -> bool:
        """True for a new press, False for an auto-repeat."""
        repeat = self.down or timestamp == self._released_at
        self.down = True
        return not repeat

    def release(self, timestamp: int) -> None:
        self.down = False
        self._released_at = timestamp
