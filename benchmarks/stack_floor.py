"""The floor under the panel's memory: the bare window, plus the libraries a live panel loads.

Shows the same window as ``bare_window.py``, then imports what any live ctpanel needs once it
is up (asyncio and ssl, qasync, httpx, websockets, keyring) and builds the one TLS context
with the CA bundle, and reports its peak memory. None of ctpanel's own code runs, except the
line in ``ctpanel.core`` that keeps httpx from importing its command-line tool.
"""

import importlib
import os
import sys
import time

os.environ.setdefault("QT_API", "pyside6")

from bare_window import peak_memory_kib
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPushButton


def load_the_stack() -> None:
    importlib.import_module("ctpanel.core")  # first: it keeps httpx's CLI out, as in the app
    import ssl

    import certifi
    import httpx  # noqa: F401
    import keyring
    import qasync  # noqa: F401
    import websockets.asyncio.client  # noqa: F401

    keyring.get_keyring()
    ssl.create_default_context(cafile=certifi.where())


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QPushButton("REVERSE"))
    window.show()

    def shown() -> None:
        load_the_stack()
        print(f"shown {time.time():.6f} {peak_memory_kib()}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
