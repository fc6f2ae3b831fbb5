"""The log pane: the panel's notices (:class:`~ctpanel.panel.notices.Notices`, a bounded buffer
fed by the panel and by ctpanel's loggers) in an append-only text view, with copy actions.

The view is a :class:`QPlainTextEdit`, whose appends cost the same at 5 lines or 500: a list
view with wrapped rows re-measured every row on each new line (25 ms a line when full, on the
event loop). One entry is one text block, so a block's number is its entry's index.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QGuiApplication, QTextCharFormat
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QStatusBar, QWidget

from ctpanel.panel.notices import Level, Notice, Notices

LEVEL_COLOURS = {Level.INFO: "#c8ccd4", Level.SUCCESS: "#7cc4ff", Level.WARNING: "#ffd166",
                 Level.ERROR: "#ff6b6b", Level.HISTORY: "#9aa0aa"}


class LogPane(QPlainTextEdit):
    """Shows the model, newest line last. Its right-click menu's "Copy" copies the selected
    text (or the line right-clicked), "Copy order id" the id of the line right-clicked (or of
    the selected lines); each says what it copied (``sig_notice``)."""

    sig_copied = Signal(str)
    sig_notice = Signal(str)  # "Copied order id …" / "No order id on that line."

    def __init__(self, model: Notices, parent: QWidget | None = None) -> None:
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
        model.appended.connect(self._show)
        model.last_replaced.connect(self._replace_last)

    def _show(self, entry: Notice) -> None:
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock()
        cursor.insertText(entry.line(), self._formats[entry.level])
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _replace_last(self, entry: Notice) -> None:
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

    def _selected_entries(self, *, clicked_first: bool) -> list[Notice]:
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


class NoticeBar(QStatusBar):
    """The window's status bar: each notice for a while, and what the pane's copy did."""

    def __init__(self, notices: Notices, pane: LogPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        notices.appended.connect(lambda notice: self.showMessage(notice.text, 8000))
        pane.sig_notice.connect(lambda text: self.showMessage(text, 4000))
