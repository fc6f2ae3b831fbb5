"""Keeping a top-level window on the screen it is on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def keep_on_screen(window: QWidget) -> None:
    """The whole window on its screen: a geometry saved at another scaling (or on a monitor
    since removed) may not fit any more, and REVERSE must never be off-screen."""
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    extra = frame.size() - window.geometry().size()  # title bar and borders
    window.resize(window.size().boundedTo(screen.size() - extra))
    frame = window.frameGeometry()
    left = min(max(frame.left(), screen.left()), screen.right() - frame.width() + 1)
    top = min(max(frame.top(), screen.top()), screen.bottom() - frame.height() + 1)
    window.move(left, top)
