"""The panel with pytest-qt (offscreen), on a real demo backend: waits on signals, never time."""

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from ctpanel.core.domain.models import OrderSide, OrderType, TimeInForce, Transport
from tests.qt.conftest import put_cursor_on_line, wait_event


@pytest.mark.parametrize(
    ("order_type", "limit_enabled", "stop_enabled"),
    [(OrderType.MARKET, False, False), (OrderType.LIMIT, True, False),
     (OrderType.STOPMARKET, False, True), (OrderType.STOPLIMIT, True, True)],
)
def test_price_fields_are_enabled_only_when_the_type_uses_them(panel, order_type,
                                                               limit_enabled, stop_enabled):
    panel.form.order_type.select(order_type)
    assert panel.form.limit_price.isEnabled() is limit_enabled
    assert panel.form.stop_price.isEnabled() is stop_enabled


def test_the_window_names_mode_and_account(panel):
    assert panel.window.windowTitle() == "ctpanel — DEMO — Sim101"
    assert panel.window.body.band.property("mode") == "demo"
    assert "DEMO" in panel.window.body.band.text()


def test_mirror_previews_the_flip(panel):
    assert panel.ticket.preview.text() == "Long 2 -> Short 2, MARKET, DAY"
    assert panel.form.action.member() is OrderSide.SELL and panel.form.quantity.value() == 2
    assert not panel.form.action.isVisible(), "mirrored values are set by the position"
    assert panel.form.mirrored.text() == "SELL 2", "shown as values, not disabled text"
    assert panel.button.isEnabled()


def test_validation_blocks_the_button_with_the_reason(panel):
    panel.form.order_type.select(OrderType.LIMIT)
    assert not panel.button.isEnabled()
    assert panel.ticket.reason.text() == "Limit price is required for LIMIT orders."
    assert panel.form.problem.text() == "", "said once, under the button"
    panel.form.limit_price.setValue(6900)
    assert panel.button.isEnabled() and panel.ticket.reason.text() == ""



BODIES = {
    OrderType.MARKET: ({}, {}),
    OrderType.LIMIT: ({"limit_price": 6900.25}, {"limitPrice": 6900.25}),
    OrderType.STOPMARKET: ({"stop_price": 6800}, {"stopPrice": 6800.0}),
    OrderType.STOPLIMIT: ({"limit_price": 6799.5, "stop_price": 6800},
                          {"limitPrice": 6799.5, "stopPrice": 6800.0}),
}


@pytest.mark.parametrize("order_type", list(BODIES))
def test_one_click_sends_exactly_one_request_with_the_expected_body(panel, order_type):
    prices, wire = BODIES[order_type]
    panel.form.limit_price.setValue(1234)  # typed while disabled for MARKET/STOPMARKET
    panel.form.order_type.select(order_type)
    panel.form.time_in_force.select(TimeInForce.GTC)
    panel.form.limit_price.setValue(prices.get("limit_price", 0))
    panel.form.stop_price.setValue(prices.get("stop_price", 0))
    panel.form.oco_id.setText("grp-7")
    panel.form.strategy.setEditText("ATM 2R")
    report = panel.click_reverse()
    [order] = panel.orders()
    assert order.body == {"instrument": "ES 12-26", "action": "SELL", "quantity": 2,
                          "orderType": order_type.value, "timeInForce": "GTC",
                          "ocoId": "grp-7", "strategy": "ATM 2R", **wire}
    assert order.raw_path == "/v1/api/accounts/Sim101/positions/reverseposition"
    assert report.result.order_id in "\n".join(panel.log_lines())


