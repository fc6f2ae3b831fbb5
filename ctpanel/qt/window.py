"""The panel and its window, assembled: :func:`build_panel` is the one assembly of a
:class:`~ctpanel.panel.panel.Panel` with the Qt things it needs (the app, the self-test, the
benchmarks and the tests all use it); :func:`build_window` is what ``ctpanel`` shows first, with
no backend yet."""

from __future__ import annotations

import argparse
import logging

from ctpanel.backend import Backend, Mode, open_demo, open_live
from ctpanel.config import connection_settings, data_dir, default_journal_path
from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.credentials import KeyringTokenStore, TokenStore
from ctpanel.core.store.group_file import GroupFile
from ctpanel.core.store.journal import Journal
from ctpanel.core.wire.urls import DEFAULT_BASE_URL
from ctpanel.panel.connection import BackendFactory
from ctpanel.panel.notices import NoticeHandler
from ctpanel.panel.options import PreferenceStore
from ctpanel.panel.panel import Panel
from ctpanel.panel.ports import Confirmer, HotkeyRegistrar
from ctpanel.panel.sounds import Player
from ctpanel.qt.assets import asset
from ctpanel.qt.confirm import ConfirmService
from ctpanel.qt.global_hotkey import platform_hotkey
from ctpanel.qt.icons import app_icon
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.sim.seed import DEMO_GROUPS


class BackendOpener:
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
        from ctpanel.core.wire.client import CrossTradeClient

        async with CrossTradeClient(token, base_url=self.live_base_url, timeout=10) as client:
            accounts = await client.list_accounts()
        return f"Token accepted by {self.live_base_url}: {len(accounts)} account(s)."


def build_panel(*, preferences: PreferenceStore, journal: Journal,
                backend_factory: BackendFactory, token_store: TokenStore,
                confirmer: Confirmer | None = None, backend: Backend | None = None,
                live_base_url: str = DEFAULT_BASE_URL, sound_player: Player | None = None,
                global_hotkey: HotkeyRegistrar | None = None,
                side_hotkeys: dict[str, HotkeyRegistrar] | None = None,
                groups: GroupFile | None = None) -> Panel:
    """The panel with the app's sounds, confirmation dialog and this platform's global hotkeys
    (each replaceable: tests and the self-test answer for the operating system; a stand-in
    Reverse hotkey without side ones means no global Close, BUY or SELL chord)."""
    if global_hotkey is None:
        reverse, sides = platform_hotkey, (lambda name: platform_hotkey())
    else:
        reverse = lambda: global_hotkey  # noqa: E731
        sides = (lambda name: side_hotkeys[name]) if side_hotkeys else None
    return Panel(preferences=preferences, journal=journal, backend_factory=backend_factory,
                 token_store=token_store, confirmer=confirmer or ConfirmService(),
                 backend=backend, live_base_url=live_base_url, sound_player=sound_player,
                 sound_path=lambda name: str(asset(name)),
                 hotkey_registrar=reverse, side_registrar=sides,
                 groups=groups or GroupFile(data_dir(), demo=DEMO_GROUPS))


def about() -> str:
    from ctpanel.qt.about import about_text  # only when asked for: not on the start path

    return about_text()


def build_window(args: argparse.Namespace) -> MainWindow:
    """The panel and its window, without a backend: shown before the network stack loads."""
    base_url, ws_url, timeout = connection_settings(args)
    journal = Journal(default_journal_path())
    factory = BackendOpener(journal, base_url, ws_url, timeout)
    panel = build_panel(preferences=Preferences(), journal=journal, backend_factory=factory,
                        token_store=KeyringTokenStore(), live_base_url=base_url)
    logging.getLogger("ctpanel").addHandler(NoticeHandler(panel.notices))
    window = MainWindow(panel, window_state=WindowState(), token_tester=factory.test_token,
                        about=about)
    window.setWindowIcon(app_icon())
    return window
