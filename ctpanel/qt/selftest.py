"""``ctpanel --self-test``: prove that an installed or bundled ctpanel has what it needs.

It shows the real window, checks the Qt platform plugin, the resources, the TLS certificate
bundle and the keyring backend (naming it, never reading or writing a token), and runs one
reverse end to end against the embedded simulator. It never contacts CrossTrade. Everything it
writes goes to a temporary folder. One line per check; exit code 0 only if all pass.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import ssl
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ctpanel.backend import Mode, open_demo
from ctpanel.core.credentials import MemoryTokenStore
from ctpanel.core.journal import Journal
from ctpanel.core.service import ReverseReport
from ctpanel.qt.assets import ASSET_NAMES, asset_folder
from ctpanel.qt.confirm import ScriptedConfirm
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState

STEP_TIMEOUT = 20.0


class Checks:
    def __init__(self, out=sys.stdout) -> None:
        self.out = out
        self.failed = 0

    def record(self, name: str, ok: bool, detail: str) -> bool:
        self.failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", file=self.out, flush=True)
        return ok

    def run(self, name: str, check: Callable[[], str]) -> bool:
        try:
            return self.record(name, True, check())
        except Exception as error:  # a self-test reports every failure and goes on
            return self.record(name, False, f"{type(error).__name__}: {error}")


def check_platform(app: QApplication) -> str:
    name = app.platformName()
    if not name:
        raise RuntimeError("no Qt platform plugin loaded")
    return f"{name} (Qt platform plugin loaded)"


def check_resources() -> str:
    folder = asset_folder()
    missing = [name for name in ASSET_NAMES if not folder.joinpath(name).is_file()]
    if missing:
        raise FileNotFoundError(f"{', '.join(missing)} not in {folder}")
    return f"{len(ASSET_NAMES)} files in {folder}"


def check_tls_bundle() -> str:
    import certifi  # the bundle httpx verifies against

    path = Path(certifi.where())
    context = ssl.create_default_context(cafile=str(path))
    count = len(context.get_ca_certs())
    if count < 50:
        raise RuntimeError(f"only {count} CA certificates in {path}")
    return f"{count} CA certificates in {path}"


def check_keyring() -> str:
    import keyring
    import keyring.backend
    import keyring.backends.fail

    backend = keyring.get_keyring()  # choosing a backend reads no password
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, keyring.backends.fail.Keyring):
        known = sorted(type(k).__module__ for k in keyring.backend.get_all_keyring())
        raise RuntimeError(f"no usable OS keyring ({name}); backends found: {known or 'none'}")
    return name


# Imported only after the window is up, or only when used: a bundle must still carry them.
LATE_MODULES = ("ctpanel.qt.running", "ctpanel.commands", "ctpanel.core.client",
                "ctpanel.core.stream", "ctpanel.sim", "ctpanel.qt.widgets.settings_dialog",
                "ctpanel.qt.widgets.token_dialog", "sniffio")


def check_late_modules() -> str:
    for name in LATE_MODULES:
        importlib.import_module(name)
    return f"{len(LATE_MODULES)} modules loaded after start-up are present"


async def check_reverse(app: QApplication, folder: Path) -> str:
    journal = Journal(folder / "journal.jsonl")
    backend = await open_demo(journal, timeout=10)

    async def factory(mode, token):
        return await open_demo(journal, timeout=10)

    async def no_test(token):
        return "not available in the self-test"

    window = MainWindow(backend, preferences=Preferences(folder / "settings.ini"),
                        window_state=WindowState(folder / "window-state.ini"),
                        token_store=MemoryTokenStore(), confirm=ScriptedConfirm(True),
                        journal=journal, backend_factory=factory, token_tester=no_test)
    loop = asyncio.get_running_loop()
    finished: asyncio.Future = loop.create_future()
    ready: asyncio.Future = loop.create_future()
    window.sig_order_finished.connect(lambda outcome: finished.done()
                                      or finished.set_result(outcome))
    window.sig_position_updated.connect(lambda position: position is not None
                                        and not position.is_flat and not ready.done()
                                        and ready.set_result(position))
    try:
        window.show()
        window.start()
        async with asyncio.timeout(STEP_TIMEOUT):
            before = await ready
            if not window.isVisible() or backend.mode is not Mode.DEMO:
                raise RuntimeError("the window is not showing the demo account")
            window.request_reverse()
            outcome = await finished
        if not isinstance(outcome, ReverseReport):
            raise RuntimeError(str(outcome))
        received = len(backend.simulator.orders_received())
        if received != 1 or journal.read_last()[-1]["order_id"] != outcome.result.order_id:
            raise RuntimeError(f"{received} orders reached the simulator; journal mismatch")
        return (f"order {outcome.result.order_id} ({before.describe()} -> "
                f"{outcome.after.describe() if outcome.after else '?'}, "
                f"{outcome.result.round_trip_ms:.0f} ms)")
    finally:
        await window.shutdown()
        window.shutdown_done = True
        window.close()


async def run_self_test(app: QApplication) -> int:
    checks = Checks()
    print(f"ctpanel self-test ({'bundle' if getattr(sys, 'frozen', False) else 'source'}, "
          f"Python {sys.version.split()[0]})", flush=True)
    checks.run("Qt platform", lambda: check_platform(app))
    checks.run("resources", check_resources)
    checks.run("TLS certificates", check_tls_bundle)
    checks.run("keyring backend", check_keyring)
    checks.run("late imports", check_late_modules)
    with tempfile.TemporaryDirectory(prefix="ctpanel-selftest-") as folder:
        os.environ["CTPANEL_DATA_DIR"] = folder  # nothing of the user's is touched
        try:
            checks.record("reverse (embedded simulator)", True,
                          await check_reverse(app, Path(folder)))
        except Exception as error:
            checks.record("reverse (embedded simulator)", False,
                          f"{type(error).__name__}: {error}")
    print("self-test passed" if not checks.failed else f"self-test FAILED ({checks.failed})",
          flush=True)
    return 0 if not checks.failed else 1
