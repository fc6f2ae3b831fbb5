"""``ctpanel --self-test``: prove that an installed or bundled ctpanel has what it needs.

It checks the Qt platform plugin, the resources, the TLS certificate bundle and the keyring
backend (naming it, never reading or writing a token); runs the real start-up path of
``ctpanel --demo`` to "usable" and back through shutdown; and sends two reverses through the
real window against the embedded simulator, both journaled (the second appends to a journal
that already has content). It never contacts CrossTrade. Everything it writes goes to
temporary folders. One line per check; exit code 0 only if all pass.
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
from ctpanel.core.desk.reverse import ReverseReport
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.journal import Journal
from ctpanel.panel.panel import Panel
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.qt.assets import ASSET_NAMES, asset_folder
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.window import build_panel

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
LATE_MODULES = ("ctpanel.qt.running", "ctpanel.cli.commands", "ctpanel.core.wire.client",
                "ctpanel.core.wire.stream", "ctpanel.sim.server",
                "ctpanel.qt.widgets.settings_dialog", "ctpanel.qt.widgets.token_dialog", "sniffio")


def check_late_modules() -> str:
    for name in LATE_MODULES:
        importlib.import_module(name)
    return f"{len(LATE_MODULES)} modules loaded after start-up are present"


async def check_startup(folder: Path) -> str:
    """The real start-up path, as ``ctpanel --demo`` runs it: the window, the main coroutine
    (signal handling, mode choice, the backend), to "usable", then through shutdown."""
    from ctpanel.cli import build_parser
    from ctpanel.qt.running import amain
    from ctpanel.qt.window import build_window

    args = build_parser().parse_args(["--demo", "--exit-when-ready"])
    window = build_window(args)
    window.show()
    started = asyncio.get_running_loop().time()
    async with asyncio.timeout(STEP_TIMEOUT):
        code = await amain(args, window)
    if code != 0 or window.isVisible() or not window.shutdown_done:
        raise RuntimeError(f"the panel did not shut down cleanly (exit code {code})")
    seconds = asyncio.get_running_loop().time() - started
    return f"usable and shut down in {seconds:.1f} s (data in {folder})"


ORDERS = 2  # the second one appends to a journal that already has content


async def check_orders(folder: Path) -> str:
    """Two reverses through the real window into a fresh journal, each journaled whole."""
    journal = Journal(folder / "journal.jsonl")
    backend = await open_demo(journal, timeout=10)

    async def factory(mode, token):
        return await open_demo(journal, timeout=10)

    async def no_test(token):
        return "not available in the self-test"

    panel = build_panel(preferences=Preferences(folder / "settings.ini"), journal=journal,
                        backend_factory=factory, token_store=MemoryTokenStore(),
                        confirmer=ScriptedConfirmer(True), backend=backend)
    window = MainWindow(panel, window_state=WindowState(folder / "window-state.ini"),
                        token_tester=no_test)
    outcomes = []
    try:
        window.show()
        panel.start()
        async with asyncio.timeout(STEP_TIMEOUT):
            for _ in range(ORDERS):
                outcomes.append(await reverse_once(window))
        if backend.mode is not Mode.DEMO:
            raise RuntimeError("the window is not showing the demo account")
    finally:
        await panel.shutdown()
        window.shutdown_done = True
        window.close()
    return describe_journaled(journal, backend, outcomes)


async def reverse_once(window: MainWindow) -> ReverseReport:
    """Wait until Reverse is armed (on a position read from the simulator), click it as the
    trader does, wait for the outcome."""
    panel: Panel = window.panel
    button = window.body.ticket.reverse_button
    while not button.isEnabled():
        await asyncio.sleep(0.05)
    finished: asyncio.Future = asyncio.get_running_loop().create_future()

    def on_finished(outcome) -> None:
        if not finished.done():
            finished.set_result(outcome)

    panel.events.order_finished.connect(on_finished)
    try:
        button.click()
        outcome = await finished
    finally:
        panel.events.order_finished.disconnect(on_finished)
    if not isinstance(outcome, ReverseReport):
        raise RuntimeError(str(outcome))
    return outcome


def describe_journaled(journal: Journal, backend, outcomes: list[ReverseReport]) -> str:
    received = len(backend.simulator.orders_received())
    records = journal.read_last()
    journaled = [r.get("order_id") for r in records if r.get("kind") == "reverse"]
    written_ahead = {r.get("client_id") for r in records if r.get("kind") == "intent"}
    answered = {r.get("client_id") for r in records if r.get("kind") == "reverse"}
    sent = [outcome.result.order_id for outcome in outcomes]
    if received != ORDERS or journaled != sent or written_ahead != answered:
        raise RuntimeError(f"{received} orders reached the simulator; sent {sent}, "
                           f"journaled {journaled}; intents {len(written_ahead)} for "
                           f"{len(answered)} outcomes")
    raw = journal.path.read_bytes()
    if b"\r" in raw or raw.count(b"\n") != len(records):  # reverses and their fills
        raise RuntimeError(f"the journal is not LF-terminated lines: {raw[:200]!r}")
    steps = ", ".join(f"{o.before.describe() if o.before else '?'} -> "
                      f"{o.after.describe() if o.after else '?'} "
                      f"({o.result.round_trip_ms:.0f} ms)" for o in outcomes)
    return f"{ORDERS} orders, each journaled ahead and answered: {steps}"


async def run_self_test(app: QApplication) -> int:
    checks = Checks()
    print(f"ctpanel self-test ({'bundle' if getattr(sys, 'frozen', False) else 'source'}, "
          f"Python {sys.version.split()[0]})", flush=True)
    checks.run("Qt platform", lambda: check_platform(app))
    checks.run("resources", check_resources)
    checks.run("TLS certificates", check_tls_bundle)
    checks.run("keyring backend", check_keyring)
    checks.run("late imports", check_late_modules)
    for name, check in (("start-up and shutdown", check_startup),
                        ("two journaled reverses (embedded simulator)", check_orders)):
        # A fresh data folder each: nothing of the user's is touched, nothing is shared.
        with tempfile.TemporaryDirectory(prefix="ctpanel-selftest-") as folder:
            os.environ["CTPANEL_DATA_DIR"] = folder
            try:
                checks.record(name, True, await check(Path(folder)))
            except Exception as error:  # a self-test reports every failure and goes on
                checks.record(name, False, f"{type(error).__name__}: {error}")
    print("self-test passed" if not checks.failed else f"self-test FAILED ({checks.failed})",
          flush=True)
    return 0 if not checks.failed else 1
