"""Start-up: the window is built and shown before the network stack is even imported."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# What the first window does not need: the event loop and TLS (asyncio, ssl, OpenSSL), the
# network clients, the keyring, qasync, the simulator (its server and state: its seed is plain
# data, the demo group the picker offers), and the version (importlib.metadata). All come after
# the window is shown.
LOADED_LATER = ("asyncio", "ssl", "_ssl", "_hashlib", "httpx", "websockets", "keyring",
                "importlib.metadata",
                "qasync", "aiohttp", "ctpanel.core.wire.client", "ctpanel.core.wire.stream",
                "ctpanel.sim.server", "ctpanel.sim.state", "ctpanel.cli.commands",
                "ctpanel.qt.running")

SHOW_THE_WINDOW = f"""
import sys
from PySide6.QtWidgets import QApplication
from ctpanel.cli import build_parser
from ctpanel.qt.app import load_style
from ctpanel.qt.window import build_window

app = QApplication(sys.argv[:1])
app.setStyleSheet(load_style())
window = build_window(build_parser().parse_args([]))
window.show()
app.processEvents()
print(" ".join(name for name in {LOADED_LATER!r} if name in sys.modules))
"""


def test_nothing_the_first_window_does_not_need_is_loaded_before_it_is_shown(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CTPANEL_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", SHOW_THE_WINDOW], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