def test_the_order_id_lands_in_the_log_and_can_be_copied(panel):
    report = panel.click_reverse()
    order_id = report.result.order_id
    # The order's line (its fill's line, once followed, carries the id too).
    entry = next(e for e in panel.model.notices.entries() if e.order_id)
    assert entry.order_id == order_id
    assert "SELL 2 ES 12-26 MARKET DAY on Sim101" in entry.text
    assert "Position ES 12-26 on Sim101: Long 2 -> Short 2" in "\n".join(panel.log_lines())
    panel.wait_for_position("Short 2")
    pane = panel.window.log_pane
    row = panel.model.notices.entries().index(entry)
    assert pane.document().findBlockByNumber(row).text() == entry.line()
    put_cursor_on_line(pane, row)
    with panel.qtbot.waitSignal(pane.sig_copied):
        panel.window.log_pane.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == order_id
    panel.wait_armed()  # ready for the next flip, on the position read after the order
    assert panel.ticket.preview.text() == "Short 2 -> Long 2, MARKET, DAY"


def test_a_burst_of_clicks_and_hotkeys_sends_one_order(panel):
    panel.sim.add_fault(apis=["ReversePosition"], latency=0.3, execute=True)
    window = panel.window
    with wait_event(panel.qtbot, window.panel.events.order_finished, timeout=10_000):
        for _ in range(5):
            panel.qtbot.mouseClick(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
            panel.qtbot.mouseClick(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
            panel.qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                                 | Qt.KeyboardModifier.ShiftModifier)
            window.panel.press()
        assert window.body.ticket.reverse_button.text() == "SENDING…"
        assert not window.body.ticket.reverse_button.isEnabled()
    assert len(panel.orders()) == 1


def test_the_hotkey_sends_the_order(panel):
    with wait_event(panel.qtbot, panel.model.events.order_finished, timeout=10_000):
        panel.qtbot.keyClick(panel.window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                             | Qt.KeyboardModifier.ShiftModifier)
    assert len(panel.orders()) == 1



def test_lights_follow_failures(panel):
    panel.sim.state.ninjatrader_connected = False
    panel.click_reverse()
    assert panel.window.body.lights.ninjatrader.state == "bad"
    assert panel.window.body.lights.crosstrade.state == "ok"




@pytest.mark.parametrize("transport", list(Transport))
def test_no_module_is_loaded_between_the_click_and_the_order_id(panel_factory, transport):
    # Start-up defers imports; none of them may land on the click path instead.
    panel = panel_factory(preferences={"transport": transport.value})
    panel.pick("Sim101", "ES 12-26", "Long 2")
    if transport is Transport.WS:
        panel.qtbot.waitUntil(lambda: panel.window.body.lights.websocket.state == "ok")
    loaded_at_answer = []
    panel.model.events.order_accepted.connect(lambda _: loaded_at_answer.append(set(sys.modules)))
    loaded_before_click = set(sys.modules)
    report = panel.click_reverse()
    assert report.transport is transport and len(panel.orders()) == 1
    assert loaded_at_answer[0] - loaded_before_click == set()



def test_instruments_with_positions_come_first(panel):
    panel.model.preferences.remember("recent_instruments", "CL 01-27")
    panel.pick("Sim102", "MES 12-26", "Short 3")
    panel.form.account.setCurrentIndex(panel.form.account.findData("Sim101"))
    panel.qtbot.waitUntil(lambda: panel.form.instrument.count() >= 3)
    items = [panel.form.instrument.itemText(i) for i in range(panel.form.instrument.count())]
    assert items[:2] == ["ES 12-26", "NQ 12-26"] and "CL 01-27" in items







def test_a_reverse_from_the_click_to_the_fill_line_never_enters_the_main_window(panel):
    """Traced with the profiler hook: every Python function called from the click to the fill
    line, by file. The window lays out and opens dialogs; the panel and its widgets do this."""
    import os

    called: set[str] = set()

    def profile(frame, event, _arg) -> None:
        if event == "call":
            called.add(os.path.basename(frame.f_code.co_filename))

    panel.wait_armed()
    sys.setprofile(profile)
    try:
        report = panel.click_reverse()
        order_id = report.result.order_id
        panel.qtbot.waitUntil(lambda: any(f"Order {order_id}: Filled" in line
                                          for line in panel.log_lines()), timeout=10_000)
    finally:
        sys.setprofile(None)
    assert {"panel.py", "desk.py", "ticket_view.py", "log_pane.py"} <= called, called
    assert "main_window.py" not in called
