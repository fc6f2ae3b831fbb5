"""The Windows path of the global hotkey: the native event filter given synthetic ``WM_HOTKEY``
messages (on every platform), and on Windows the real RegisterHotKey with a message posted to
the GUI thread's queue, delivered by Qt's own dispatcher (run under Wine by .ci/windows)."""

import ctypes
import sys

import pytest
from shiboken6 import VoidPtr

from ctpanel.panel.hotkeys import parse_chord
from ctpanel.qt.global_hotkey import (
    HOTKEY_ID,
    MSG,
    WM_HOTKEY,
    UnsupportedHotkey,
    WmHotkeyFilter,
    platform_hotkey,
)

WM_KEYDOWN = 0x0100


def deliver(event_filter, event_type: bytes, message: int, wparam: int):
    msg = MSG(message=message, wParam=wparam, lParam=(0x52 << 16) | 0x0003)
    return event_filter.nativeEventFilter(event_type, VoidPtr(ctypes.addressof(msg)))


def test_our_wm_hotkey_is_taken_and_reported_once_per_message():
    presses = []
    event_filter = WmHotkeyFilter(lambda: presses.append(1))
    assert deliver(event_filter, b"windows_dispatcher_MSG", WM_HOTKEY, HOTKEY_ID) == (True, 0)
    assert deliver(event_filter, b"windows_generic_MSG", WM_HOTKEY, HOTKEY_ID) == (True, 0)
    assert len(presses) == 2


@pytest.mark.parametrize(("event_type", "message", "wparam"), [
    (b"windows_generic_MSG", WM_HOTKEY, HOTKEY_ID + 1),  # another program's hotkey id
    (b"windows_generic_MSG", WM_KEYDOWN, HOTKEY_ID),  # an ordinary key
    (b"xcb_generic_event_t", WM_HOTKEY, HOTKEY_ID),  # not a Windows message at all
])
def test_everything_else_passes_through_untouched(event_type, message, wparam):
    presses = []
    event_filter = WmHotkeyFilter(lambda: presses.append(1))
    assert deliver(event_filter, event_type, message, wparam) == (False, 0)
    assert presses == []


def test_a_null_message_passes():
    event_filter = WmHotkeyFilter(lambda: pytest.fail("no press"))
    assert event_filter.nativeEventFilter(b"windows_generic_MSG", VoidPtr(0)) == (False, 0)


def test_offscreen_says_in_words_that_there_is_no_global_hotkey(qapp):
    if sys.platform == "win32" or qapp.platformName() != "offscreen":
        pytest.skip("the offscreen platform's answer")
    hotkey = platform_hotkey()
    assert isinstance(hotkey, UnsupportedHotkey)
    assert hotkey.register(parse_chord("Ctrl+Alt+R")) == (
        "A global hotkey is not supported on an offscreen display yet; the panel's own hotkey "
        "works while the panel has focus.")


@pytest.mark.skipif(sys.platform != "win32", reason="RegisterHotKey exists on Windows only")
def test_windows_delivers_a_posted_wm_hotkey_through_qt_to_one_press(qtbot):
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32")
    hotkey = platform_hotkey()
    presses = []
    hotkey.sig_pressed.connect(lambda: presses.append(1))
    assert hotkey.register(parse_chord("Ctrl+Alt+F13")) is None
    try:
        # What Windows posts when the combination is pressed: WM_HOTKEY in this thread's queue.
        user32.PostThreadMessageW(kernel32.GetCurrentThreadId(), WM_HOTKEY, hotkey.hotkey_id, 0)
        qtbot.waitUntil(lambda: presses == [1], timeout=5000)
    finally:
        hotkey.unregister()
    user32.PostThreadMessageW(kernel32.GetCurrentThreadId(), WM_HOTKEY, hotkey.hotkey_id, 0)
    qtbot.wait(300)
    assert presses == [1], "unregistered: the filter is gone, the message is not ours any more"
