"""The log pane: handler -> bounded buffer -> list model -> view, with copy actions."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

MAX_ENTRIES = 500
ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


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
        return f"{self.time:%H:%M:%S}  {LEVEL_TAGS[self.level]}{self.text}"


class LogModel(QAbstractListModel):
    """At most ``capacity`` entries; the oldest fall off the top."""

    def __init__(self, capacity: int = MAX_ENTRIES, parent=None) -> None:
        super().__init__(parent)
        self._entries: deque[LogEntry] = deque()
        self.capacity = capacity

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.line()
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(LEVEL_COLOURS[entry.level]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Order id {entry.order_id}" if entry.order_id else None
        if role == ORDER_ID_ROLE:
            return entry.order_id
        return None

    def append(self, entry: LogEntry) -> None:
        if len(self._entries) >= self.capacity:
            self.beginRemoveRows(QModelIndex(), 0, 0)
            self._entries.popleft()
            self.endRemoveRows()
        row = len(self._entries)
        self.beginInsertRows(QModelIndex(), row, row)
        self._entries.append(entry)
        self.endInsertRows()

    def entries(self) -> list[LogEntry]:
        return list(self._entries)


class LogPane(QListView):
    """Shows the model; selectable lines; Ctrl+C copies lines, "Copy order id" copies ids."""

    sig_copied = Signal(str)

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logPane")
        self.setModel(model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(True)  # an order line is read whole: id, order, round trip
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = QAction("Copy", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_lines)
        self.copy_id_action = QAction("Copy order id", self)
        self.copy_id_action.triggered.connect(self.copy_order_id)
        self.addActions([self.copy_action, self.copy_id_action])
        model.rowsInserted.connect(lambda *_: self.scrollToBottom())

    def _selected_rows(self) -> list[QModelIndex]:
        return sorted(self.selectionModel().selectedIndexes(), key=lambda index: index.row())

    def copy_lines(self) -> None:
        text = "\n".join(index.data() for index in self._selected_rows())
        self._to_clipboard(text)

    def copy_order_id(self) -> None:
        ids = [index.data(ORDER_ID_ROLE) for index in self._selected_rows()]
        self._to_clipboard("\n".join(i for i in ids if i))

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
