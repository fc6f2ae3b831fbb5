"""The real app on a virtual X display, driven with real key presses and mouse clicks, against
its simulator answering in 40 ms (a home link's round trip), confirmations off (demo's default).

One intent, one order; never an order on a position the panel can no longer vouch for.
"""

import json
import os
import subprocess
import time

import httpx
import pytest

from tests.e2e.test_app_process import (
    OutputLines,
    received,
    start_app,
    stop,
    wait_until,
    xdotool,
    xvfb,
)
from tests.matrix.cases import unused_port

pytestmark = pytest.mark.e2e
__all__ = ["xvfb"]  # the fixture, shared with the other end-to-end tests

HOME_LINK = {"latency": 0.04, "execute": True}


def orders(sim_url: str) -> list[dict]:
    return [r for r in received(sim_url) if r["api"] == "ReversePosition"]


def position_reads(sim_url: str) -> int:
    return sum(r["api"] == "GetPosition" for r in received(sim_url))


def fault(sim_url: str, **spec) -> None:
    httpx.post(f"{sim_url}/_sim/faults", json=spec, timeout=5).raise_for_status()


def clear_faults(sim_url: str) -> None:
    httpx.delete(f"{sim_url}/_sim/faults", timeout=5).raise_for_status()


class App:
    """The panel process on ``display``, usable, its REVERSE button located."""

    def __init__(self, tmp_path, display) -> None:
        self.display = display
        self.process, self.sim_url = start_app(tmp_path, "--demo", "--report-ready",
                                               platform="xcb", display=display)
        self.window = xdotool(display, "search", "--sync", "--onlyvisible", "--name",
                              "^ctpanel — DEMO").split()[0]
        self.button = None
        for line in iter(self.process.stdout.readline, ""):
            if line.startswith("reverse-button "):
                self.button = line.split()[1:3]
                break
        assert self.button, "the app never became usable"
        fault(self.sim_url, **HOME_LINK)

    def keys(self, *keys: str, delay_ms: int = 12) -> None:
        xdotool(self.display, "windowfocus", "--sync", self.window, "key", "--delay",
                str(delay_ms), *keys)

    def double_click_reverse(self) -> None:
        xdotool(self.display, "mousemove", "--sync", *self.button, "click", "--repeat", "2",
                "--delay", "150", "1")  # Qt: a double click

    def quit(self) -> str:
        self.keys("ctrl+q")
        code, output = stop(self.process)
        assert code == 0, output
        return output


@pytest.fixture
def app(tmp_path, xvfb):
    made = App(tmp_path, xvfb)
    try:
        yield made
    finally:
        if made.process.poll() is None:
            made.process.kill()
            made.process.communicate()


def settles_at(sim_url: str, count: int, quiet: float = 2.0) -> None:
    """``count`` orders arrive, then nothing more for ``quiet`` seconds."""
    wait_until(lambda: len(orders(sim_url)) >= count, what=f"{count} order(s)")
    time.sleep(quiet)  # another process: only waiting shows that nothing else comes
    assert len(orders(sim_url)) == count, orders(sim_url)


def test_a_double_tap_sends_one_order_and_a_press_3_s_later_reverses_the_new_position(app):
    started = time.monotonic()
    app.keys("ctrl+shift+r", "ctrl+shift+r", delay_ms=150)  # a double tap, 150 ms apart
    settles_at(app.sim_url, 1)
    time.sleep(max(0.0, 3.0 - (time.monotonic() - started)))
    app.keys("ctrl+shift+r")
    settles_at(app.sim_url, 2)
    first, second = orders(app.sim_url)
    assert (first["body"]["action"], second["body"]["action"]) == ("SELL", "BUY")
    assert "Traceback" not in app.quit()


def test_a_real_double_click_on_reverse_sends_one_order(app):
    app.double_click_reverse()
    settles_at(app.sim_url, 1)
    assert orders(app.sim_url)[0]["body"]["action"] == "SELL"
    app.quit()


