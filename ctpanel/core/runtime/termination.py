"""Stop cleanly on Ctrl+C (and SIGTERM where it exists), on every platform.

An event loop's own signal handling exists only on POSIX: on Windows every event loop raises
``NotImplementedError`` for it, which once kept the panel from starting there at all. Windows
has no SIGTERM to catch (``TerminateProcess`` cannot be intercepted); a console's Ctrl+C and
Ctrl+Break arrive as SIGINT and SIGBREAK through ``signal.signal``, whose handler runs on the
main thread between bytecodes, so it hands the callback to the loop thread-safely.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

POSIX_SIGNALS = ("SIGINT", "SIGTERM")
WINDOWS_SIGNALS = ("SIGINT", "SIGBREAK")


def stop_on_signals(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> list[str]:
    """Call ``callback`` on ``loop`` when the process is asked to stop; returns the names of
    the signals that are now caught (for a log line, and for tests)."""
    try:
        for name in POSIX_SIGNALS:
            loop.add_signal_handler(getattr(signal, name), callback)  # windows-ok: see below
        return list(POSIX_SIGNALS)
    except NotImplementedError:  # Windows: no event-loop signal handling
        pass
    caught = []
    for name in WINDOWS_SIGNALS:
        number = getattr(signal, name, None)
        if number is None:
            continue
        signal.signal(number, lambda *_: loop.call_soon_threadsafe(callback))
        caught.append(name)
    return caught
