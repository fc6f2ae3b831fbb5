"""The baseline for start-up: a bare PySide6 window with a button, shown, then quit."""

import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton


def peak_memory_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))


def main(once_shown: Callable[[], None] | None = None) -> int:
    """Show the window; then run ``once_shown`` (stack_floor.py's extra load) and report."""
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QPushButton("REVERSE"))
    window.show()

    def shown() -> None:
        if once_shown is not None:
            once_shown()
        print(f"shown {time.time():.6f} {peak_memory_kib()}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
