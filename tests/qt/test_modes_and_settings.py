"""Switching demo -> live needs a token and an explicit, confirmed action; preferences apply."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QSpinBox, QWidget

from ctpanel.backend import Mode, open_demo, open_live
from ctpanel.core.domain.secret import Secret
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.journal import Journal
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.qt.settings import Preferences
from ctpanel.qt.widgets.settings_dialog import SettingsDialog
from ctpanel.qt.widgets.token_dialog import TokenDialog
from ctpanel.qt.window import build_panel
from ctpanel.sim import Simulator
from tests.qt.conftest import PanelWindow, make_window, run_async, wait_event

LIVE_TOKEN = "live-token-for-the-switch-test"


@pytest.fixture
def switchable(qtbot, qloop, tmp_path):
    """A demo panel whose "live" CrossTrade is a second simulator that wants LIVE_TOKEN."""
    live = run_async(qtbot, Simulator(token=LIVE_TOKEN).start())
    journal = Journal(tmp_path / "journal.jsonl")

    async def factory(mode, token):
        if mode is Mode.LIVE:
            return await open_live(token, journal, base_url=live.base_url, timeout=5)
        return await open_demo(journal, timeout=5)

    store = MemoryTokenStore()
    confirm = ScriptedConfirmer(True)
    backend = run_async(qtbot, factory(Mode.DEMO, None))
    panel = build_panel(preferences=Preferences(tmp_path / "s.ini"), journal=journal,
                        backend_factory=factory, token_store=store, confirmer=confirm,
                        backend=backend, live_base_url=live.base_url)
    window = make_window(qtbot, panel, tmp_path)
    window.show()
    with wait_event(qtbot, panel.events.accounts):
        panel.start()
    yield PanelWindow(window, confirm, qtbot), store, live
    run_async(qtbot, live.stop())


def test_going_live_without_a_token_opens_the_token_dialog(switchable):
    panel, _store, live = switchable
    panel.window.go_live_action.trigger()
    panel.qtbot.waitUntil(lambda: any(isinstance(child, TokenDialog) and child.isVisible()
                                      for child in panel.window.children()))
    assert panel.model.backend.mode is Mode.DEMO and panel.confirm.asked == []
    assert any("Going live needs an API token" in line for line in panel.log_lines())
    assert live.received == []


def test_going_live_with_a_token_asks_then_switches(switchable):
    panel, store, live = switchable
    store.set(Secret(LIVE_TOKEN))
    with wait_event(panel.qtbot, panel.model.events.backend_changed):
        panel.window.go_live_action.trigger()
    assert panel.confirm.asked and "Switch to LIVE trading" in panel.confirm.asked[0]
    assert panel.model.backend.mode is Mode.LIVE
    panel.qtbot.waitUntil(lambda: panel.window.windowTitle().startswith("ctpanel — LIVE"))
    assert panel.window.body.band.property("mode") == "live"
    panel.qtbot.waitUntil(lambda: any(r.api == "ListAccounts" for r in live.received))
    assert live.received[0].headers["Authorization"] == f"Bearer {LIVE_TOKEN}"
    # "Confirm: live accounts only": Sim101 is one of NinjaTrader's simulation accounts, so
    # live mode sends without a dialog, and the ticket says which kind the account is.
    panel.pick("Sim101", "ES 12-26", "Long 2")
    assert panel.window.body.ticket.account.text() == "Sim101: simulation account"
    with wait_event(panel.qtbot, panel.model.events.order_finished, timeout=10_000):
        panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert len(panel.confirm.asked) == 1, "only going live was asked"
    assert len(live.orders_received()) == 1
    live_backend = panel.model.backend
    with wait_event(panel.qtbot, panel.model.events.backend_changed):
        panel.window.go_demo_action.trigger()
    assert panel.model.backend.mode is Mode.DEMO
    # The live backend (its WebSocket included) is closed by the switch, before "live" stops.
    panel.qtbot.waitUntil(lambda: (live_backend.stream.state, live_backend.stream.reason)
                          == ("idle", "closed"))


def test_a_declined_switch_stays_in_demo(switchable):
    panel, store, live = switchable
    store.set(Secret(LIVE_TOKEN))
    panel.confirm.answer = False
    panel.window.go_live_action.trigger()
    panel.qtbot.waitUntil(lambda: bool(panel.confirm.asked))
    assert panel.model.backend.mode is Mode.DEMO and live.received == []


def test_preferences_apply_and_persist(panel, tmp_path):
    dialog = panel.window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.transport.setCurrentIndex(dialog.transport.findData("ws"))
    dialog.confirm.setCurrentIndex(dialog.confirm.findData("always"))
    dialog.hotkey.setKeySequence(QKeySequence("Ctrl+Alt+V"))
    dialog.max_quantity.setValue(5)
    dialog.accept()
    prefs = Preferences(tmp_path / "settings.ini")  # a fresh reader sees the saved file
    assert (prefs.get("transport"), prefs.get("confirm"), prefs.get("hotkey"),
            prefs.get("max_quantity")) == ("ws", "always", "Ctrl+Alt+V", 5)
    assert [h.key().toString() for h in panel.window.hotkeys["reverse"]] == ["Ctrl+Alt+V"] * 2
    assert panel.form.max_quantity == 5, "the form's check, not a clamp of the box"
    assert "token" not in (tmp_path / "settings.ini").read_text().lower()


def test_every_control_is_reachable_by_keyboard(panel):
    controls = [w for w in panel.window.findChildren(QWidget)
                if isinstance(w, QAbstractButton | QComboBox | QLineEdit | QSpinBox)
                and w.isVisibleTo(panel.window)]
    assert panel.button in controls
    unreachable = [w.objectName() or type(w).__name__ for w in controls
                   if not w.focusPolicy() & Qt.FocusPolicy.TabFocus
                   and not (isinstance(w, QLineEdit) and isinstance(w.parent(), QComboBox))]
    assert unreachable == []


def test_help_about_names_the_version_what_it_runs_on_and_where_its_files_are(panel):
    from ctpanel.config import data_dir
    from ctpanel.core.runtime.version import app_version
    from ctpanel.qt.window import about

    panel.window.about = about  # as the app builds it
    box = panel.window.open_about()
    text = box.text()
    assert text.startswith(f"ctpanel {app_version()}\n") and "Licence: MIT" in text
    assert "Python 3." in text and "Qt 6." in text and str(data_dir()) in text
    box.close()
