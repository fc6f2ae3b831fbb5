"""Is NinjaTrader running on this machine? Asked when CrossTrade answers 408 (NinjaTrader not
connected), so the message can say whether to start NinjaTrader or to look at the CrossTrade
add-on. psutil lists the processes (a few ms, so on a worker thread)."""

from __future__ import annotations

from collections.abc import Iterable


def is_ninjatrader(name: str) -> bool:
    """Whether a process name is NinjaTrader's."""
    return name.lower().removesuffix(".exe") == "ninjatrader"


def ninjatrader_running(names: Iterable[str] | None = None) -> bool | None:
    """True or False; None when the processes cannot be listed."""
    if names is None:
        try:
            import psutil

            names = [process.info["name"] or "" for process in psutil.process_iter(["name"])]
        except Exception:  # psutil missing or refused (a sandbox, Wine): say we cannot tell
            return None
    return any(is_ninjatrader(name) for name in names)


def not_connected_advice(running: bool | None) -> str:
    """What to do when CrossTrade says NinjaTrader is not connected, given whether it runs."""
    if running is None:
        return ("CrossTrade cannot reach NinjaTrader. Check that NinjaTrader is running and "
                "that the CrossTrade add-on is connected in it.")
    if running:
        return ("CrossTrade cannot reach NinjaTrader, which is running on this computer: check "
                "the CrossTrade add-on in NinjaTrader (enabled, connected, same account).")
    return ("CrossTrade cannot reach NinjaTrader, and NinjaTrader is not running on this "
            "computer: start NinjaTrader (with the CrossTrade add-on).")


async def not_connected_advice_now() -> str:
    """The advice, with whether NinjaTrader runs read now (off the loop)."""
    import asyncio  # not at the top: the panel's window is built before asyncio is loaded

    return not_connected_advice(await asyncio.to_thread(ninjatrader_running))
