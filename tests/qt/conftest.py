"""pytest-qt on a qasync loop, following the pattern and the teardown traps in stack-notes §3."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ctpanel.backend import open_demo
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.journal import Journal
from ctpanel.panel.panel import Panel
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.qt.main_window import MainWindow
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.window import build_panel

# Closed qasync loops are freed by the cyclic GC at random moments, possibly inside
# processEvents() while Qt still has timers for them (qasync #73): keep them all alive.
_KEEP_ALIVE: list = []


def _mark_not_running(loop) -> None:
    attr = "_QEventLoop__is_running"  # qasync 0.28 private; fail loudly if renamed
    assert hasattr(loop, attr), "qasync internals changed; revisit the qloop fixture"
    setattr(loop, attr, False)


@pytest.fixture
def qloop(qapp):
    """A qasync loop registered as running; every Qt event loop qtbot spins drives it."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    _KEEP_ALIVE.append(loop)
    asyncio.set_event_loop(loop)
    errors: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        yield loop
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        deadline = loop.time() + 2.0
        while any(not task.done() for task in pending) and loop.time() < deadline:
            qapp.processEvents()
        # Not loop.stop(): outside exec() it leaves Qt's quitNow flag set for later tests.
        _mark_not_running(loop)
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
        asyncio.events._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
    if errors:
        pytest.fail("unhandled exceptions in asyncio tasks: "
                    + "; ".join(repr(c.get("exception") or c.get("message")) for c in errors))


def run_async(qtbot, coroutine, timeout: int = 10_000):
    """Run a coroutine to completion from a sync test by spinning Qt."""
    task = asyncio.ensure_future(coroutine)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def put_cursor_on_line(pane, index: int) -> None:
    """As a click on line ``index`` of the log pane would (its menu's actions then use it)."""
    cursor = pane.textCursor()
    cursor.setPosition(pane.document().findBlockByNumber(index).position())
    pane.setTextCursor(cursor)


@contextmanager
def wait_event(qtbot, event, timeout: int = 5000, raising: bool = True):
    """Like ``qtbot.waitSignal`` for one of the panel's (Qt-free) events: the first emission
    after the ``with`` block starts is in ``.args`` once the block ends."""
    seen: list[tuple] = []

    def record(*args) -> None:
        seen.append(args)

    got = SimpleNamespace(args=None, triggered=False)
    event.connect(record)
    try:
        yield got
        try:
            qtbot.waitUntil(lambda: bool(seen), timeout=timeout)
        except qtbot.TimeoutError:
            if raising:
                raise
    finally:
        event.disconnect(record)
    if seen:
        got.args, got.triggered = seen[0], True


class PanelWindow:
    """A real Panel on a real demo backend (embedded simulator on a loopback port), and the
    real window bound to it."""

    def __init__(self, window: MainWindow, confirm: ScriptedConfirmer, qtbot) -> None:
        self.window = window
        self.model: Panel = window.panel
        self.confirm = confirm
        self.qtbot = qtbot

    @property
    def sim(self):
        return self.model.backend.simulator

    @property
    def form(self):
        return self.window.body.form

    @property
    def ticket(self):
        return self.window.body.ticket

    @property
    def button(self):
        return self.window.body.ticket.reverse_button

    def orders(self, api: str = "ReversePosition"):
        return self.sim.orders_received(api)

    def log_lines(self) -> list[str]:
        return self.model.notices.lines()

    def wait_for_position(self, described: str, timeout: int = 5000) -> None:
        """Until ``described`` is shown; polled as the view's 5 s timer would when a read was
        put off for the request budget."""
        def shown() -> bool:
            position = self.model.position()
            if (position is None or position.describe() != described) \
                    and not self.model.positions.reading():
                self.model.poll_tick()
            return position is not None and position.describe() == described
        self.qtbot.waitUntil(shown, timeout=timeout)

    def wait_armed(self, timeout: int = 5000) -> None:
        """Until Reverse is armed: a fresh position read after the last order, the re-arm
        delay over."""
        self.qtbot.waitUntil(self.button.isEnabled, timeout=timeout)

    def finished(self, timeout: int = 10_000):
        return wait_event(self.qtbot, self.model.events.order_finished, timeout)

    def click_reverse(self):
        """Once armed, one real click on REVERSE; the order's outcome."""
        self.wait_armed()
        with self.finished() as done:
            self.qtbot.mouseClick(self.button, Qt.MouseButton.LeftButton)
        return done.args[0]

    def pick_instrument(self, instrument: str) -> None:
        """Type an instrument and leave the field, as a trader does."""
        self.form.instrument.setEditText(instrument)
        self.form.instrument.lineEdit().editingFinished.emit()

    def pick(self, account: str, instrument: str, expect: str) -> None:
        index = self.form.account.findData(account)
        assert index >= 0, f"{account} not in the account picker"
        self.form.account.setCurrentIndex(index)
        self.form.instrument.setEditText(instrument)
        self.form.instrument.lineEdit().editingFinished.emit()
        self.wait_for_position(expect)


def make_window(qtbot, panel: Panel, tmp_path, token_tester=None) -> MainWindow:
    """The real window on ``panel``; closed after the test, once the panel is shut down."""
    async def tester(token):
        return "tested"

    window = MainWindow(panel, window_state=WindowState(tmp_path / "window-state.ini"),
                        token_tester=token_tester or tester)

    def shut_down(w: MainWindow) -> None:
        # pytest-qt closes widgets right after the test body: close the backend first.
        run_async(qtbot, w.panel.shutdown())
        w.shutdown_done = True

    qtbot.addWidget(window, before_close_func=shut_down)
    return window


@pytest.fixture
def panel_factory(qtbot, qloop, tmp_path, memory_keyring):
    def make(*, confirm_answer: bool = True, preferences: dict | None = None,
             timeout: float = 5.0, backend_at=None, global_hotkey=None,
             sound_player=None) -> PanelWindow:
        """``backend_at(journal)``: a coroutine giving another backend than a demo one;
        ``global_hotkey`` and ``sound_player`` stand in for the operating system's."""
        journal = Journal(tmp_path / "journal.jsonl")

        async def factory(mode, token):
            return await open_demo(journal, timeout=timeout)

        opening = backend_at(journal) if backend_at else open_demo(journal, timeout=timeout)
        backend = run_async(qtbot, opening)
        prefs = Preferences(tmp_path / "settings.ini")
        # The shortest re-arm delay, so tests that send several orders stay quick; the tests
        # of the delay itself set it.
        for key, value in {"rearm_delay": 0.3, **(preferences or {})}.items():
            prefs.set(key, value)
        confirm = ScriptedConfirmer(confirm_answer)
        panel = build_panel(preferences=prefs, journal=journal, backend_factory=factory,
                            token_store=MemoryTokenStore(), confirmer=confirm, backend=backend,
                            sound_player=sound_player, global_hotkey=global_hotkey)
        window = make_window(qtbot, panel, tmp_path)
        window.show()
        qtbot.waitExposed(window)
        made = PanelWindow(window, confirm, qtbot)
        if backend_at is None:
            with wait_event(qtbot, panel.events.accounts, timeout=5000):
                panel.start()
        else:
            panel.start()
        return made

    return make


@pytest.fixture
def panel(panel_factory) -> PanelWindow:
    """The panel on Sim101 / ES 12-26 (long 2), mirroring on."""
    made = panel_factory()
    made.pick("Sim101", "ES 12-26", "Long 2")
    return made


@pytest.fixture(scope="session")
def qapp_cls():
    return QApplication
