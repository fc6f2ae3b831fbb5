"""The Reverse panel's main window: layout, menus, window state, and opening the two dialogs.

Everything it shows comes from the Qt-free :class:`~ctpanel.panel.panel.Panel` through the
widgets that bind to it (:mod:`ctpanel.qt.widgets`); everything the trader does goes to the
panel's inputs. The window holds no rule and no state of the panel's.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QWidget

from ctpanel.panel.notices import Level
from ctpanel.panel.views import HotkeyView, ModeView
from ctpanel.qt.icons import app_icon, armed_icon
from ctpanel.qt.screen import keep_on_screen, restore_place, saved_place
from ctpanel.qt.settings import WindowState
from ctpanel.qt.ticks import PanelTicks
from ctpanel.qt.widgets.compact import CompactWindow
from ctpanel.qt.widgets.log_pane import LogPane, NoticeBar
from ctpanel.qt.widgets.lower_part import LowerPart
from ctpanel.qt.widgets.panel_body import PanelBody

if TYPE_CHECKING:
    from ctpanel.panel.options import Options
    from ctpanel.panel.panel import Panel
    from ctpanel.qt.widgets.settings_dialog import SettingsDialog
    from ctpanel.qt.widgets.token_dialog import TokenDialog, TokenTester

COMPACT_SHORTCUT = "Ctrl+Shift+M"
DEFAULT_SIZE = (520, 700)  # fits 1366x768 and 1920x1080 at 150 %, less the task bar


class MainWindow(QMainWindow):
    sig_closed = Signal()  # the trader closed the window: the main coroutine shuts down

    def __init__(self, panel: Panel, *, window_state: WindowState, token_tester: TokenTester,
                 about: Callable[[], str] = lambda: "ctpanel") -> None:
        super().__init__()
        self.panel = panel
        self.about = about
        self.window_state = window_state
        self.token_tester = token_tester
        self.shutdown_done = False
        self._icon_armed = False  # the icon shown is the armed one
        self._build_ui()
        self._build_menus()
        self._connect()
        self._on_options(panel.options)
        self._on_mode(panel.mode_view())
        self._on_hotkey(panel.hotkey.view())
        self._restore_state()

    # --- building -------------------------------------------------------------------------

    def _build_ui(self) -> None:
        self.setObjectName("mainWindow")
        self.body = PanelBody(self.panel)
        self.log_pane = LogPane(self.panel.notices)
        self.compact = CompactWindow(self.panel)
        self.ticks = PanelTicks(self.panel, self)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.body)
        self.lower = LowerPart(self.panel, self.log_pane)
        self.group_results = self.lower.group_table
        self.splitter.addWidget(self.lower)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.setStatusBar(NoticeBar(self.panel.notices, self.log_pane, self))
        self._set_tab_order()
        # The panel's own hotkeys (Reverse, Buy, Sell, Close, Flatten the account), in the full
        # window and in compact mode; a held key is one press. Flatten every account has none,
        # on purpose.
        self.hotkeys = {action: [QShortcut(QKeySequence(), window)
                                 for window in (self, self.compact)]
                        for action in ("reverse", "buy", "sell", "close", "flatten")}
        for shortcuts in self.hotkeys.values():
            for hotkey in shortcuts:
                hotkey.setAutoRepeat(False)
                hotkey.setContext(Qt.ShortcutContext.WindowShortcut)

    def _set_tab_order(self) -> None:
        """Tab in reading order: the selection, the buttons' row left to right, the order
        controls, then the lower part (its tabs, then the page shown)."""
        form, exits, ticket = self.body.form, self.body.exits, self.body.ticket
        entries, protection = self.body.entries, self.body.protection
        chain = (form.account, form.refresh, form.instrument, ticket.reverse_button,
                 entries.buy_button, entries.sell_button,
                 exits.close_button, exits.flatten_button, exits.portion, exits.close_quantity,
                 exits.only_instrument, protection.stop_ticks, protection.target_ticks,
                 protection.plus_ticks, protection.protect_button, protection.breakeven_button,
                 ticket.arm_button, form.mirror, form.action,
                 form.quantity, form.details_header, form.order_type, form.time_in_force,
                 form.limit_price, form.stop_price, form.oco_id, form.strategy, self.lower)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

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
        self.groups_action = settings.addAction("&Groups…")
        self.risk_action = settings.addAction("&Risk rules…")
        self.always_on_top_action = QAction("&Always on top", self, checkable=True)
        settings.addAction(self.always_on_top_action)
        view = self.menuBar().addMenu("&View")
        self.compact_action = view.addAction("&Compact mode")
        self.compact_action.setCheckable(True)
        self.compact_action.setShortcut(QKeySequence(COMPACT_SHORTCUT))
        self.arm_action = view.addAction("&Arm global hotkey")
        self.arm_action.setCheckable(True)
        self.arm_action.setShortcut(QKeySequence(self.panel.hotkey.view().arm_shortcut))
        for action in (self.compact_action, self.arm_action, self.quit_action):
            self.compact.addAction(action)  # their shortcuts work in compact mode too
        orders = self.menuBar().addMenu("&Orders")
        # Never a shortcut: it always asks, after listing what it closes in every account.
        self.everything_action = orders.addAction("&Flatten every account…")
        # A group's choices, never taken for the trader: leave out the members the firm's
        # rules refuse, and bring a member that differs from the rest in line.
        self.leave_out_action = orders.addAction("&Leave out refused members")
        self.in_line_action = orders.addAction("&Bring a member in line…")
        self.about_action = self.menuBar().addMenu("&Help").addAction("&About ctpanel…")

    def _connect(self) -> None:
        panel = self.panel
        for action, shortcuts in self.hotkeys.items():
            for hotkey in shortcuts:
                hotkey.activated.connect(lambda action=action: panel.press(action))
        self.everything_action.triggered.connect(lambda: panel.flatten_everything())
        self.arm_action.triggered.connect(panel.set_armed)
        self.compact_action.toggled.connect(self._on_compact_toggled)
        self.compact.sig_closed.connect(lambda: self.compact_action.setChecked(False))
        self.refresh_action.triggered.connect(panel.refresh_accounts)
        self.reconnect_action.triggered.connect(panel.reconnect_stream)
        self.go_live_action.triggered.connect(panel.go_live)
        self.go_demo_action.triggered.connect(panel.go_demo)
        self.quit_action.triggered.connect(self.close)
        self.token_action.triggered.connect(self.open_token_dialog)
        self.settings_action.triggered.connect(self.open_settings)
        self.groups_action.triggered.connect(self.open_groups)
        self.risk_action.triggered.connect(self.open_risk)
        self.leave_out_action.triggered.connect(self.panel.leave_out_refused)
        self.in_line_action.triggered.connect(self._bring_in_line)
        self.about_action.triggered.connect(self.open_about)
        self.always_on_top_action.toggled.connect(self._on_always_on_top_toggled)
        # Opening or folding the order details gives the upper part the room it needs.
        self.body.form.details_header.toggled.connect(
            lambda _: QTimer.singleShot(0, self.fit_body))
        panel.events.mode.connect(self._on_mode)
        panel.events.hotkey.connect(self._on_hotkey)
        panel.events.options.connect(self._on_options)
        panel.events.token_needed.connect(self.open_token_dialog)
        panel.events.reconciled.connect(self.show_reconciled)

    def _restore_state(self) -> None:
        if not restore_place(self, self.window_state.load("place")):
            self.resize(*DEFAULT_SIZE)
        keep_on_screen(self)
        splitter = self.window_state.load("splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            QTimer.singleShot(0, self.fit_body)

    def fit_body(self) -> None:
        """The upper part as tall as it needs (the order details open or folded), the lower
        part the rest, never under its four lines."""
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        room = total - self.lower.minimumSizeHint().height()
        # The scroll area asks for more than its contents; ask for the contents.
        wanted = (self.body.sizeHint().height() - self.body.controls.sizeHint().height()
                  + self.body.form.controls.sizeHint().height() + 4)
        body = max(self.body.minimumSizeHint().height(), min(wanted, room))
        self.splitter.setSizes([body, total - body])

    # --- what the panel says --------------------------------------------------------------

    def _on_mode(self, view: ModeView) -> None:
        """The title, and the menus that need a backend (off while starting)."""
        self.setWindowTitle(view.title)
        self.compact.setWindowTitle(view.title)
        started = view.mode != "starting"
        for action in (self.go_live_action, self.go_demo_action, self.refresh_action,
                       self.reconnect_action, self.token_action, self.settings_action):
            action.setEnabled(started)
        if started:
            self.go_live_action.setEnabled(view.mode == "demo")
            self.go_demo_action.setEnabled(view.mode == "live")

    def _on_hotkey(self, view: HotkeyView) -> None:
        """Armed or not: the menu's tick, the icons (the band and title follow the mode)."""
        self.arm_action.blockSignals(True)
        self.arm_action.setChecked(view.armed)
        self.arm_action.blockSignals(False)
        if view.armed != self._icon_armed:  # the app's icon is already set at start
            self._icon_armed = view.armed
            icon = armed_icon() if view.armed else app_icon()
            self.setWindowIcon(icon)
            self.compact.setWindowIcon(icon)

    def _on_options(self, options: Options) -> None:
        keys = {"reverse": options.hotkey, "buy": options.buy_hotkey,
                "sell": options.sell_hotkey, "close": options.close_hotkey,
                "flatten": options.flatten_hotkey}
        for action, shortcuts in self.hotkeys.items():
            for hotkey in shortcuts:
                hotkey.setKey(QKeySequence(keys[action]))
        self.always_on_top_action.setChecked(options.always_on_top)

    # --- dialogs --------------------------------------------------------------------------

    def open_token_dialog(self) -> TokenDialog:
        from ctpanel.qt.widgets.token_dialog import TokenDialog  # it needs qasync: load late

        dialog = TokenDialog(self.panel.token_store, self.token_tester, self)
        dialog.sig_token_changed.connect(lambda token: self.panel.token_changed(
            token, dialog.session_store.get() if dialog.session_store is not None else None))
        dialog.open()
        return dialog

    def open_groups(self):
        from ctpanel.qt.widgets.groups_dialog import GroupsDialog  # not needed at start-up

        dialog = GroupsDialog(self.panel, self)
        dialog.open()
        return dialog

    def _bring_in_line(self) -> None:
        """The group table's selected member out of sync, else its first."""
        marked = self.lower.group_table.out_of_sync()
        if marked:
            self.panel.bring_in_line(marked[0])
        else:
            self.panel.notices.say(Level.INFO, "No member of the group is out of sync.")

    def open_risk(self):
        from ctpanel.qt.widgets.risk_dialog import RiskDialog  # not needed at start-up

        dialog = RiskDialog(self.panel, self)
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        from ctpanel.qt.widgets.settings_dialog import SettingsDialog  # not needed at start-up

        dialog = SettingsDialog(self.panel.preferences, self)
        dialog.accepted.connect(self.panel.apply)
        dialog.open()
        return dialog

    def show_reconciled(self, words: str) -> QMessageBox:
        """An order of the last session that CrossTrade had not answered, read back: said in
        a notice that stays until the trader dismisses it (the log has it too)."""
        box = QMessageBox(QMessageBox.Icon.Warning, "An order of the last session",
                          words, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("reconciledNotice")
        box.open()
        return box

    def open_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "About ctpanel", self.about(),
                          QMessageBox.StandardButton.Ok, self)
        box.open()
        return box

    # --- window state ---------------------------------------------------------------------

    def _on_compact_toggled(self, on: bool) -> None:
        """Compact mode in place of the full panel, and back; each keeps its own geometry."""
        if on:
            if not restore_place(self.compact, self.window_state.load("compact_geometry")):
                self.compact.move(self.frameGeometry().topLeft())
            self.compact.show()
            keep_on_screen(self.compact)
            self.hide()
            return
        if self.compact.isVisible():
            self.window_state.save("compact_geometry", saved_place(self.compact))
        self.show()
        keep_on_screen(self)
        self.compact.hide()

    def bring_to_front(self) -> None:
        """Another launch handed over to this panel: show it (or compact mode) in front."""
        shown = self.compact if self.compact.isVisible() else self
        if shown.isMinimized():
            shown.showNormal()
        shown.show()
        shown.raise_()
        shown.activateWindow()

    def _on_always_on_top_toggled(self, on: bool) -> None:
        self.panel.preferences.set("always_on_top", on)
        visible = self.isVisible()
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if visible:
            self.show()  # changing a window flag hides the window

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.shutdown_done:
            event.ignore()  # the main coroutine closes the connections, then really closes
            self.window_state.save("place", saved_place(self))
            self.window_state.save("splitter", self.splitter.saveState())
            if self.compact.isVisible():
                self.window_state.save("compact_geometry", saved_place(self.compact))
            self.sig_closed.emit()
            return
        self.compact.hide()
        super().closeEvent(event)
