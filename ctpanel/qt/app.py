"""The composition root: QApplication, the window, then the qasync loop.

Start-up order is the point of this module: only what the first window needs is imported
before it is shown (Qt, the widgets, the plain models; no asyncio, ssl, network stack or
simulator). Then :mod:`ctpanel.qt.running` takes over on the qasync loop.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_API", "pyside6")  # qasync must pick PySide6, whatever else is around

from PySide6.QtWidgets import QApplication

from ctpanel.config import data_dir
from ctpanel.core.runtime.process import peak_memory_kib
from ctpanel.qt.assets import asset
from ctpanel.qt.icons import app_icon
from ctpanel.qt.single_instance import SingleInstance, instance_name
from ctpanel.qt.window import build_window


def load_style() -> str:
    return asset("dark.qss").read_text("utf-8")


def run_panel(args: argparse.Namespace) -> int:
    """Open the panel; returns the process exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ctpanel")
    app.setOrganizationName("ctpanel")
    app.setQuitOnLastWindowClosed(False)  # the main coroutine owns shutdown
    app.setStyleSheet(load_style())
    app.setWindowIcon(app_icon())
    if args.self_test:
        import qasync

        from ctpanel.qt.selftest import run_self_test

        return qasync.run(run_self_test(app))
    instance = SingleInstance(instance_name(data_dir()))
    if instance.hand_over():
        print("ctpanel is already running: brought it to the front.", flush=True)
        return 0
    window = build_window(args)
    instance.listen(window.bring_to_front)
    window.show()
    app.processEvents()  # paint it now: what follows imports qasync and the network stack
    if args.report_ready or args.exit_when_ready:
        print(f"shown {time.time():.6f} {peak_memory_kib()}", flush=True)
    import qasync  # not needed to draw the window, so loaded after it is up

    from ctpanel.qt.running import amain

    return qasync.run(amain(args, window))
