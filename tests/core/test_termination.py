"""Ctrl+C (and SIGTERM on POSIX) reach the event loop on every platform.

Windows event loops have no ``add_signal_handler``: the panel once failed to start there
because it called it unconditionally.
"""

import asyncio
import contextlib
import signal
import sys

import pytest

from ctpanel.core.runtime.termination import stop_on_signals

WINDOWS = sys.platform == "win32"


@contextlib.contextmanager
def caught_signals(loop, callback):
    """stop_on_signals for the length of a test, the previous handlers put back after."""
    numbers = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGBREAK")
               if hasattr(signal, name)]
    saved = {number: signal.getsignal(number) for number in numbers}
    try:
        yield stop_on_signals(loop, callback)
    finally:
        for number, handler in saved.items():
            if not WINDOWS:
                loop.remove_signal_handler(number)
            signal.signal(number, handler)


async def test_ctrl_c_calls_back_on_the_loop():
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    with caught_signals(loop, stopped.set) as caught:
        assert caught == (["SIGINT", "SIGBREAK"] if WINDOWS else ["SIGINT", "SIGTERM"])
        signal.raise_signal(signal.SIGINT)
        await asyncio.wait_for(stopped.wait(), 5)


@pytest.mark.skipif(WINDOWS, reason="Windows has no SIGTERM to deliver: TerminateProcess "
                    "cannot be caught")
async def test_sigterm_calls_back_on_the_loop():
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    with caught_signals(loop, stopped.set):
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(stopped.wait(), 5)
