"""Keeping a top-level window on the screen it is on."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget


def keep_on_screen(window: QWidget) -> None:
    """The whole window on its screen: a geometry saved at another scaling (or on a monitor
    since removed) may not fit any more, and REVERSE must never be off-screen.

    A window already on its screen is left where it is: before the window manager has framed
    it, its frame is not known yet, and moving it "to where it is" would move it down by the
    title bar's height at every start."""
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    extra = frame.size() - window.geometry().size()  # title bar and borders (0 before shown)
    if not screen.contains(frame):
        window.resize(window.size().boundedTo(screen.size() - extra))
        frame = window.frameGeometry()
        left = min(max(frame.left(), screen.left()), screen.right() - frame.width() + 1)
        top = min(max(frame.top(), screen.top()), screen.bottom() - frame.height() + 1)
        window.move(left, top)


def saved_place(window: QWidget) -> QByteArray:
    """Where the window is: its frame's top-left corner and its size, as "x,y,width,height".

    Not ``saveGeometry()``: on X11 its restore, made before the window manager frames the
    window, puts the client area where the frame was, and the window crept down by its title
    bar at every start."""
    corner, size = window.frameGeometry().topLeft(), window.size()
    return QByteArray(f"{corner.x()},{corner.y()},{size.width()},{size.height()}".encode())


def restore_place(window: QWidget, place: QByteArray | None) -> bool:
    """Back where :func:`saved_place` found it (False: nothing usable was saved)."""
    try:
        x, y, width, height = (int(part) for part in bytes(place or b"").decode().split(","))
    except ValueError:
        return False
    if width <= 0 or height <= 0:
        return False
    window.resize(width, height)
    window.move(x, y)  # a move places the frame, wherever the window manager draws it
    return True
