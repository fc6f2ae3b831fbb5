"""Messages the WebSocket could not read, said in plain words (their kind, size and a short
printable excerpt, never a repr), and at most once a minute: a server sending garbage must not
flood the log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ctpanel.core.errors import scrub
from ctpanel.core.wire.replies import snippet

log = logging.getLogger("ctpanel.core.wire.stream")  # said as the stream's own words

UNREADABLE_SAID_EVERY_S = 60.0  # unreadable messages: one counted line a minute, at most


class UnreadableMessages:
    """Messages the stream could not read, said in plain words at most once a ``every`` seconds
    (a server sending garbage must not flood the log), with how many since the last time."""

    def __init__(self, secret: Callable[[], str] | None = None, *,
                 every: float = UNREADABLE_SAID_EVERY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.secret = secret  # a server may echo the token: never in the log
        self.every = every
        self.clock = clock
        self.total = 0
        self._unsaid = 0
        self._said_at: float | None = None

    def note(self, raw: str | bytes) -> None:
        self.total += 1
        self._unsaid += 1
        now = self.clock()
        if self._said_at is not None and now - self._said_at < self.every:
            return
        count, self._unsaid, self._said_at = self._unsaid, 0, now
        what = scrub(describe_unreadable(raw), self.secret() if self.secret else None)
        if count == 1:
            log.warning("Ignored an unreadable WebSocket message (%s).", what)
        else:
            log.warning("Ignored %d unreadable WebSocket messages in the last minute "
                        "(the latest: %s).", count, what)


def describe_unreadable(raw: str | bytes) -> str:
    """A message's kind and size, and a short printable excerpt of text (never a repr)."""
    if isinstance(raw, bytes | bytearray):
        return f"binary, {len(raw):,} bytes"
    excerpt = snippet(raw[:200], 40)
    return f"text, {len(raw):,} characters" + (f": {excerpt}" if excerpt else "")
