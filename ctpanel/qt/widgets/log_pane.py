"""The log pane: handler -> bounded buffer -> append-only text view, with copy actions.

The view is a :class:`QPlainTextEdit`, whose appends cost the same at 5 lines or 500: a list
view with wrapped rows re-measured every row on each new line (25 ms a line when full, on the
event loop). One entry is one text block, so a block's number is its entry's index.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QGuiApplication, QTextCharFormat
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

MAX_ENTRIES = 500


class Level(IntEnum):
    INFO = 0
    SUCCESS = 1
    WARNING = 2
    ERROR = 3
    HISTORY = 4  # a journal record from an earlier session: dimmed, with its own time


LEVEL_COLOURS = {Level.INFO: "#c8ccd4", Level.SUCCESS: "#7cc4ff", Level.WARNING: "#ffd166",
                 Level.ERROR: "#ff6b6b", Level.HISTORY: "#7a808c"}
LEVEL_TAGS = {Level.INFO: "", Level.SUCCESS: "OK ", Level.WARNING: "WARN ", Level.ERROR: "ERROR ",
              Level.HISTORY: ""}


@dataclass(frozen=True)
class LogEntry:
    time: datetime
    level: Level
    text: str
    order_id: str | None = None
    count: int = 1  # the same message, repeated: one line with a count

    def line(self) -> str:
        """One line, always: the pane keeps one text block per entry."""
        text = " ".join(self.text.splitlines())
        repeated = f" (×{self.count}, last at {self.time:%H:%M:%S})" if self.count > 1 else ""
        return f"{self.time:%H:%M:%S}  {LEVEL_TAGS[self.level]}{text}{repeated}"

    def repeats(self, other: LogEntry) -> bool:
        return (other.level, other.text, other.order_id) == (self.level, self.text, None)


class LogModel(QObject):
    """At most ``capacity`` entries; the oldest fall off the top. A message that repeats the
    last one (a poll failing the same way every 5 s) updates that line's count instead."""

    sig_appended = Signal(object)  # the LogEntry just added
    sig_last_replaced = Signal(object)  # the last entry, with its count and time updated

    def __init__(self, capacity: int = MAX_ENTRIES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self.capacity = capacity

    def append(self, entry: LogEntry) -> None:
        if self._entries and self._entries[-1].repeats(entry):
            last = self._entries[-1]
            self._entries[-1] = replace(last, time=entry.time, count=last.count + 1)
            self.sig_last_replaced.emit(self._entries[-1])
            return
        self._entries.append(entry)
        self.sig_appended.emit(entry)

    def entries(self) -> list[LogEntry]:
        return list(self._entries)


class LogPane(QPlainTextEdit):
    """Shows the model, newest line last. Its right-click menu's "Copy" copies the selected
    text (or the line right-clicked), "Copy order id" the id of the line right-clicked (or of
    the selected lines); each says what it copied (``sig_notice``)."""

    sig_copied = Signal(str)
    sig_notice = Signal(str)  # "Copied order id …" / "No order id on that line."

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("logPane")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setMaximumBlockCount(model.capacity)  # trims in step with the model
        self._clicked_line: int | None = None  # the line the open menu was opened on
        self._formats = {level: QTextCharFormat() for level in Level}
        for level, text_format in self._formats.items():
            text_format.setForeground(QColor(LEVEL_COLOURS[level]))
        self.copy_action = QAction("Copy", self)  # Ctrl+C is the text view's own copy
        self.copy_action.triggered.connect(self.copy_lines)
        self.copy_id_action = QAction("Copy order id", self)
        self.copy_id_action.triggered.connect(self.copy_order_id)
        self.addActions([self.copy_action, self.copy_id_action])  # their shortcuts, if any
        for entry in model.entries():
            self._show(entry)
        model.sig_appended.connect(self._show)
        model.sig_last_replaced.connect(self._replace_last)

    def _show(self, entry: LogEntry) -> None:
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(entry.line(), self._formats[entry.level])
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _replace_last(self, entry: LogEntry) -> None:
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.movePosition(cursor.MoveOperation.StartOfBlock, cursor.MoveMode.KeepAnchor)
        cursor.insertText(entry.line(), self._formats[entry.level])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The menu acts on the line under the mouse, not on wherever the text cursor is."""
        self._clicked_line = self.cursorForPosition(event.pos()).blockNumber()
        menu = QMenu(self)
        menu.addActions([self.copy_action, self.copy_id_action])
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(event.globalPos())

    def _selected_entries(self, *, clicked_first: bool) -> list[LogEntry]:
        """The right-clicked line (``clicked_first``, or when nothing is selected), else the
        selected lines, else the line under the text cursor."""
        cursor = self.textCursor()
        clicked, self._clicked_line = self._clicked_line, None
        if clicked is not None and (clicked_first or not cursor.hasSelection()):
            return self.model.entries()[clicked:clicked + 1]
        first = self.document().findBlock(cursor.selectionStart()).blockNumber()
        last = self.document().findBlock(cursor.selectionEnd()).blockNumber()
        return self.model.entries()[first:last + 1]

    def copy_lines(self) -> None:
        selected = self.textCursor().selectedText()
        entries = self._selected_entries(clicked_first=False)
        # Qt writes a paragraph break as U+2029 in selections; a clipboard wants newlines.
        text = selected.replace("\u2029", "\n") if selected else \
            "\n".join(entry.line() for entry in entries)
        if self._to_clipboard(text):
            self.sig_notice.emit(f"Copied {text.count(chr(10)) + 1} line(s).")

    def copy_order_id(self) -> None:
        ids = [entry.order_id for entry in self._selected_entries(clicked_first=True)
               if entry.order_id]
        if self._to_clipboard("\n".join(ids)):
            self.sig_notice.emit(f"Copied order id {', '.join(ids)}.")
        else:
            self.sig_notice.emit("No order id on that line: nothing was copied.")

    def _to_clipboard(self, text: str) -> bool:
        if not text:
            return False
        QGuiApplication.clipboard().setText(text)
        self.sig_copied.emit(text)
        return True


class LogPaneHandler(logging.Handler):
    """Sends warnings from ctpanel's own loggers into the pane (never the token: our messages
    are built without it)."""

    def __init__(self, model: LogModel) -> None:
        super().__init__(level=logging.WARNING)
        self.model = model

    def emit(self, record: logging.LogRecord) -> None:
        level = Level.ERROR if record.levelno >= logging.ERROR else Level.WARNING
        self.model.append(LogEntry(datetime.now(), level, record.getMessage()))
