"""Walking a window as a trader sees it: every visible widget at least as large as it needs to
show itself (its minimum size hint; a wrapped label by the height it needs at its width), and
every label showing some of its text. Qt's own inner parts (a combo box's line edit, a table's
scroll bars and headers) are judged through the widget that owns them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QSizePolicy,
    QTabBar,
    QWidget,
)

from ctpanel.qt.widgets.labels import ElidedLabel, FittedLabel

TOLERANCE_PX = 1


def _inner_part(widget: QWidget) -> bool:
    """A part Qt draws for another widget, judged through that one."""
    if widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QTabBar):
            return True
        if isinstance(parent, QAbstractScrollArea) and widget.parentWidget() is parent:
            return True  # its scroll bars, its headers, its viewport
        parent = parent.parentWidget()
    return False


def needed(widget: QWidget) -> tuple[int, int]:
    """The size the layout must give ``widget``, as Qt's layouts compute it."""
    hint = widget.minimumSizeHint()
    explicit = widget.minimumSize()
    policy = widget.sizePolicy()
    width = explicit.width() or (0 if policy.horizontalPolicy() == QSizePolicy.Policy.Ignored
                                 else hint.width())
    height = explicit.height() or (0 if policy.verticalPolicy() == QSizePolicy.Policy.Ignored
                                   else hint.height())
    if isinstance(widget, QLabel) and widget.wordWrap() and not explicit.height():
        height = max(0, widget.heightForWidth(widget.width()))
    return max(0, width), max(0, height)


def _describe(widget: QWidget) -> str:
    name = widget.objectName() or widget.accessibleName()
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__}({name or str(text)[:30]!r})"


def problems(window: QWidget) -> list[str]:
    """Each visible widget of ``window`` that is squashed, and each label that shows none of
    its text."""
    found = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or _inner_part(widget):
            continue
        width, height = needed(widget)
        if widget.width() + TOLERANCE_PX < width or widget.height() + TOLERANCE_PX < height:
            found.append(f"{_describe(widget)} is {widget.width()}x{widget.height()}, "
                         f"needs {width}x{height}")
        if isinstance(widget, QLabel) and widget.text().strip():
            shown = QLabel.text(widget) if isinstance(widget, ElidedLabel | FittedLabel) \
                else widget.text()
            if not shown.replace("…", "").strip():
                found.append(f"{_describe(widget)} shows none of its text")
    return found
