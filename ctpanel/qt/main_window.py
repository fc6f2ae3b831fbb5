"""The Reverse panel's main window: layout, menus, and bindings to the Qt-free panel model
(:mod:`ctpanel.panel`) on the qasync loop.

Whether an order may go is the :class:`~ctpanel.panel.ticket.Ticket`'s decision; positions come
through the :class:`~ctpanel.panel.watcher.PositionWatcher`, orders through the
:class:`~ctpanel.panel.orders.OrderFlow`, the backend and its tasks live in the
:class:`~ctpanel.panel.session.Session`. The window feeds them what the trader does and shows
what they say. Nothing here blocks.

asyncio is imported inside the methods that need it, not at the top: the window is built and
shown before asyncio (and ssl with it, ~30 ms) is loaded, and those methods only run later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ctpanel.backend import Backend, Mode
from ctpanel.core.credentials import TokenStore, resolve_token_async
from ctpanel.core.errors import (
    CtError,
    NotConnectedError,
    RateLimitedError,
    TokenStoreError,
)
from ctpanel.core.form import FormState
from ctpanel.core.journal import Journal
from ctpanel.core.models import OrderResult, Position, ReverseOrder
from ctpanel.core.pricing import pnl_words, position_pnl, prefilled_prices
from ctpanel.core.secret import Secret
from ctpanel.core.service import ReverseReport, Transport, UncertainOutcome
from ctpanel.core.urls import DEFAULT_BASE_URL
from ctpanel.panel.fills import FillFollower
from ctpanel.panel.history import history_lines
from ctpanel.panel.hotkey_arm import HotkeyArm
from ctpanel.panel.hotkeys import (
    DEFAULT_ARM_SHORTCUT,
    Chord,
    usable_global_hotkey,
    usable_hotkey,
)
from ctpanel.panel.market import MarketWatch
from ctpanel.panel.ninjatrader import not_connected_advice_now
from ctpanel.panel.orders import OrderFlow
from ctpanel.panel.session import Session
from ctpanel.panel.sounds import Player, SoundEvent, Sounds
from ctpanel.panel.status import ConnectionStatus
from ctpanel.panel.ticket import (
    Arming,
    Freshness,
    Phase,
    Press,
    Scope,
    Ticket,
    clamp_rearm_delay,
)
from ctpanel.panel.watcher import PositionWatcher
from ctpanel.qt.assets import asset
from ctpanel.qt.confirm import ConfirmService
from ctpanel.qt.global_hotkey import GlobalHotkey, platform_hotkey
from ctpanel.qt.icons import app_icon, armed_icon
from ctpanel.qt.screen import keep_on_screen
from ctpanel.qt.settings import Preferences, WindowState
from ctpanel.qt.style import restyle
from ctpanel.qt.widgets.compact import CompactWindow
from ctpanel.qt.widgets.log_pane import Level, LogEntry, LogModel, LogPane
from ctpanel.qt.widgets.order_form import OrderForm
from ctpanel.qt.widgets.position_strip import PositionStrip
from ctpanel.qt.widgets.quote_line import QuoteLine
from ctpanel.qt.widgets.status_lights import StatusLights

if TYPE_CHECKING:
    import asyncio

    from ctpanel.qt.widgets.settings_dialog import SettingsDialog
    from ctpanel.qt.widgets.token_dialog import TokenDialog, TokenTester

log = logging.getLogger(__name__)

POLL_MS = 5000  # position refresh: 0.2 requests/s, far inside CrossTrade's 3/s
MARKET_TICK_MS = 250  # the market watch's debounce, subscription and poll decisions
JOURNAL_LINES_SHOWN = 50
WAIT_BEFORE_LOOKING_S = 3.0  # no answer yet: read the position and show it (never re-send)
READ_TIMEOUT_MARGIN = 15.0  # on top of the order timeout: the re-read after an unknown outcome
NINJATRADER_CHECK_EVERY_S = 60.0  # a 408 repeated by every poll: look for the process once a minute
COMPACT_SHORTCUT = "Ctrl+Shift+M"
BackendFactory = Callable[[Mode, Secret | None], Awaitable[Backend]]

MODE_BANDS = {
    Mode.DEMO: "DEMO — simulated account and prices; nothing reaches NinjaTrader",
    Mode.LIVE: "LIVE — orders go to NinjaTrader through CrossTrade",
}


class MainWindow(QMainWindow):
    """The panel. Collaborators are injected; the composition root is :mod:`ctpanel.qt.app`.

    ``backend`` may be None at first: the window shows "starting" until :meth:`attach` gives it
    one, so it can appear before the network stack has even been imported.
    """

    sig_order_accepted = Signal(object)  # OrderResult, the moment CrossTrade answers
    sig_order_finished = Signal(object)  # ReverseReport, or the CtError it ended with
    sig_position_updated = Signal(object)  # Position, or None when unknown
    sig_accounts_loaded = Signal(list)
    sig_backend_changed = Signal(object)
    sig_closed = Signal()

    def __init__(
        self,
        backend: Backend | None,
        *,
        preferences: Preferences,
        window_state: WindowState,
        token_store: TokenStore,
        confirm: ConfirmService,
        journal: Journal,
        backend_factory: BackendFactory,
        token_tester: TokenTester,
        live_base_url: str = DEFAULT_BASE_URL,
        log_model: LogModel | None = None,
        sound_player: Player | None = None,
        global_hotkey: GlobalHotkey | None = None,
    ) -> None:
        super().__init__()
        self.session = Session(backend)
        self.preferences = preferences
        self.window_state = window_state
        self.token_store = token_store
        self.confirm = confirm
        self.journal = journal
        self.backend_factory = backend_factory
        self.token_tester = token_tester
        self.live_base_url = live_base_url
        self.log_model = log_model or LogModel()
        self.shutdown_done = False
        self.session_token: Secret | None = None
        self.status = ConnectionStatus()
        self.ticket = Ticket(rearm_delay=clamp_rearm_delay(preferences.get("rearm_delay")))
        self.watcher = PositionWatcher(self.session, self.ticket,
                                       on_shown=self._on_position_shown,
                                       on_failed=self._on_read_failed)
        self.orders = OrderFlow(self.session, self.ticket, self.watcher)
        self.market = MarketWatch(self.session, on_change=self._on_market_changed)
        self.hotkey_arm = HotkeyArm()
        self.global_hotkey = global_hotkey  # the platform's, made at start() unless given
        self.global_chord: Chord | None = None  # set from the preferences
        self._icon_armed = False  # the icon shown is the armed one
        self.sounds = Sounds(lambda event: event in self._sounds_on,
                             lambda name: str(asset(name)), sound_player)
        self._ninjatrader_checked_at: float | None = None
        self._market_task: asyncio.Task | None = None
        self._market_usable = False  # a fresh quote was shown last time
        self._remirror = False  # after an order, hand-set action and quantity follow again
        self._tasks: set[asyncio.Task] = set()
        self._position_task: asyncio.Task | None = None
        self._reverse_task: asyncio.Task | None = None
        self._build_ui()
        self._connect_signals()
        self._apply_preferences()
        if backend is not None:
            self._show_backend()
        else:
            self._show_starting()

    # --- building -------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.setObjectName("mainWindow")
        self.band = QLabel()
        self.band.setObjectName("modeBand")
        self.band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lights = StatusLights()
        self.quote_line = QuoteLine()
        self.strip = PositionStrip()
        self.form = OrderForm()
        self.preview = QLabel("")
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)  # a long preview wraps; it never widens the window
        self.reverse_button = QPushButton("REVERSE")
        self.reverse_button.setObjectName("reverseButton")
        self.reverse_button.setMinimumHeight(64)
        self.reverse_button.setAccessibleName("Reverse position")
        self.reason = QLabel("")
        self.reason.setObjectName("reverseReason")
        self.reason.setWordWrap(True)
        self.arm_button = QPushButton("")
        self.arm_button.setObjectName("armButton")
        self.arm_button.setCheckable(True)
        self.log_pane = LogPane(self.log_model)
        self.compact = CompactWindow()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.quote_line, self.strip, self.form, self.preview,
                       self.reverse_button, self.reason, self.arm_button):
            top_layout.addWidget(widget)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.log_pane)
        self.splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.band)
        layout.addWidget(self.lights)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_menus()
        # The panel's own hotkey, in the full window and in compact mode.
        self.hotkeys = [QShortcut(QKeySequence(self.preferences.get("hotkey")), window)
                        for window in (self, self.compact)]
        for hotkey in self.hotkeys:
            hotkey.setAutoRepeat(False)  # a held key is one press
            hotkey.setContext(Qt.ShortcutContext.WindowShortcut)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.market_timer = QTimer(self)
        self.market_timer.setInterval(MARKET_TICK_MS)
        self.rearm_timer = QTimer(self)  # when the ticket's state changes by itself
        self.rearm_timer.setSingleShot(True)
        self.rearm_timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse ones fire early

    def _build_menus(self) -> None:
        connection = self.menuBar().addMenu("&Connection")
        self.go_live_action = connection.addAction("Go &live…")
        self.go_demo_action = connection.addAction("Use &demo")
        self.refresh_action = connection.addAction("&Refresh accounts")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reconnect_action = connection.addAction("Reconnect &WebSocket")
        connection.addSeparator()
        self.quit_action = connection.addAction("&Quit")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        settings = self.menuBar().addMenu("&Settings")
        self.token_action = settings.addAction("API &token…")
        self.settings_action = settings.addAction("&Preferences…")
        self.always_on_top_action = QAction("Always on &top", self, checkable=True)
        settings.addAction(self.always_on_top_action)
        view = self.menuBar().addMenu("&View")
        self.compact_action = view.addAction("&Compact mode")
        self.compact_action.setCheckable(True)
        self.compact_action.setShortcut(QKeySequence(COMPACT_SHORTCUT))
        self.arm_action = view.addAction("&Arm global hotkey")
        self.arm_action.setCheckable(True)
        self.arm_action.setShortcut(QKeySequence(DEFAULT_ARM_SHORTCUT))
        for action in (self.compact_action, self.arm_action, self.quit_action):
            self.compact.addAction(action)  # their shortcuts work in compact mode too

    def _connect_signals(self) -> None:
        self.reverse_button.clicked.connect(self.request_reverse)
        self.compact.reverse_button.clicked.connect(self.request_reverse)
        for hotkey in self.hotkeys:
            hotkey.activated.connect(self.request_reverse)
        self.arm_action.toggled.connect(self._on_arm_toggled)
        self.arm_button.clicked.connect(self.arm_action.trigger)
        self.compact_action.toggled.connect(self._on_compact_toggled)
        self.compact.sig_closed.connect(lambda: self.compact_action.setChecked(False))
        self.form.sig_changed.connect(self._update_reverse)
        self.form.sig_account_changed.connect(self._on_form_account_changed)
        self.form.sig_instrument_changed.connect(self._on_form_instrument_changed)
        self.form.sig_refresh_accounts.connect(self.refresh_accounts)
        self.form.mirror.toggled.connect(lambda on: self.preferences.set("mirror", on))
        self.refresh_action.triggered.connect(self.refresh_accounts)
        self.reconnect_action.triggered.connect(self._on_reconnect_websocket)
        self.go_live_action.triggered.connect(self._on_go_live)
        self.go_demo_action.triggered.connect(self._on_go_demo)
        self.quit_action.triggered.connect(self.close)
        self.token_action.triggered.connect(self.open_token_dialog)
        self.settings_action.triggered.connect(self.open_settings)
        self.always_on_top_action.toggled.connect(self._on_always_on_top_toggled)
        self.poll_timer.timeout.connect(self._on_poll_timer)
        self.clock.timeout.connect(self._on_clock)
        self.market_timer.timeout.connect(self._on_market_timer)
        self.form.sig_type_picked.connect(self._prefill_prices)
        self.form.sig_price_snapped.connect(lambda text: self._log(Level.INFO, text))
        self.rearm_timer.timeout.connect(self._update_reverse)
        self.log_pane.sig_notice.connect(lambda text: self.statusBar().showMessage(text, 4000))

    def _apply_preferences(self) -> None:
        # Read once here, not from the settings file on every click or quote.
        self._confirm_distance_ticks = self.preferences.get("confirm_distance_ticks")
        self.form.set_max_quantity(self.preferences.get("max_quantity"))
        self.form.mirror.setChecked(self.preferences.get("mirror"))
        self.form.set_strategies(self.preferences.get("recent_strategies"))
        self.form.set_instrument_choices([], self.preferences.get("recent_instruments"))
        if self.preferences.get("last_instrument"):
            self.form.instrument.setEditText(self.preferences.get("last_instrument"))
        for hotkey in self.hotkeys:
            hotkey.setKey(QKeySequence(usable_hotkey(self.preferences.get("hotkey"))))
        chord = usable_global_hotkey(self.preferences.get("global_hotkey"))
        if self.hotkey_arm.armed and chord != self.global_chord:
            self._disarm_hotkey("Global hotkey disarmed: its combination changed. Arm it "
                                "again to use the new one.")
        self.global_chord = chord
        self._sounds_on = {event for event in SoundEvent if self.preferences.get(event.preference)}
        self.ticket.rearm_delay = clamp_rearm_delay(self.preferences.get("rearm_delay"))
        self.reverse_button.setToolTip(f"Reverse ({self.preferences.get('hotkey')})")
        self.always_on_top_action.setChecked(self.preferences.get("always_on_top"))
        geometry = self.window_state.load("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(560, 820)
        keep_on_screen(self)
        splitter = self.window_state.load("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    # --- lifecycle ------------------------------------------------------------------------

    def attach(self, backend: Backend) -> None:
        """Give the window its backend and begin work."""
        self.session.attach(backend)
        self._show_backend()
        self.start()

    def start(self) -> None:
        """Begin work once the window is shown: the account list and the remembered position
        side by side (then the orders connection and the WebSocket), the journal's last
        lines, the timers."""
        self._spawn(self._show_journal_history())
        self.refresh_accounts(warm_up=True)
        self._read_remembered_position()
        if self.global_hotkey is None:
            self.global_hotkey = platform_hotkey(self)
        self.global_hotkey.sig_pressed.connect(self._on_global_hotkey)
        self._show_hotkey()
        self.poll_timer.start()
        self.clock.start()
        self.market_timer.start()

    async def shutdown(self) -> None:
        """Stop timers and tasks, close the backend. Called by the composition root.

        An order in flight is not cut off: its answer (or its timeout) is awaited first, so
        it is reported and journaled even when the window is closed right after the click.
        """
        import asyncio

        self.poll_timer.stop()
        self.clock.stop()
        self.market_timer.stop()
        self._disarm_hotkey("Global hotkey off: the panel is closing.")
        if self.global_hotkey is not None:
            self.global_hotkey.close()
        if self._reverse_task is not None and not self._reverse_task.done():
            limit = self.backend.client.timeout + READ_TIMEOUT_MARGIN
            await asyncio.wait({self._reverse_task}, timeout=limit)
        tasks = [task for task in self._tasks
                 if not task.done() and task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.session.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.shutdown_done:
            event.ignore()  # the main coroutine closes the connections, then really closes
            self.window_state.save("geometry", self.saveGeometry())
            self.window_state.save("splitter", self.splitter.saveState())
            if self.compact.isVisible():
                self.window_state.save("compact_geometry", self.compact.saveGeometry())
            self.sig_closed.emit()
            return
        self.compact.hide()
        super().closeEvent(event)

    @property
    def backend(self) -> Backend | None:
        return self.session.backend

    def _spawn(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None, *,
               backend_scoped: bool = False) -> asyncio.Task:
        """A task of the window; ``backend_scoped`` ones work for the current backend (the
        session cancels them when it is replaced)."""
        import asyncio

        if backend_scoped:
            return self.session.spawn(coroutine, name)
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- mode and backend -----------------------------------------------------------------

    def _show_starting(self) -> None:
        self._set_band("Starting…", "starting")
        for action in self._actions_needing_a_backend():
            action.setEnabled(False)
        self.setWindowTitle("ctpanel — starting")
        self._update_reverse()

    def _set_band(self, text: str, mode: str) -> None:
        self.band.setText(text)
        self.band.setProperty("mode", mode)
        restyle(self.band)  # the style sheet's [mode=...] and [armed=...] rules

    def _actions_needing_a_backend(self) -> tuple[QAction, ...]:
        return (self.go_live_action, self.go_demo_action, self.refresh_action,
                self.reconnect_action, self.token_action, self.settings_action)

    def _show_backend(self) -> None:
        """A new backend: nothing of the last one's is shown, every light is unknown until
        this one answers."""
        mode = self.backend.mode
        self._set_band(MODE_BANDS[mode], mode.value)
        for action in self._actions_needing_a_backend():
            action.setEnabled(True)
        self.go_live_action.setEnabled(mode is Mode.DEMO)
        self.go_demo_action.setEnabled(mode is Mode.LIVE)
        self.status.reset(live=mode is Mode.LIVE)
        self.lights.show(self.status)
        self.lights.budget.setText("Budget –")
        generation = self.session.generation
        self.backend.stream.add_state_listener(
            lambda state, reason: self._on_stream_state(generation, state, reason))
        self.backend.stream.add_event_listener(
            lambda message: self._on_stream_event(generation, message))
        self.market.reset(account=self.form.account_name())
        self._scope_changed("mode")
        self._sync_scope()

    def _update_title(self) -> None:
        account = self.form.account_name() or "no account"
        armed = "HOTKEY ARMED — " if self.hotkey_arm.armed else ""
        title = f"{armed}ctpanel — {self.backend.mode.value.upper()} — {account}"
        self.setWindowTitle(title)
        self.compact.setWindowTitle(title)

    async def switch_backend(self, mode: Mode, token: Secret | None) -> None:
        if self.ticket.phase is not Phase.IDLE:
            self._log(Level.WARNING, "An order is in flight; switch once its answer is back.")
            return
        try:
            new = await self.backend_factory(mode, token)
        except CtError as error:  # e.g. a base URL refused as unsafe: stay where we are
            self._log(Level.ERROR, f"Could not switch to {mode.value}: {error}")
            return
        old = self.session.attach(new)  # cancels what read through the old one
        self._show_backend()
        self.sig_backend_changed.emit(self.backend)
        self._log(Level.INFO, MODE_BANDS[mode])
        await old.aclose()
        self.refresh_accounts(warm_up=True)

    def _on_go_live(self) -> None:
        self._spawn(self._go_live(), name="go-live")

    def _on_go_demo(self) -> None:
        self._spawn(self.switch_backend(Mode.DEMO, None), name="go-demo")

    async def _go_live(self) -> None:
        token = self.session_token
        if token is None:
            try:
                token = (await resolve_token_async(self.token_store)).token
            except TokenStoreError as error:
                self._log(Level.WARNING, str(error))
        if token is None:
            self._log(Level.WARNING, "Going live needs an API token: save one, then choose "
                                     "Go live again.")
            self.open_token_dialog()
            return
        question = ("Switch to LIVE trading? Orders will go to NinjaTrader through CrossTrade "
                    f"({self.live_base_url}).")
        if await self.confirm.ask(self, "Go live", question):
            await self.switch_backend(Mode.LIVE, token)

    # --- accounts and positions -----------------------------------------------------------

    def refresh_accounts(self, *, warm_up: bool = False) -> None:
        if self.backend is not None:
            self._spawn(self._load_accounts(warm_up), name="accounts", backend_scoped=True)

    async def _load_accounts(self, warm_up: bool = False) -> None:
        client = self.backend.client
        try:
            accounts = await client.list_accounts()
        except CtError as error:
            accounts = None
            self._report_failure("Could not load the accounts", error)
        if warm_up:
            # The orders connection and the WebSocket open after the first answer, not beside
            # it: on a small machine their TLS work delayed the account list and the position
            # (0.3 round trip). A click in the next few round trips opens its own. After a
            # failure, the poll re-tries the orders connection (keep_warm) instead.
            if accounts is not None:
                self._spawn(self._open_orders_connection(), name="orders-lane",
                            backend_scoped=True)
            self._start_stream()
        if accounts is None:
            return
        self._mark_connected()
        if not accounts:
            self._log(Level.WARNING, "CrossTrade listed no accounts: NinjaTrader seems closed, "
                                     "or has no account connected.")
        self.form.set_accounts(accounts, self.preferences.get("last_account"))
        self.sig_accounts_loaded.emit(accounts)

    async def _open_orders_connection(self) -> None:
        try:
            await self.backend.client.keep_warm(force=True)
        except CtError as error:  # the next click opens it, the next poll tries again
            log.info("The orders connection could not be opened ahead: %s", error)

    def _read_remembered_position(self) -> None:
        """The last account and instrument, read at the same time as the account list: the
        position is on screen one round trip after the connections are up."""
        account, instrument = self.preferences.get("last_account"), self.form.instrument_name()
        if self.backend is not None and account and instrument:
            scope = Scope(self.session.generation, account, instrument)
            self._spawn(self.watcher.read_early(scope), name="position-early",
                        backend_scoped=True)

    def _on_form_account_changed(self, account: str) -> None:
        if account:
            self.preferences.set("last_account", account)
        self._scope_changed("account")
        self._load_view(account_changed=True)

    def _on_form_instrument_changed(self, instrument: str) -> None:
        if instrument:
            self.preferences.set("last_instrument", instrument)
        self._load_view(account_changed=False)

    def _scope(self) -> Scope | None:
        if self.backend is None:
            return None
        return Scope(self.session.generation, self.form.account_name(),
                     self.form.instrument_name())

    def _sync_scope(self) -> None:
        """Nothing survives a change of backend, account or instrument: the position and the
        prices typed for the old one are cleared."""
        if self.ticket.select(self._scope()):
            self.form.clear_prices()
            self._show_position(None)
            self.market.select_account(self.form.account_name())
            self.market.select(self.form.instrument_name())
            self._show_market()
        self._update_reverse()

    def shown_position(self) -> Position | None:
        """The position on screen: read for the selected scope (None when unknown)."""
        return self.ticket.reading.position if self.ticket.reading else None

    def _load_view(self, *, account_changed: bool) -> None:
        """Re-read what the panel shows; a newer request supersedes an older one."""
        if self._position_task is not None and not self._position_task.done():
            self._position_task.cancel()
        self._sync_scope()
        self._position_task = self._spawn(self._read_view(account_changed), name="position",
                                          backend_scoped=True)

    async def _read_view(self, account_changed: bool) -> None:
        account = self.form.account_name()
        if not account:
            return
        if not account_changed:
            await self._read_position()
            return
        import asyncio

        # The selected instrument's position, side by side with the account's list of them.
        reading = asyncio.ensure_future(self._read_position())
        try:
            positions = await self.backend.client.list_positions(account)
        except CtError as error:
            self._report_failure("Could not list the positions", error)
            await reading
            return
        except asyncio.CancelledError:
            reading.cancel()
            raise
        open_here = [p.instrument for p in positions if not p.is_flat]
        self.form.set_instrument_choices(open_here, self.preferences.get("recent_instruments"),
                                         prefer_open=True)
        scope = self.ticket.scope
        self._sync_scope()  # the instrument may have moved to one with a position
        if self.ticket.scope != scope:
            reading.cancel()
            await self._read_position()
        else:
            await reading

    async def _read_position(self) -> None:
        await self.watcher.read()

    def _on_read_failed(self, error: CtError, problem: str) -> None:
        self.strip.mark_stale(type(error).__name__)
        self._report_failure("Could not read the position", error, problem)
        self._update_reverse()

    def _on_position_shown(self) -> None:
        """The watcher kept a figure (or there is nothing to read): show what is known."""
        if self.ticket.reading is not None:
            self._mark_connected()
        position = self.shown_position()
        self._show_position(position)
        self._show_pnl()
        self.form.follow(position, force=self._remirror)
        self._remirror = self._remirror and position is None
        self._update_reverse()
        self.sig_position_updated.emit(position)

    def _show_position(self, position: Position | None) -> None:
        self.strip.show_position(position)
        self.compact.show_position(position)

    def _on_poll_timer(self) -> None:
        reading = self._position_task is not None and not self._position_task.done()
        if not reading and self.watcher.may_poll():
            self._position_task = self._spawn(self._poll(), name="position",
                                              backend_scoped=True)

    async def _poll(self) -> None:
        await self.watcher.poll()

    def _on_clock(self) -> None:
        self._observe_ticket(self.reverse_button.isEnabled(), self.reason.text())
        self.strip.tick(stale=self.ticket.freshness_of_reading() is Freshness.STALE)
        self._show_market()  # the quote's age, and stale once it is
        if self.backend is not None:
            budget = self.backend.client.budget
            self.lights.show_budget(budget.level, budget.burst)

    # --- the Reverse button ---------------------------------------------------------------

    def _form_state(self) -> FormState:
        """The form as the trader set it, with the market when a fresh quote is known."""
        return replace(self.form.state(None), quote=self.market.view().usable,
                       confirm_distance_ticks=self._confirm_distance_ticks)

    def _update_reverse(self) -> None:
        """Show what the ticket says: armed or not, why, the button's label, the preview."""
        busy = self.ticket.busy()
        if busy is not None:  # on the click path: the button and its reason only
            self._show_arming(busy)
            return
        form = self._form_state()
        arming = self.ticket.arming(form)
        # One message per problem: the first is the reason under the button, any others
        # stand by the fields.
        others = [p.message for p in form.check().problems if p.message != arming.reason]
        others += [warning for warning in form.warnings() if warning != arming.reason]
        self.form.show_problem(" ".join(others) or None)
        self._show_arming(arming)
        self.preview.setText(arming.preview)
        next_change = self.ticket.next_change_at()
        if next_change is not None:
            wait_ms = max(0, int((next_change - self.ticket.clock()) * 1000) + 1)
            self.rearm_timer.start(wait_ms)

    def _show_arming(self, arming: Arming) -> None:
        self.reverse_button.setEnabled(arming.armed)
        self.reverse_button.setText(arming.label)
        self.reason.setText(arming.reason)
        self.compact.show_arming(arming)
        self._observe_ticket(arming.armed, arming.reason)

    def request_reverse(self) -> None:
        """Button click or hotkey: the ticket decides, synchronously, whether this press
        sends; a double click, a held key or a press too soon after an order does not."""
        if self.backend is None:
            return
        press = self.ticket.press(self._form_state(), confirm=self._needs_confirmation())
        if press.order is None:
            if press.say_it:
                self._log(Level.WARNING, press.ignored)
            self._update_reverse()
            return
        if self._position_task is not None and not self._position_task.done():
            self._position_task.cancel()  # its answer could predate the order
        self._update_reverse()
        self._reverse_task = self._spawn(self._reverse(press), name="reverse")

    def _needs_confirmation(self) -> bool:
        mode = self.preferences.get("confirm")
        return mode == "always" or (mode == "live" and self.backend.mode is Mode.LIVE)

    def _transport(self) -> Transport:
        return Transport(self.preferences.get("transport"))

    async def _reverse(self, press: Press) -> None:
        import asyncio

        if self.ticket.phase is Phase.CONFIRMING:
            yes = await self.confirm.ask(self, "Confirm reverse",
                                         self._confirmation_text(press))
            press = self.ticket.confirmed(self._form_state(), yes)
            if press.order is None:
                self._log(Level.INFO if not yes else Level.WARNING, press.ignored)
                self._update_reverse()
                return
            self._update_reverse()
        order = press.order
        at_click = self.market.view().usable
        # After this task first yields, i.e. once the request is on its way: a player's start
        # (a child process off Windows) never delays the order.
        asyncio.get_running_loop().call_soon(self.sounds.event, SoundEvent.SENT)
        self._remirror = True  # the first figure after the order sets action and size again
        looking = self._spawn(self._look_while_waiting(order), name="look-while-waiting")
        try:
            outcome = await self.orders.send(order, press.before, transport=self._transport(),
                                             on_accepted=self._on_order_accepted)
        finally:
            looking.cancel()
        if isinstance(outcome, ReverseReport):
            self._on_reverse_confirmed(outcome)
            self._spawn(self._follow_fill(outcome, at_click), name="follow-fill",
                        backend_scoped=True)
        elif isinstance(outcome, UncertainOutcome):
            self.sounds.event(SoundEvent.UNKNOWN)
            self._log(Level.WARNING, str(outcome))
        else:
            self.sounds.event(SoundEvent.REJECTED)
            self._report_failure("Reverse failed", outcome)
        self._update_reverse()
        self.sig_order_finished.emit(outcome)

    async def _look_while_waiting(self, order: ReverseOrder) -> None:
        """Never blind: no answer after a few seconds, so read the position (on the reads
        connection) and say what it shows. The order is never re-sent."""
        import asyncio

        await asyncio.sleep(WAIT_BEFORE_LOOKING_S)
        position = await self.watcher.peek(order.account, order.instrument)
        if isinstance(position, CtError):
            self._log(Level.WARNING, f"Still no answer; the position could not be read "
                                     f"either: {position}")
            return
        self._show_position(position)
        self.strip.show_note("read while waiting for the answer")
        self._log(Level.INFO, f"Still waiting for CrossTrade's answer; the position now reads "
                              f"{position.describe()} (read while waiting for the answer).")

    def _confirmation_text(self, press: Press) -> str:
        far = f"\n\nFar from the market: {press.far}" if press.far else ""
        return (f"{self.backend.mode.value.upper()} account {press.order.account}\n\n"
                f"{press.order.describe()}\n{press.preview}{far}\n\nSend this order?")

    def _on_order_accepted(self, order: ReverseOrder, result: OrderResult) -> None:
        """The order id, shown the moment CrossTrade answers (the position re-read follows)."""
        self._log(Level.SUCCESS, f"Order {result.order_id}: {order.describe()} on "
                                 f"{order.account} ({result.round_trip_ms:.0f} ms)",
                  order_id=result.order_id)
        self.sig_order_accepted.emit(result)
        if result.warning:
            self._log(Level.WARNING, f"CrossTrade warning: {result.warning}")

    def _on_reverse_confirmed(self, report: ReverseReport) -> None:
        self._mark_connected()
        self._log(Level.INFO, f"Position {report.order.instrument} on {report.order.account}: "
                              f"{report.position_words()}")
        self.preferences.remember("recent_instruments", report.order.instrument)
        if report.order.strategy:
            self.form.set_strategies(
                self.preferences.remember("recent_strategies", report.order.strategy))

    async def _follow_fill(self, report: ReverseReport, at_click) -> None:
        """The new order's fill (or why it has none), after the id is shown; journaled."""
        follower = FillFollower(self.backend.client)
        fill = await follower.follow(report.order, report.result.order_id,
                                     last_at_click=at_click.last if at_click else None,
                                     tick=at_click.tick_size if at_click else None)
        rejected = fill.state.lower() == "rejected"
        level = Level.SUCCESS if fill.state == "Filled" else (
            Level.ERROR if rejected else Level.INFO)
        if fill.state == "Filled" or rejected:
            self.sounds.event(SoundEvent.FILLED if not rejected else SoundEvent.REJECTED)
        self._log(level, f"Order {fill.order_id}: {fill.line}", order_id=fill.order_id)
        record = {**fill.record(), "mode": self.backend.mode.value,
                  "account": report.order.account, "instrument": report.order.instrument}
        try:
            await self.journal.append_async(record)
        except OSError as failure:
            log.error("Could not journal the fill: %s", failure)

    # --- the market -----------------------------------------------------------------------

    def _on_stream_event(self, generation: int, message: dict) -> None:
        if generation == self.session.generation:
            self.market.on_event(message)

    def _on_market_timer(self) -> None:
        if self.backend is not None and (self._market_task is None or self._market_task.done()):
            self._market_task = self._spawn(self.market.tick(), name="market",
                                            backend_scoped=True)

    def _on_market_changed(self) -> None:
        self._show_market()
        if self.ticket.busy() is None:
            self._update_reverse()

    def _show_market(self) -> None:
        view = self.market.view()
        self.quote_line.show_view(view)
        self.compact.show_market(view)
        if view.usable is not None:
            self.form.set_tick(view.usable.tick_size)
        self._show_pnl()
        usable = view.usable is not None
        if usable != self._market_usable:  # e.g. gone stale on the clock, with no new quote
            self._market_usable = usable
            if self.ticket.busy() is None:
                self._update_reverse()  # the preview's reference price and the price checks

    def _show_pnl(self) -> None:
        account = self.market.account_pnl()
        words = pnl_words(position_pnl(self.shown_position(), self.market.view().usable))
        if account is not None and account.unrealized is not None:
            words += f"   account {account.unrealized + 0.0:+,.2f}"
        self.strip.show_pnl(words)
        self.compact.show_pnl(words)

    def _prefill_prices(self) -> None:
        """A newly picked limit or stop type: prices from the market, when it is known."""
        form = self._form_state().effective()
        limit, stop = prefilled_prices(
            form.action, form.order_type, self.market.view().usable,
            stop_offset_ticks=self.preferences.get("stop_offset_ticks"))
        self.form.prefill(limit, stop)

    # --- the global hotkey and compact mode ------------------------------------------------

    def _on_arm_toggled(self, on: bool) -> None:
        if on == self.hotkey_arm.armed:
            return
        if not on:
            self._disarm_hotkey()
            self._log(Level.INFO, self.hotkey_arm.note)
            return
        if self.backend is None or self.global_hotkey is None:
            problem = "The panel is still starting; arm the global hotkey once it is up."
        else:
            problem = self.global_hotkey.register(self.global_chord)
        if self.hotkey_arm.arm(problem):
            self._log(Level.WARNING, f"Global hotkey {self.global_chord.text()} ARMED: it "
                                     "reverses from any program. "
                                     f"{DEFAULT_ARM_SHORTCUT} here disarms it.")
        else:
            self._log(Level.WARNING, self.hotkey_arm.note)
        self._show_hotkey()

    def _disarm_hotkey(self, reason: str = "Global hotkey off.") -> None:
        self.hotkey_arm.disarm(reason)
        self._show_hotkey()

    def _scope_changed(self, what: str) -> None:
        """A new mode or account: an armed global hotkey was armed for the old one."""
        if self.hotkey_arm.armed:
            self.hotkey_arm.scope_changed(what)
            self._log(Level.WARNING, self.hotkey_arm.note)
        self._show_hotkey()

    def _observe_ticket(self, can_send: bool, reason: str) -> None:
        if self.hotkey_arm.observe(can_send, reason):
            self._log(Level.WARNING, self.hotkey_arm.note)
            self._show_hotkey()

    def _show_hotkey(self) -> None:
        """Armed or not, everywhere it shows: the band, the title, the icons, the toggle."""
        armed = self.hotkey_arm.armed
        if not armed and self.global_hotkey is not None:
            self.global_hotkey.unregister()  # disarmed: the combination is given back
        self.arm_action.blockSignals(True)
        self.arm_action.setChecked(armed)
        self.arm_action.blockSignals(False)
        chord = self.global_chord.text()
        self.arm_button.setChecked(armed)
        self.arm_button.setText(f"GLOBAL HOTKEY {chord} ARMED — click or {DEFAULT_ARM_SHORTCUT} "
                                "to disarm" if armed else
                                f"Global hotkey {chord}: off — click or {DEFAULT_ARM_SHORTCUT} "
                                "to arm")
        self.arm_button.setToolTip(self.hotkey_arm.note)
        self.band.setProperty("armed", armed)
        if self.backend is not None:
            band = MODE_BANDS[self.backend.mode]
            self._set_band(f"HOTKEY ARMED ({chord})  ·  {band}" if armed else band,
                           self.backend.mode.value)
            self._update_title()
        self.compact.show_hotkey(armed, chord)
        if armed != self._icon_armed:  # the app's icon is already set at start: only changes
            self._icon_armed = armed
            icon = armed_icon() if armed else app_icon()
            self.setWindowIcon(icon)
            self.compact.setWindowIcon(icon)

    def _on_global_hotkey(self) -> None:
        """A press of the system-wide combination, whatever program has focus."""
        if not self.hotkey_arm.press():
            return  # grabbed only while armed: a press racing the disarm
        self.request_reverse()

    def _on_compact_toggled(self, on: bool) -> None:
        """Compact mode in place of the full panel, and back; each keeps its own geometry."""
        if on:
            geometry = self.window_state.load("compact_geometry")
            if geometry is None or not self.compact.restoreGeometry(geometry):
                self.compact.move(self.frameGeometry().topLeft())
            self.compact.show()
            keep_on_screen(self.compact)
            self.hide()
            return
        if self.compact.isVisible():
            self.window_state.save("compact_geometry", self.compact.saveGeometry())
        self.show()
        keep_on_screen(self)
        self.compact.hide()

    def _say_whether_ninjatrader_runs(self) -> None:
        now = self.ticket.clock()
        checked = self._ninjatrader_checked_at
        if checked is None or now - checked >= NINJATRADER_CHECK_EVERY_S:
            self._ninjatrader_checked_at = now
            self._spawn(self._log_ninjatrader_advice(), name="ninjatrader-process")

    async def _log_ninjatrader_advice(self) -> None:
        self._log(Level.WARNING, await not_connected_advice_now())

    # --- reporting ------------------------------------------------------------------------

    def _log(self, level: Level, text: str, *, order_id: str | None = None) -> None:
        self.log_model.append(LogEntry(datetime.now(), level, text, order_id))
        self.statusBar().showMessage(text, 8000)
        if level is not Level.INFO:
            self.compact.show_result(text)  # the last result, warning or failure

    def log_startup_problem(self, message: str) -> None:
        self._log(Level.ERROR, message)

    def log_unexpected(self, summary: str) -> None:
        """A bug's one-line summary (already scrubbed) in the log pane."""
        self._log(Level.ERROR, f"Unexpected error: {summary}")

    def _report_failure(self, what: str, error: CtError, plain: str | None = None) -> None:
        self._log(Level.ERROR, plain or f"{what}: {error}")
        self.status.failed(error)
        self.lights.show(self.status)
        if isinstance(error, RateLimitedError):
            self.lights.budget.setText("Budget 0 — rate limited")
        if isinstance(error, NotConnectedError):
            self._say_whether_ninjatrader_runs()

    def _mark_connected(self) -> None:
        self.status.answered(live=self.backend.mode is Mode.LIVE)
        self.lights.show(self.status)

    def _on_stream_state(self, generation: int, state: str, reason: str) -> None:
        if generation != self.session.generation:
            return  # the replaced backend's stream closing: nothing to do with this one
        self.status.stream(state, reason)
        self.lights.show(self.status)
        if state == "stopped":
            self._log(Level.ERROR, f"WebSocket stopped: {reason}")

    async def _show_journal_history(self) -> None:
        """The journal's last records of this mode, dimmed, each at its own time."""
        records = await self.journal.read_last_async(JOURNAL_LINES_SHOWN)
        for line in history_lines(records, self.backend.mode.value):
            self.log_model.append(LogEntry(line.time, Level.HISTORY, line.text, line.order_id))

    # --- dialogs and preferences ----------------------------------------------------------

    def open_token_dialog(self) -> TokenDialog:
        from ctpanel.qt.widgets.token_dialog import TokenDialog  # it needs qasync: load late

        dialog = TokenDialog(self.token_store, self.token_tester, self)
        dialog.sig_token_changed.connect(lambda token: self._on_token_changed(dialog, token))
        dialog.open()
        return dialog

    def _on_token_changed(self, dialog: TokenDialog, token: Secret | None) -> None:
        session = dialog.session_store
        self.session_token = session.get() if session is not None else None
        if token is None and self.backend is not None and self.backend.mode is Mode.LIVE:
            self._log(Level.WARNING, "The token was cleared; switching to demo mode.")
            self._spawn(self.switch_backend(Mode.DEMO, None))
        elif token is not None:
            self._log(Level.INFO, "Token saved. Choose Connection → Go live to use it.")

    def open_settings(self) -> SettingsDialog:
        from ctpanel.qt.widgets.settings_dialog import SettingsDialog  # not needed at start-up

        dialog = SettingsDialog(self.preferences, self)
        dialog.accepted.connect(self._on_settings_accepted)
        dialog.open()
        return dialog

    def _on_settings_accepted(self) -> None:
        self._apply_preferences()
        self._update_reverse()

    def _on_reconnect_websocket(self) -> None:
        """The explicit restart after CrossTrade stopped the WebSocket (session elsewhere)."""
        if self.backend is not None:
            self._log(Level.INFO, "Reconnecting the WebSocket…")
            self.backend.stream.start()

    def _start_stream(self) -> None:
        """The WebSocket carries live prices and P&L (and orders, when chosen for them)."""
        if self.backend is not None:
            self.backend.stream.start()
            self._spawn(self.market.start_pnl(), name="stream-pnl", backend_scoped=True)

    def _on_always_on_top_toggled(self, on: bool) -> None:
        self.preferences.set("always_on_top", on)
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if visible:
            self.show()  # changing a window flag hides the window
