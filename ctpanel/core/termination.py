"""Stop cleanly on Ctrl+C (and SIGTERM where it exists), on every platform.

``loop.add_signal_handler`` exists only on POSIX event loops: on Windows every event loop
raises ``NotImplementedError``, which once kept the panel from starting there at all. Windows
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
            loop.add_signal_handler(getattr(signal, name), callback)
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
