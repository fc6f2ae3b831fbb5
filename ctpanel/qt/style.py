"""Re-reading the style sheet's ``[property=...]`` rules after a property changed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

EMPTY_SHEETS = ("", "/**/")  # two widget style sheets that say nothing


def restyle(widget: QWidget) -> None:
    """Make Qt polish ``widget`` again, in C++: its own (empty) style sheet is swapped for
    another empty one. ``widget.style().polish(widget)`` does the same but, the first time,
    PySide6 builds QStyle's Python enums for it: 6-25 ms on the event loop."""
    widget.setStyleSheet(EMPTY_SHEETS[widget.styleSheet() == EMPTY_SHEETS[0]])
