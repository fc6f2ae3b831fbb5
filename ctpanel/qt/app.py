"""The composition root: QApplication, the window, then the qasync loop.

Start-up order is the point of this module: only what the first window needs is imported
before it is shown (Qt, the widgets, the plain models; no asyncio, ssl, network stack or
simulator). Then :mod:`ctpanel.qt.running` takes over on the qasync loop.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")  # qasync must pick PySide6, whatever else is around

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ctpanel.backend import Backend, Mode, open_demo, open_live
from ctpanel.cli import connection_settings
from ctpanel.core.credentials import KeyringTokenStore
from ctpanel.core.journal import Journal, default_journal_path
from ctpanel.core.secret import Secret
from ctpanel.qt.assets import asset
from ctpanel.qt.confirm import ConfirmService
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.widgets.log_pane import LogModel, LogPaneHandler


def load_style() -> str:
    return asset("dark.qss").read_text("utf-8")


def app_icon() -> QIcon:
    icon = asset("ctpanel.png")
    return QIcon(str(icon)) if icon.is_file() else QIcon()


class BackendFactory:
    """Opens demo or live backends with the settings given on the command line."""

    def __init__(self, journal: Journal, base_url: str, ws_url: str, timeout: float) -> None:
        self.journal = journal
        self.live_base_url = base_url
        self.ws_url = ws_url
        self.timeout = timeout

    async def __call__(self, mode: Mode, token: Secret | None) -> Backend:
        if mode is Mode.DEMO or token is None:
            backend = await open_demo(self.journal, timeout=self.timeout)
            # Printed so a person (or the end-to-end test) can look at the simulator.
            print(f"ctpanel demo simulator: {backend.base_url}", flush=True)
            return backend
        return await open_live(token, self.journal, base_url=self.live_base_url,
                               ws_url=self.ws_url, timeout=self.timeout)

    async def test_token(self, token: Secret) -> str:
        """A real call to the live service with ``token`` (the token dialog's Test button)."""
        from ctpanel.core.client import CrossTradeClient

        async with CrossTradeClient(token, base_url=self.live_base_url, timeout=10) as client:
            accounts = await client.list_accounts()
        return f"Token accepted by {self.live_base_url}: {len(accounts)} account(s)."


def peak_memory_kib() -> int:
    """The process's peak resident memory (Linux; 0 elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


def build_window(args: argparse.Namespace) -> MainWindow:
    """The window without a backend: shown before the network stack is even imported."""
    base_url, ws_url, timeout = connection_settings(args)
    journal = Journal(default_journal_path())
    factory = BackendFactory(journal, base_url, ws_url, timeout)
    log_model = LogModel()
    logging.getLogger("ctpanel").addHandler(LogPaneHandler(log_model))
    window = MainWindow(None, preferences=Preferences(), window_state=WindowState(),
                        token_store=KeyringTokenStore(), confirm=ConfirmService(),
                        journal=journal, backend_factory=factory,
                        token_tester=factory.test_token, live_base_url=base_url,
                        log_model=log_model)
    window.setWindowIcon(app_icon())
    return window


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
    window = build_window(args)
    window.show()
    app.processEvents()  # paint it now: what follows imports qasync and the network stack
    if args.report_ready or args.exit_when_ready:
        print(f"shown {time.time():.6f} {peak_memory_kib()}", flush=True)
    import qasync  # not needed to draw the window, so loaded after it is up

    from ctpanel.qt.running import amain

    return qasync.run(amain(args, window))
