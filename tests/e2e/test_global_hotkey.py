"""The global hotkey in the real app on a virtual X display: another X client's window has the
focus, and real key events (XTEST, with the X server's own auto-repeat) reach the panel only
through its XGrabKey while armed."""

import time

import pytest

from tests.e2e.test_app_process import OutputLines, start_app, stop, xdotool, xvfb
from tests.e2e.test_trader_safety import orders, settles_at

pytestmark = pytest.mark.e2e
__all__ = ["xvfb"]

Xlib = pytest.importorskip("Xlib", reason="python-xlib is installed with ctpanel on Linux")
from Xlib import XK, X, display, error  # noqa: E402


class OtherProgram:
    """Another X client with a window of its own that takes the focus (NinjaTrader's chart,
    for the panel), and records the keys it receives."""

    def __init__(self, display_name: str) -> None:
        self.display = display.Display(display_name)
        screen = self.display.screen()
        self.window = screen.root.create_window(
            700, 100, 300, 200, 0, screen.root_depth, event_mask=X.KeyPressMask)
        self.window.set_wm_name("NinjaTrader stand-in")
        self.window.map()
        self.display.sync()
        self.focus()

    def focus(self) -> None:
        self.window.set_input_focus(X.RevertToParent, X.CurrentTime)
        self.display.sync()
        assert self.display.get_input_focus().focus.id == self.window.id

    def r_keys_received(self) -> int:
        """Presses of R that reached this window (Ctrl and Alt themselves are not counted)."""
        r = self.display.keysym_to_keycode(XK.string_to_keysym("r"))
        count = 0
        while self.display.pending_events():
            event = self.display.next_event()
            count += event.type == X.KeyPress and event.detail == r
        return count

    def grab(self, text: str) -> None:
        """Take the combination first, as another hotkey program would."""
        keycode = self.display.keysym_to_keycode(XK.string_to_keysym("r"))
        refused = error.CatchError(error.BadAccess)
        self.display.screen().root.grab_key(keycode, X.ControlMask | X.Mod1Mask, True,
                                             X.GrabModeAsync, X.GrabModeAsync, onerror=refused)
        self.display.sync()
        assert refused.get_error() is None, f"{text} should have been free"

    def close(self) -> None:
        self.display.close()


@pytest.fixture
def session(tmp_path, xvfb):
    process, sim_url = start_app(tmp_path, "--demo", "--report-ready", platform="xcb",
                                 display=xvfb)
    window = xdotool(xvfb, "search", "--sync", "--onlyvisible", "--name",
                     "^ctpanel — DEMO").split()[0]
    lines = OutputLines(process)
    lines.wait_for(lambda line: line.startswith("usable "))
    other = OtherProgram(xvfb)
    try:
        yield sim_url, window, lines, other
    finally:
        other.close()
        if process.poll() is None:
            xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+q")
        code, output = stop(process)
        assert code == 0 and "Traceback" not in output, output


def armed_line(lines, armed: bool) -> None:
    lines.wait_for(lambda line: line.startswith("state ") and
                   f"hotkey={'armed' if armed else 'off'}" in line and "armed=yes" in line)


def test_armed_one_order_from_another_program_held_key_one_disarmed_none(session, xvfb):
    sim_url, window, lines, other = session
    # Disarmed (as at every start): the key goes to the focused program, no order.
    xdotool(xvfb, "key", "ctrl+alt+r")
    time.sleep(1.5)  # another process: only waiting shows that no order comes
    assert orders(sim_url) == [] and other.r_keys_received() >= 1
    # Arm it with the panel-focus shortcut, then give the focus back to the other program.
    xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+shift+a")
    armed_line(lines, True)
    other.focus()
    other.r_keys_received()
    xdotool(xvfb, "key", "ctrl+alt+r")
    settles_at(sim_url, 1)
    assert orders(sim_url)[0]["body"]["action"] == "SELL"
    assert other.r_keys_received() == 0, "the grabbed combination never reaches the other program"
    # Held for 4 s: the X server auto-repeats it every 40 ms, past the re-arm: one order.
    armed_line(lines, True)
    xdotool(xvfb, "keydown", "ctrl+alt+r")
    time.sleep(4)  # the key held down: the X server repeats it meanwhile
    xdotool(xvfb, "keyup", "ctrl+alt+r")
    settles_at(sim_url, 2)
    assert orders(sim_url)[1]["body"]["action"] == "BUY"
    # Disarmed again: nothing reaches the panel.
    xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+shift+a")
    lines.wait_for(lambda line: line.startswith("state ") and "hotkey=off" in line)
    other.focus()
    xdotool(xvfb, "key", "ctrl+alt+r")
    time.sleep(1.5)  # another process: only waiting shows that no order comes
    assert len(orders(sim_url)) == 2 and other.r_keys_received() >= 1


def test_a_combination_grabbed_by_another_client_is_said_and_the_panel_hotkey_works(session,
                                                                                      xvfb):
    sim_url, window, lines, other = session
    other.grab("Ctrl+Alt+R")
    xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+shift+a")
    note = lines.wait_for(lambda line: line.startswith("hotkey-note Ctrl+Alt+R"))
    assert note == ("hotkey-note Ctrl+Alt+R is already taken by another program, so the global "
                    "hotkey is off. Choose another one in Settings → Preferences; the panel's "
                    "own hotkey still works while the panel has focus.")
    xdotool(xvfb, "windowfocus", "--sync", window, "key", "ctrl+shift+r")
    settles_at(sim_url, 1)
