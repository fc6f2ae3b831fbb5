"""The app's icon, and its armed variant: with the global hotkey armed the task-bar and tray
icon wear a thick orange ring, so the state shows from across the desk."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from ctpanel.qt.assets import asset

ARMED_COLOUR = "#ff8c00"


def app_icon() -> QIcon:
    icon = asset("ctpanel.png")
    return QIcon(str(icon)) if icon.is_file() else QIcon()


def armed_icon(size: int = 64) -> QIcon:
    pixmap = app_icon().pixmap(size, size)
    if pixmap.isNull():
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    width = size / 8
    painter.setPen(QPen(QColor(ARMED_COLOUR), width))
    painter.drawEllipse(QRectF(width / 2, width / 2, size - width, size - width))
    painter.end()
    return QIcon(pixmap)
