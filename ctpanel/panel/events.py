"""The panel's one event mechanism: small, synchronous, Qt-free.

Every part of the panel tells its views what changed the same way: an :class:`Event` that views
``connect`` to and the part ``emit``\\ s. Emission is synchronous (nothing is queued between a
click and the request it sends) and in connection order.

psygnal was the expected choice (napari's), but on the start path it costs ~27 ms before the
window is shown (it imports ``importlib.metadata`` and its evented-dataclass machinery): 8 % of
the 0.34 s the window takes today, over the 5 % allowed. What the panel needs is this much.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Event:
    """A list of callbacks called in order with the emitted values.

    A callback that raises does not stop the others (one broken view must not keep the ticket
    from being shown): the error goes to :func:`sys.excepthook`, as Qt does for slots, which
    ctpanel turns into the crash dialog.
    """

    __slots__ = ("_callbacks", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def disconnect_all(self) -> None:
        self._callbacks.clear()

    def emit(self, *values: Any) -> None:
        for callback in tuple(self._callbacks):  # a callback may disconnect itself
            try:
                callback(*values)
            except Exception:
                sys.excepthook(*sys.exc_info())

    def __len__(self) -> int:
        return len(self._callbacks)


class Events:
    """A group of named events; subclasses list them as class-level names (see the Panel's)."""

    names: tuple[str, ...] = ()

    def __init__(self) -> None:
        for name in self.names:
            setattr(self, name, Event(name))

    def disconnect_all(self) -> None:
        for name in self.names:
            getattr(self, name).disconnect_all()
