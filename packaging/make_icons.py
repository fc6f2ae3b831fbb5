"""Draw the app icon and write it as PNG, ICO and ICNS into resources/ (run when it changes).

Two opposing arrows on a rounded square: the reverse.
Usage: QT_QPA_PLATFORM=offscreen python packaging/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def arrow(painter: QPainter, y: float, leftwards: bool, colour: str, size: float) -> None:
    pen = QPen(QColor(colour), size * 0.085, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    start, end = (size * 0.78, size * 0.22) if leftwards else (size * 0.22, size * 0.78)
    painter.drawLine(QPointF(start, y), QPointF(end, y))
    head = size * 0.13 * (1 if leftwards else -1)
    painter.drawLine(QPointF(end, y), QPointF(end + head, y - abs(head)))
    painter.drawLine(QPointF(end, y), QPointF(end + head, y + abs(head)))


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(size * 0.04, size * 0.04, size * 0.92, size * 0.92),
                        size * 0.2, size * 0.2)
    painter.fillPath(path, QColor("#1d2026"))
    arrow(painter, size * 0.36, False, "#4ea1ff", size)  # long, blue
    arrow(painter, size * 0.64, True, "#ff9f1c", size)  # short, orange
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    image = draw(256)
    for name, fmt in (("ctpanel.png", "PNG"), ("ctpanel.ico", "ICO"), ("ctpanel.icns", "ICNS")):
        target = RESOURCES / name
        if not image.save(str(target), fmt):
            print(f"could not write {target}", file=sys.stderr)
            return 1
        print(f"wrote {target} ({target.stat().st_size} bytes)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
