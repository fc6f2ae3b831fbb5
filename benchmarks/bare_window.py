"""The baseline for start-up: a bare PySide6 window with a button, shown, then quit."""

import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton


def peak_memory_kib() -> int:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QPushButton("REVERSE"))
    window.show()

    def shown() -> None:
        print(f"shown {time.time():.6f} {peak_memory_kib()}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
