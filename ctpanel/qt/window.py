"""The panel's window, assembled with what it needs, but no backend yet: what ``ctpanel`` shows
first, and what the self-test starts the same way."""

from __future__ import annotations

import argparse
import logging

from ctpanel.backend import Backend, Mode, open_demo, open_live
from ctpanel.config import connection_settings, default_journal_path
from ctpanel.core.credentials import KeyringTokenStore
from ctpanel.core.journal import Journal
from ctpanel.core.secret import Secret
from ctpanel.qt.confirm import ConfirmService
from ctpanel.qt.icons import app_icon
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.widgets.log_pane import LogModel, LogPaneHandler


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
