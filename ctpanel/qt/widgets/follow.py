"""A widget follows a panel event for as long as it lives.

The panel outlives its widgets (a closed compact window, a test's widget, the window during
shutdown): a callback left connected to a deleted widget would raise on the next event.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ctpanel.panel.events import Event


def follow(widget: QObject, event: Event, callback: Callable[..., Any]) -> None:
    """Connect ``callback`` to ``event`` until ``widget`` is destroyed."""
    event.connect(callback)

    def forget(*_: Any) -> None:
        with contextlib.suppress(ValueError):  # already gone (disconnect_all at shutdown)
            event.disconnect(callback)

    widget.destroyed.connect(forget)