def test_with_position_reads_failing_the_hotkey_sends_nothing_then_reverses_what_is_read(app):
    clear_faults(app.sim_url)
    fault(app.sim_url, apis=["GetPosition"], status=500, body={"error": "boom"})
    fault(app.sim_url, **HOME_LINK)
    # Meanwhile the position changes in NinjaTrader: Long 2 -> Short 1.
    httpx.post(f"{app.sim_url}/_sim/state", json={"positions": [["Sim101", "ES", -1]]},
               timeout=5).raise_for_status()
    time.sleep(16)  # reads fail for 16 s: what the panel last saw is no longer true
    app.keys("ctrl+shift+r")
    time.sleep(2)  # an order would arrive within one 40 ms round trip: none may come at all
    assert orders(app.sim_url) == [], "an order built on a position it could not vouch for"
    clear_faults(app.sim_url)
    fault(app.sim_url, **HOME_LINK)
    reads_before = position_reads(app.sim_url)  # any read after this one is answered
    # The next poll (every 5 s) reads Short 1; its answer is shown, then the re-arm delay.
    wait_until(lambda: position_reads(app.sim_url) > reads_before, what="the next poll")
    time.sleep(1.5)  # 40 ms answer + 1 s re-arm delay: a press any sooner is "too soon"
    app.keys("ctrl+shift+r")
    settles_at(app.sim_url, 1)
    [order] = orders(app.sim_url)
    assert (order["body"]["action"], order["body"]["quantity"]) == ("BUY", 1)
    app.quit()


def answer_yes(display: str, dialog: str) -> None:
    """Alt+Y on the dialog until it is gone: it is mapped a moment before it takes keys."""
    env = {**os.environ, "DISPLAY": display}

    def visible() -> bool:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Go live$"],
                               capture_output=True, text=True, env=env).stdout.split()
        return dialog in found

    def answered() -> bool:
        if visible():
            subprocess.run(["xdotool", "windowfocus", "--sync", dialog, "key", "alt+y"],
                           capture_output=True, env=env, timeout=15)
            time.sleep(0.3)  # the key's effect, seen from another process
        return not visible()
    wait_until(answered, timeout=10, what="the confirmation to take the answer")


class States(OutputLines):
    """The panel's ``state`` lines (``--report-ready``), as dicts."""

    def parse(self, line: str) -> dict | None:
        if not line.startswith("state "):
            return None
        return dict(item.split("=", 1) for item in line.split()[1:])


def test_going_live_to_an_unreachable_server_shows_nothing_of_the_demo(tmp_path, xvfb):
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({"ctpanel/crosstrade-api-token": "live-token-e2e"}))
    env = {"PYTHON_KEYRING_BACKEND": "tests.helpers.file_keyring.FileKeyring",
           "CTPANEL_TEST_KEYRING": str(keyring_file),
           "CTPANEL_BASE_URL": f"http://127.0.0.1:{unused_port()}"}  # nothing listens there
    process, _sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                  display=xvfb, env=env)
    try:
        window = xdotool(xvfb, "search", "--sync", "--onlyvisible", "--name",
                         "^ctpanel — DEMO").split()[0]
        states = States(process)
        demo = states.wait_for(lambda state: True)
        assert (demo["mode"], demo["position"], demo["ninjatrader"]) == ("demo", "Long_2", "ok")
        # Connection -> Go live…, then "Yes" in the confirmation (No is the default button).
        xdotool(xvfb, "windowfocus", "--sync", window, "key", "alt+c", "l")
        confirm = xdotool(xvfb, "search", "--sync", "--onlyvisible", "--name",
                          "^Go live$").split()[0]
        answer_yes(xvfb, confirm)
        live = states.wait_for(lambda state: state["mode"] == "live")
        assert (live["position"], live["armed"]) == ("unknown", "no")
        assert live["ninjatrader"] != "ok", "the demo's green light must not survive"
        failed = live if live["crosstrade"] == "bad" else \
            states.wait_for(lambda state: state["crosstrade"] == "bad")
        assert (failed["position"], failed["armed"], failed["ninjatrader"]) == \
            ("unknown", "no", "unknown")
        xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+q")
    finally:
        code, output = stop(process)
    assert code == 0 and "Traceback" not in output, output


def test_a_refused_live_url_is_a_plain_message_and_the_panel_starts_in_demo(tmp_path):
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps({"ctpanel/crosstrade-api-token": "live-token-e2e"}))
    env = {"PYTHON_KEYRING_BACKEND": "tests.helpers.file_keyring.FileKeyring",
           "CTPANEL_TEST_KEYRING": str(keyring_file),
           "CTPANEL_BASE_URL": "http://example.com"}  # not https, not loopback: refused
    process, _sim_url = start_app(tmp_path, "--report-ready", "--exit-when-ready", env=env)
    code, output = stop(process)
    assert code == 0, output
    assert "ctpanel: Could not go live:" in output and "clear text" in output
    assert "Starting in demo mode." in output and "Traceback" not in output
