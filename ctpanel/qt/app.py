"""The composition root: QApplication, the qasync loop, the backend, the window, shutdown.

Shutdown follows the pattern in the stack notes: the window's close is deferred to the main
coroutine, which closes the connections while the loop still runs, then returns (which ends
qasync's loop). SIGINT and SIGTERM take the same path.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")  # qasync must pick PySide6, whatever else is around

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ctpanel.backend import Backend, Mode, open_demo, open_live
from ctpanel.cli import connection_settings
from ctpanel.core.credentials import KeyringTokenStore, resolve_token_async
from ctpanel.core.errors import TokenStoreError, scrub
from ctpanel.core.journal import Journal, default_journal_path
from ctpanel.core.secret import Secret
from ctpanel.qt.assets import asset
from ctpanel.qt.confirm import ConfirmService
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.widgets.log_pane import LogModel, LogPaneHandler

log = logging.getLogger("ctpanel")


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
        return open_live(token, self.journal, base_url=self.live_base_url, ws_url=self.ws_url,
                         timeout=self.timeout)

    async def test_token(self, token: Secret) -> str:
        """A real call to the live service with ``token`` (the token dialog's Test button)."""
        from ctpanel.core.client import CrossTradeClient

        async with CrossTradeClient(token, base_url=self.live_base_url, timeout=10) as client:
            accounts = await client.list_accounts()
        return f"Token accepted by {self.live_base_url}: {len(accounts)} account(s)."


def install_crash_handler(window: MainWindow) -> None:
    """Unexpected errors: a dialog with the traceback (token scrubbed), and the log pane."""

    def show(kind: type, value: BaseException, tb) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        if window.backend is not None:
            text = scrub(text, window.backend.client.token_text())
        sys.stderr.write(text)
        window.log_unexpected(text.strip().splitlines()[-1])
        if window.isVisible():
            box = QMessageBox(QMessageBox.Icon.Critical, "ctpanel: unexpected error",
                              "Something went wrong inside ctpanel. The panel keeps running; "
                              "check the position in NinjaTrader before acting.", parent=window)
            box.setDetailedText(text)
            box.open()

    sys.excepthook = show

    def loop_handler(loop, context) -> None:
        error = context.get("exception")
        if error is None:
            log.error("asyncio: %s", context.get("message"))
            return
        show(type(error), error, error.__traceback__)

    asyncio.get_running_loop().set_exception_handler(loop_handler)


def peak_memory_kib() -> int:
    """The process's peak resident memory (Linux; 0 elsewhere)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


async def report_ready(window: MainWindow, request_quit) -> None:
    """``--report-ready``: the wall-clock time the panel became usable (``--exit-when-ready``
    then quits)."""
    usable = asyncio.get_running_loop().create_future()
    window.sig_position_updated.connect(
        lambda position: position is not None and not usable.done() and usable.set_result(1))
    await asyncio.wait_for(usable, 30)
    print(f"usable {time.time():.6f} {peak_memory_kib()}", flush=True)
    if request_quit is not None:
        request_quit()


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


async def amain(args: argparse.Namespace, window: MainWindow) -> int:
    """Decide the mode, open the backend, attach it; run until the window asks to quit."""
    install_crash_handler(window)
    loop = asyncio.get_running_loop()
    quit_requested = loop.create_future()

    def request_quit() -> None:
        if not quit_requested.done():
            quit_requested.set_result(0)

    window.sig_closed.connect(request_quit)
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_quit)
    ready_report = None
    if args.report_ready or args.exit_when_ready:
        quit_when_ready = request_quit if args.exit_when_ready else None
        ready_report = loop.create_task(report_ready(window, quit_when_ready))

    token = None
    if not args.demo:
        try:
            token = (await resolve_token_async(window.token_store)).token
        except TokenStoreError as error:
            print(f"ctpanel: {error} Starting in demo mode.", file=sys.stderr)
    window.attach(await window.backend_factory(Mode.LIVE if token else Mode.DEMO, token))
    code = await quit_requested
    if ready_report is not None:
        ready_report.cancel()
        await asyncio.gather(ready_report, return_exceptions=True)
    await window.shutdown()
    window.shutdown_done = True
    window.close()
    return code


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

    return qasync.run(amain(args, window))
