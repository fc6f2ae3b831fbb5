"""The window binds the ticket's rules: what is shown is what is known, for this backend,
account and instrument (issue 11's defects, each checked through the real window)."""

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from ctpanel.backend import Mode, assemble
from ctpanel.core.models import Action, OrderType
from ctpanel.core.secret import Secret
from ctpanel.panel.ticket import Phase
from ctpanel.qt.screen import keep_on_screen
from ctpanel.qt.widgets.settings_dialog import SettingsDialog
from tests.matrix.cases import unused_port
from tests.qt.conftest import run_async, wait_event


def test_going_live_to_an_unreachable_server_shows_no_position_and_no_green_light(panel):
    window = panel.window
    assert window.panel.position() is not None and window.body.lights.ninjatrader.state == "ok"
    url = f"http://127.0.0.1:{unused_port()}"

    async def unreachable(mode, token):
        return assemble(Mode.LIVE, Secret("live-token"), url, url.replace("http", "ws"),
                        window.panel.journal, timeout=2)
    window.panel.connection.backend_factory = unreachable
    with wait_event(panel.qtbot, window.panel.events.backend_changed):
        switching = asyncio.ensure_future(
            window.panel.switch_backend(Mode.LIVE, Secret("live-token")))
    assert window.body.band.property("mode") == "live"
    assert window.panel.position() is None and window.body.strip.side.text() == "Position unknown"
    assert not window.body.ticket.reverse_button.isEnabled()
    assert window.body.lights.ninjatrader.state != "ok", "nothing of the demo's survives"
    panel.qtbot.waitUntil(lambda: window.body.lights.crosstrade.state == "bad", timeout=10_000)
    assert window.body.lights.ninjatrader.state != "ok" and window.panel.position() is None
    panel.qtbot.waitUntil(switching.done)


def test_prices_typed_for_one_instrument_are_cleared_on_another(panel):
    panel.form.order_type.select(OrderType.LIMIT)
    panel.form.limit_price.setValue(6849.13)
    assert panel.button.isEnabled()
    panel.pick("Sim101", "NQ 12-26", "Short 1")
    assert panel.form.limit_price.value() == 0, "the MES price does not follow to NQ"
    assert not panel.button.isEnabled()
    assert panel.ticket.reason.text() == "Limit price is required for LIMIT orders."


def test_with_mirror_off_a_same_side_action_is_refused_and_after_an_order_the_form_mirrors(
        panel):
    panel.form.mirror.setChecked(False)
    panel.form.action.select(Action.BUY)  # Sim101 is long 2 ES: BUY would add
    panel.form.quantity.setValue(3)
    assert not panel.button.isEnabled()
    assert "BUY 3 would add to the Long 2 position" in panel.ticket.reason.text()
    panel.form.action.select(Action.SELL)
    report = panel.click_reverse()
    assert report.after.describe() == "Short 3"
    panel.wait_armed()
    assert (panel.form.action.member(), panel.form.quantity.value()) == (Action.BUY, 3), \
        "a hand-set action and quantity go back to the mirror of the new position"


def test_a_new_account_moves_the_instrument_to_one_with_a_position_there(panel):
    panel.form.account.setCurrentIndex(panel.form.account.findData("Sim102"))
    panel.wait_for_position("Short 3")
    assert panel.form.instrument_name() == "MES 12-26"
    assert panel.form.has_open_position("MES 12-26")
    assert panel.ticket.preview.text().startswith("Short 3 -> Long 3")


def test_asking_is_not_sending(panel_factory):
    panel = panel_factory(preferences={"confirm": "always"})
    panel.pick("Sim101", "ES 12-26", "Long 2")
    asked = []

    async def never_answered(title, text):
        asked.append(panel.button.text())
        return False
    panel.confirm.ask = never_answered
    panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    panel.qtbot.waitUntil(lambda: bool(asked))
    assert asked == ["CONFIRM?"]


def test_with_no_answer_the_panel_reads_the_position_and_says_what_it_sees(panel_factory):
    panel = panel_factory(timeout=6.0)
    panel.pick("Sim101", "ES 12-26", "Long 2")
    panel.sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True)
    panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    panel.qtbot.waitUntil(lambda: any("read while waiting for the answer" in line
                                      for line in panel.log_lines()), timeout=6000)
    assert panel.model.ticket.phase is Phase.SENDING, "still waiting: nothing re-sent"
    assert any("the position now reads Short 2" in line for line in panel.log_lines())
    assert panel.window.body.strip.side.text() == "SHORT"
    assert len(panel.orders()) == 1


