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
        room = max(1, self.contentsRect().width() - 2 * self.margin())  # less the style's padding
        shown = self.fontMetrics().elidedText(self._full[:MAX_SHOWN],
                                              Qt.TextElideMode.ElideRight, room)
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
        """As tall as its text needs at the width it has: the window's least size then keeps
        room for every line, and a wrapped line never squashes the widgets around it."""
        height = super().minimumSizeHint().height()
        if self.width() > 0 and self._full:
            height = max(height, self.heightForWidth(self.width()))
        return QSize(0, height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the lines it needs follow its width


class FittedLabel(QLabel):
    """One line given in several wordings, longest first: it shows the longest that fits, so
    a narrow window shortens the words before it cuts a figure. Its minimum width is the
    shortest wording's (capped like any label's hint); only past that is it elided."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts: tuple[str, ...] = ("",)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def text(self) -> str:
        return self._texts[0]

    def setTexts(self, texts: tuple[str, ...]) -> None:
        texts = tuple(t[:MAX_SHOWN] for t in texts) or ("",)
        if texts != self._texts:
            self._texts = texts
            self.updateGeometry()
            self._fit()

    def _chrome(self) -> int:
        """What the label takes besides its text: margins, frame, the style's padding."""
        return self.width() - self.contentsRect().width() + 2 * self.margin() + 4

    def _width_of(self, text: str) -> int:
        return self.fontMetrics().horizontalAdvance(text) + self._chrome()

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self._width_of(self._texts[-1]), HINT_CAP_PX),
                     super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(min(self._width_of(self._texts[0]), HINT_CAP_PX * 2),
                     super().sizeHint().height())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self.updateGeometry()
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = next((t for t in self._texts if self._width_of(t) <= self.width()), None)
        if shown is None:  # narrower than the shortest wording: cut it, never to nothing
            room = self.width() - self._chrome() + 4
            shown = self.fontMetrics().elidedText(self._texts[-1], Qt.TextElideMode.ElideRight,
                                                  max(1, room))
        super().setText(shown)
        self.setToolTip(self._texts[0] if shown != self._texts[0] else "")
