"""What the panel says to the trader: the log's words, written here and never in a window.

A :class:`Notice` is one line (level, text, order id, time); :class:`Notices` keeps the last
``capacity`` of them (a message repeating the last one counts up on its line instead: a poll
failing the same way every 5 s is one line) and tells its views through two events. Qt-free:
the log pane and the compact window subscribe; tests read :meth:`Notices.lines`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum
from typing import Any

from ctpanel.panel.events import Event
from ctpanel.panel.history import history_lines

MAX_NOTICES = 500


class Level(IntEnum):
    """How much a notice matters: info, success, warning, error."""

    INFO = 0
    SUCCESS = 1
    WARNING = 2
    ERROR = 3
    HISTORY = 4  # a journal record from an earlier session: dimmed, with its own time


LEVEL_TAGS = {Level.INFO: "", Level.SUCCESS: "OK ", Level.WARNING: "WARN ", Level.ERROR: "ERROR ",
              Level.HISTORY: ""}


@dataclass(frozen=True)
class Notice:
    """One line of the log: its level, its words, the order it names."""

    time: datetime
    level: Level
    text: str
    order_id: str | None = None
    count: int = 1  # the same message, repeated: one line with a count

    def line(self) -> str:
        """One line, always: the log pane keeps one text block per notice."""
        text = " ".join(self.text.splitlines())
        repeated = f" (×{self.count}, last at {self.time:%H:%M:%S})" if self.count > 1 else ""
        return f"{self.time:%H:%M:%S}  {LEVEL_TAGS[self.level]}{text}{repeated}"

    def repeats(self, other: Notice) -> bool:
        return (other.level, other.text, other.order_id) == (self.level, self.text, None)


class Notices:
    """The bounded list of notices, and its events ``appended`` and ``last_replaced``."""

    def __init__(self, capacity: int = MAX_NOTICES) -> None:
        self.capacity = capacity
        self._notices: deque[Notice] = deque(maxlen=capacity)
        self.appended = Event("appended")  # the Notice just added
        self.last_replaced = Event("last_replaced")  # the last one, its count and time updated

    def say(self, level: Level, text: str, *, order_id: str | None = None,
            time: datetime | None = None) -> None:
        self.add(Notice(time or datetime.now(), level, text, order_id))

    def add(self, notice: Notice) -> None:
        if self._notices and self._notices[-1].repeats(notice):
            last = self._notices[-1]
            self._notices[-1] = replace(last, time=notice.time, count=last.count + 1)
            self.last_replaced.emit(self._notices[-1])
            return
        self._notices.append(notice)
        self.appended.emit(notice)

    def show_history(self, records: Iterable[dict[str, Any]], mode: str) -> None:
        """The journal's records of ``mode``, dimmed, each at its own time."""
        for line in history_lines(records, mode):
            self.add(Notice(line.time, Level.HISTORY, line.text, line.order_id))

    def entries(self) -> list[Notice]:
        return list(self._notices)

    def lines(self) -> list[str]:
        return [notice.line() for notice in self._notices]


class NoticeHandler(logging.Handler):
    """Warnings from ctpanel's own loggers, as notices (never the token: our messages are built
    without it)."""

    def __init__(self, notices: Notices) -> None:
        super().__init__(level=logging.WARNING)
        self.notices = notices

    def emit(self, record: logging.LogRecord) -> None:
        level = Level.ERROR if record.levelno >= logging.ERROR else Level.WARNING
        self.notices.say(level, record.getMessage())
