"""Labels whose text never sets the window's width: server text and numbers can be any length
(one absurd quote once widened the window from 560 px to 9,192 px, off the screen for good).

- :class:`ElidedLabel`: one line, cut with "…" to the width the layout gives it.
- :class:`WrappedLabel`: wraps, even inside a word with no spaces, and keeps at most
  ``MAX_SHOWN`` characters.

Both keep the whole text (``text()``) and show it as their tool tip when it is cut. Their
minimum width is nothing, so the layout, not the longest text, decides the window's width.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

HINT_CAP_PX = 320  # what one label may ask for, however long its text
MAX_SHOWN = 600  # characters a wrapped label shows; the rest is in the tool tip
LONG_WORD = re.compile(r"\S{24}")
BREAK = "\u200b"  # a zero-width space: where Qt may wrap a word it otherwise cannot


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)  # server text is never markup
        self.setText(text)

    def text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self._elide()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        natural = self.fontMetrics().horizontalAdvance(self._full[:MAX_SHOWN]) + 4
        return QSize(min(natural, HINT_CAP_PX), super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full[:MAX_SHOWN],
                                              Qt.TextElideMode.ElideRight, max(1, self.width()))
        super().setText(shown)
        self.setToolTip(self._full[:4 * MAX_SHOWN] if shown != self._full else "")


class WrappedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setText(text)

    def text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        shown = text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"
        super().setText(LONG_WORD.sub(lambda word: word.group(0) + BREAK, shown))
        self.setToolTip(text[:4 * MAX_SHOWN] if shown != text else "")

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())
