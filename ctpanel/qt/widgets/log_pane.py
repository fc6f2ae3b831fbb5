"""The log pane: handler -> bounded buffer -> append-only text view, with copy actions.

The view is a :class:`QPlainTextEdit`, whose appends cost the same at 5 lines or 500: a list
view with wrapped rows re-measured every row on each new line (25 ms a line when full, on the
event loop). One entry is one text block, so a block's number is its entry's index.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

MAX_ENTRIES = 500


class Level(IntEnum):
    INFO = 0
    SUCCESS = 1
    WARNING = 2
    ERROR = 3


LEVEL_COLOURS = {Level.INFO: "#c8ccd4", Level.SUCCESS: "#7cc4ff", Level.WARNING: "#ffd166",
                 Level.ERROR: "#ff6b6b"}
LEVEL_TAGS = {Level.INFO: "", Level.SUCCESS: "OK ", Level.WARNING: "WARN ", Level.ERROR: "ERROR "}


@dataclass(frozen=True)
class LogEntry:
    time: datetime
    level: Level
    text: str
    order_id: str | None = None

    def line(self) -> str:
        """One line, always: the pane keeps one text block per entry."""
        text = " ".join(self.text.splitlines())
        return f"{self.time:%H:%M:%S}  {LEVEL_TAGS[self.level]}{text}"


class LogModel(QObject):
    """At most ``capacity`` entries; the oldest fall off the top."""

    sig_appended = Signal(object)  # the LogEntry just added

    def __init__(self, capacity: int = MAX_ENTRIES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self.capacity = capacity

    def append(self, entry: LogEntry) -> None:
        self._entries.append(entry)
        self.sig_appended.emit(entry)

    def entries(self) -> list[LogEntry]:
        return list(self._entries)


class LogPane(QPlainTextEdit):
    """Shows the model, newest line last. Its menu's "Copy" copies the selected text (or the
    line under the cursor), "Copy order id" the ids of those lines."""

    sig_copied = Signal(str)

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("logPane")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setMaximumBlockCount(model.capacity)  # trims in step with the model
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._formats = {level: QTextCharFormat() for level in Level}
        for level, text_format in self._formats.items():
            text_format.setForeground(QColor(LEVEL_COLOURS[level]))
        self.copy_action = QAction("Copy", self)  # Ctrl+C is the text view's own copy
        self.copy_action.triggered.connect(self.copy_lines)
        self.copy_id_action = QAction("Copy order id", self)
        self.copy_id_action.triggered.connect(self.copy_order_id)
        self.addActions([self.copy_action, self.copy_id_action])
        for entry in model.entries():
            self._show(entry)
        model.sig_appended.connect(self._show)

    def _show(self, entry: LogEntry) -> None:
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(entry.line(), self._formats[entry.level])
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _selected_entries(self) -> list[LogEntry]:
        cursor = self.textCursor()
        first = self.document().findBlock(cursor.selectionStart()).blockNumber()
        last = self.document().findBlock(cursor.selectionEnd()).blockNumber()
        return self.model.entries()[first:last + 1]

    def copy_lines(self) -> None:
        selected = self.textCursor().selectedText()
        # Qt writes a paragraph break as U+2029 in selections; a clipboard wants newlines.
        self._to_clipboard(selected.replace("\u2029", "\n") if selected
                           else "\n".join(entry.line() for entry in self._selected_entries()))

    def copy_order_id(self) -> None:
        ids = [entry.order_id for entry in self._selected_entries() if entry.order_id]
        self._to_clipboard("\n".join(ids))

    def _to_clipboard(self, text: str) -> None:
        if text:
            QGuiApplication.clipboard().setText(text)
            self.sig_copied.emit(text)


class LogPaneHandler(logging.Handler):
    """Sends warnings from ctpanel's own loggers into the pane (never the token: our messages
    are built without it)."""

    def __init__(self, model: LogModel) -> None:
        super().__init__(level=logging.WARNING)
        self.model = model

    def emit(self, record: logging.LogRecord) -> None:
        level = Level.ERROR if record.levelno >= logging.ERROR else Level.WARNING
        self.model.append(LogEntry(datetime.now(), level, record.getMessage()))
