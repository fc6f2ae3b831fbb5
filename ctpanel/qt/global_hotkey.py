"""The system-wide hotkey, with each platform's own registration call (never a keyboard hook
that sees every key).

- Windows: ``RegisterHotKey`` with ``MOD_NOREPEAT`` for the GUI thread; ``WM_HOTKEY`` arrives in
  that thread's queue, where Qt's event dispatcher hands it to a native event filter.
- X11: ``XGrabKey`` on the root window through python-xlib, on a connection of its own read when
  its socket is readable (QSocketNotifier): Qt's connection and error handling stay untouched.
- Elsewhere (Wayland, macOS): not supported yet, said in plain words.

No library does this well for both: pynput and keyboard install hooks that see every key;
system_hotkey is unmaintained since 2019; QHotkey is C++ only. The platform calls are few.
Whether a press may send is :class:`~ctpanel.panel.hotkey_arm.HotkeyArm`'s and the ticket's
decision; this module only delivers presses.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QObject, QSocketNotifier, Signal
from PySide6.QtGui import QGuiApplication

from ctpanel.panel.hotkey_arm import KeyLatch
from ctpanel.panel.hotkeys import (
    X11_LOCK_MASKS,
    Chord,
    win32_hotkey,
    x11_keysym_name,
    x11_modifier_mask,
)

WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
HOTKEY_ID = 0x5243  # ours, within the application's range (0x0000-0xBFFF)
WINDOWS_MESSAGE_TYPES = {b"windows_generic_MSG", b"windows_dispatcher_MSG"}


def taken_message(chord: Chord) -> str:
    return (f"{chord.text()} is already taken by another program, so the global hotkey is off. "
            "Choose another one in Settings → Preferences; the panel's own hotkey still works "
            "while the panel has focus.")


class GlobalHotkey(QObject):
    """Delivers presses of one registered combination as ``sig_pressed``."""

    sig_pressed = Signal()

    def register(self, chord: Chord) -> str | None:
        """Take ``chord`` system-wide; the problem in plain words, or None when it is ours."""
        raise NotImplementedError

    def unregister(self) -> None:
        """Give the combination back (idempotent)."""

    def close(self) -> None:
        self.unregister()


class UnsupportedHotkey(GlobalHotkey):
    def __init__(self, platform: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.platform = platform

    def register(self, chord: Chord) -> str | None:
        return (f"A global hotkey is not supported on {self.platform} yet; the panel's own "
                "hotkey works while the panel has focus.")


class MSG(ctypes.Structure):
    """Win32's MSG, as the native event filter receives it."""

    _fields_ = [("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint),
                ("wParam", ctypes.c_size_t), ("lParam", ctypes.c_ssize_t),
                ("time", ctypes.c_ulong), ("pt_x", ctypes.c_long), ("pt_y", ctypes.c_long)]


class WmHotkeyFilter(QAbstractNativeEventFilter):
    """Picks our ``WM_HOTKEY`` out of the GUI thread's messages; everything else passes."""

    def __init__(self, on_press: Callable[[], None], hotkey_id: int = HOTKEY_ID) -> None:
        super().__init__()
        self.on_press = on_press
        self.hotkey_id = hotkey_id

    def nativeEventFilter(self, event_type, message) -> tuple[bool, int]:
        if bytes(event_type) not in WINDOWS_MESSAGE_TYPES or not int(message):
            return False, 0
        msg = MSG.from_address(int(message))
        if msg.message != WM_HOTKEY or msg.wParam != self.hotkey_id:
            return False, 0
        self.on_press()  # MOD_NOREPEAT: one message per key-down
        return True, 0


class WindowsHotkey(GlobalHotkey):
    _ids = iter(range(HOTKEY_ID, 0xBFFF))  # each instance (Reverse's, Close's) its own id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hotkey_id = next(self._ids)
        self.filter = WmHotkeyFilter(self.sig_pressed.emit, self.hotkey_id)
        self._registered = False
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)

    def register(self, chord: Chord) -> str | None:
        self.unregister()
        modifiers, key = win32_hotkey(chord)
        # hWnd NULL: the hotkey belongs to this (the GUI) thread and WM_HOTKEY is posted to
        # its queue, which Qt's dispatcher passes to native event filters.
        if not self._user32.RegisterHotKey(None, self.hotkey_id, modifiers, key):
            error = ctypes.get_last_error()
            if error == ERROR_HOTKEY_ALREADY_REGISTERED:
                return taken_message(chord)
            return f"Windows refused the global hotkey {chord.text()} (error {error})."
        QGuiApplication.instance().installNativeEventFilter(self.filter)
        self._registered = True
        return None

    def unregister(self) -> None:
        if self._registered:
            self._user32.UnregisterHotKey(None, self.hotkey_id)
            QGuiApplication.instance().removeNativeEventFilter(self.filter)
            self._registered = False


class X11Hotkey(GlobalHotkey):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from Xlib import display  # Linux only: loaded when an X11 session asks for it

        self.display = display.Display()
        self.root = self.display.screen().root
        self.latch = KeyLatch()
        self._grabs: list[tuple[int, int]] = []
        self._keycode = 0
        self.notifier = QSocketNotifier(self.display.fileno(), QSocketNotifier.Type.Read, self)
        self.notifier.activated.connect(self._read_events)

    def register(self, chord: Chord) -> str | None:
        from Xlib import XK, X, error

        self.unregister()
        keysym = XK.string_to_keysym(x11_keysym_name(chord))
        self._keycode = self.display.keysym_to_keycode(keysym)
        if not self._keycode:
            return f"This keyboard has no key for {chord.text()}."
        refused = error.CatchError(error.BadAccess)
        mask = x11_modifier_mask(chord)
        for lock in X11_LOCK_MASKS:  # with Caps Lock or Num Lock on, it is the same chord
            self.root.grab_key(self._keycode, mask | lock, True, X.GrabModeAsync,
                               X.GrabModeAsync, onerror=refused)
            self._grabs.append((self._keycode, mask | lock))
        self.display.sync()  # the server's answer (BadAccess) arrives with the sync
        if refused.get_error() is not None:
            self.unregister()
            return taken_message(chord)
        self._read_events()  # the sync may have buffered events the notifier will not see
        return None

    def unregister(self) -> None:
        for keycode, modifiers in self._grabs:
            self.root.ungrab_key(keycode, modifiers)
        if self._grabs:
            self.display.sync()
        self._grabs.clear()

    def _read_events(self) -> None:
        from Xlib import X

        while self.display.pending_events():
            event = self.display.next_event()
            if getattr(event, "detail", None) != self._keycode or not self._grabs:
                continue
            if event.type == X.KeyPress and self.latch.press(event.time):
                self.sig_pressed.emit()
            elif event.type == X.KeyRelease:
                self.latch.release(event.time)

    def close(self) -> None:
        super().close()
        self.notifier.setEnabled(False)
        self.display.close()


def platform_hotkey(parent: QObject | None = None) -> GlobalHotkey:
    """The global hotkey of this platform and session."""
    if sys.platform == "win32":
        return WindowsHotkey(parent)
    platform = QGuiApplication.platformName()
    if platform == "xcb":
        try:
            return X11Hotkey(parent)
        except Exception as error:  # no python-xlib, or the X server refused a second client
            return UnsupportedHotkey(f"this X session ({type(error).__name__})", parent)
    names = {"wayland": "Wayland", "cocoa": "macOS", "offscreen": "an offscreen display"}
    return UnsupportedHotkey(names.get(platform, platform or sys.platform), parent)
