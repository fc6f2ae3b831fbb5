"""The window binds the ticket's rules: what is shown is what is known, for this backend,
account and instrument (issue 11's defects, each checked through the real window)."""


from PySide6.QtGui import QKeySequence

from ctpanel.core.domain.models import OrderSide, OrderType
from ctpanel.qt.screen import keep_on_screen
from ctpanel.qt.widgets.settings_dialog import SettingsDialog


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
    panel.form.action.select(OrderSide.BUY)  # Sim101 is long 2 ES: BUY would add
    panel.form.quantity.setValue(3)
    assert not panel.button.isEnabled()
    assert "BUY 3 would add to the Long 2 position" in panel.ticket.reason.text()
    panel.form.action.select(OrderSide.SELL)
    report = panel.click_reverse()
    assert report.after.describe() == "Short 3"
    panel.wait_armed()
    assert (panel.form.action.member(), panel.form.quantity.value()) == (OrderSide.BUY, 3), \
        "a hand-set action and quantity go back to the mirror of the new position"





def test_a_hotkey_that_fires_while_typing_is_refused_in_preferences(panel):
    dialog = panel.window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    dialog.hotkey.setKeySequence(QKeySequence("R"))
    dialog.accept()
    assert dialog.isVisible() and "R would fire while you type" in dialog.hotkey_problem.text()
    assert panel.model.preferences.get("hotkey") == "Ctrl+Shift+R"
    dialog.reject()





def test_before_a_backend_exists_the_menus_that_need_one_are_off(qtbot, qloop, tmp_path):
    from ctpanel.core.store.credentials import MemoryTokenStore
    from ctpanel.core.store.journal import Journal
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