def test_a_hotkey_that_fires_while_typing_is_refused_in_preferences(panel):
    dialog = panel.window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.hotkey.setKeySequence(QKeySequence("R"))
    dialog.accept()
    assert dialog.isVisible() and "R would fire while you type" in dialog.hotkey_problem.text()
    assert panel.model.preferences.get("hotkey") == "Ctrl+Shift+R"
    dialog.reject()


def test_an_unknown_instrument_is_named_once(panel):
    panel.pick_instrument("FOO")
    reason = "CrossTrade does not know instrument FOO."
    panel.qtbot.waitUntil(lambda: panel.ticket.reason.text() == reason)
    for _ in range(3):  # the 5 s polls, run now
        run_async(panel.qtbot, panel.model.positions.watcher.poll())
    lines = [line for line in panel.log_lines() if "FOO" in line]
    assert len(lines) == 1 and reason in lines[0] and "(×4" in lines[0]


def test_a_wrong_token_turns_the_token_light_red_and_crosstrade_green(panel):
    panel.sim.add_fault(apis=["GetPosition"], status=401, body={"error": "unauthorized"})
    run_async(panel.qtbot, panel.model.positions.watcher.poll())
    assert panel.window.body.lights.token.state == "bad"
    assert panel.window.body.lights.crosstrade.state == "ok", "CrossTrade answered"


def test_switching_backends_cancels_the_old_ones_reads_no_false_alarm(panel):
    window = panel.window
    panel.sim.add_fault(apis=["ListAccounts"], latency=0.5)
    window.panel.refresh_accounts()  # still reading through the backend about to be replaced
    with wait_event(panel.qtbot, window.panel.events.accounts, timeout=5000, raising=False):
        with wait_event(panel.qtbot, window.panel.events.backend_changed):
            switching = asyncio.ensure_future(window.panel.switch_backend(Mode.DEMO, None))
        panel.qtbot.waitUntil(lambda: window.body.lights.crosstrade.state == "ok")
    panel.qtbot.waitUntil(switching.done)
    assert not any("Could not load the accounts" in line for line in panel.log_lines())
    assert window.body.lights.crosstrade.state == "ok"


def test_before_a_backend_exists_the_menus_that_need_one_are_off(qtbot, qloop, tmp_path):
    from ctpanel.core.credentials import MemoryTokenStore
    from ctpanel.core.journal import Journal
    from ctpanel.qt.settings import Preferences
    from ctpanel.qt.window import build_panel
    from tests.qt.conftest import make_window

    async def never(mode, token):
        raise AssertionError("not opened in this test")
    panel = build_panel(preferences=Preferences(tmp_path / "s.ini"),
                        journal=Journal(tmp_path / "j.jsonl"), backend_factory=never,
                        token_store=MemoryTokenStore())
    window = make_window(qtbot, panel, tmp_path)
    assert window.windowTitle() == "ctpanel — starting"
    for action in (window.settings_action, window.token_action, window.go_live_action,
                   window.refresh_action, window.reconnect_action):
        assert not action.isEnabled(), action.text()
    panel.preferences.set("transport", "ws")
    panel.apply()  # what Preferences -> WebSocket -> OK does: no error
    ticket = window.body.ticket
    assert ticket.reason.text() == "Connecting…" and not ticket.reverse_button.isEnabled()


def test_a_stop_reverse_previews_and_reports_flat_with_the_entry_working(panel):
    panel.form.order_type.select(OrderType.STOPMARKET)
    panel.form.stop_price.setValue(1)  # a sell stop far below the market: it waits
    assert panel.ticket.preview.text() == \
        "Long 2 -> Flat, then SELL 2 STOPMARKET @ 1.00 working, DAY"
    report = panel.click_reverse()
    assert report.after.is_flat and report.entry_state == "Working"
    [line] = [line for line in panel.log_lines() if "flat until it fills" in line]
    assert f"is working (order {report.result.order_id})" in line


def test_a_saved_geometry_larger_than_the_screen_is_put_back_on_it(panel):
    window = panel.window
    screen = window.screen().availableGeometry()
    window.resize(screen.width() * 2, screen.height() * 2)
    window.move(screen.right() + 500, screen.bottom() + 500)
    keep_on_screen(window)
    assert screen.contains(window.frameGeometry()), (screen, window.frameGeometry())


def test_a_long_preview_never_widens_the_window(panel):
    width = panel.window.width()
    panel.form.strategy.setEditText("A very long ATM strategy template name " * 4)
    panel.form.oco_id.setText("an-oco-group-with-a-long-name-" * 3)
    panel.qtbot.waitUntil(lambda: "ATM A very long" in panel.ticket.preview.text())
    assert panel.window.width() == width
