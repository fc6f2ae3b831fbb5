"""Optional sounds for what happens to an order, off by default, one preference per event.

Playing never blocks the loop: on Windows ``winsound`` with ``SND_ASYNC`` (the standard library,
nothing added to the bundle; QtMultimedia is not in PySide6-Essentials); elsewhere a best effort
with the desktop's own player in a child process, or silence.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from collections.abc import Callable
from enum import Enum

log = logging.getLogger(__name__)


class SoundEvent(Enum):
    """What a sound says: sent, filled, rejected, outcome unknown."""

    SENT = "sent"
    FILLED = "filled"
    REJECTED = "rejected"
    UNKNOWN = "unknown"

    @property
    def preference(self) -> str:
        return f"sound_{self.value}"

    @property
    def file_name(self) -> str:
        return f"sound-{self.value}.wav"


SOUND_LABELS = {SoundEvent.SENT: "Order sent", SoundEvent.FILLED: "Filled",
                SoundEvent.REJECTED: "Rejected or failed", SoundEvent.UNKNOWN: "Outcome unknown"}
Player = Callable[[str], None]


class Sounds:
    """Plays an event's sound when the trader turned it on."""

    def __init__(self, enabled: Callable[[SoundEvent], bool], path_of: Callable[[str], str],
                 player: Player | None = None) -> None:
        self.enabled = enabled
        self.path_of = path_of
        self.player = player or system_player()

    def event(self, event: SoundEvent) -> None:
        if not self.enabled(event):
            return
        try:
            self.player(self.path_of(event.file_name))
        except (OSError, RuntimeError) as failure:  # winsound raises RuntimeError
            log.debug("Could not play %s: %s", event.value, failure)  # never worth an error


def system_player() -> Player:
    """This system's way to play a sound file without blocking (no player found: silence)."""
    if sys.platform == "win32":
        import winsound

        flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
        return lambda path: winsound.PlaySound(path, flags)
    for command in ("paplay", "pw-play", "aplay", "afplay"):
        found = shutil.which(command)
        if found:
            return ChildPlayer(found)
    return lambda path: None  # no player on this machine: silence


class ChildPlayer:
    """A desktop player in a child process, reaped on the next sound."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.children: list[subprocess.Popen] = []

    def __call__(self, path: str) -> None:
        self.children = [child for child in self.children if child.poll() is None]
        self.children.append(subprocess.Popen(
            [self.command, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
