"""Each widget bound to a Panel on its own, in napari's shape: build one widget with a panel,
change the panel, assert the widget; act on the widget, assert the panel's input took it. The
panel is real, on a demo backend (the embedded simulator over loopback)."""

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ctpanel.backend import open_demo
from ctpanel.core.domain.groups import Group, Member, SizeRule
from ctpanel.core.domain.models import OrderSide, OrderType, Side
from ctpanel.core.domain.models import Position as Figure
from ctpanel.core.domain.protection import Bracket
from ctpanel.core.store.credentials import MemoryTokenStore
from ctpanel.core.store.journal import Journal
from ctpanel.panel.notices import Level, Notice
from ctpanel.panel.options import MemoryPreferences
from ctpanel.panel.ports import ScriptedConfirmer
from ctpanel.panel.ticket import Phase
from ctpanel.panel.views import ModeView
from ctpanel.qt.widgets.compact import CompactWindow
from ctpanel.qt.widgets.exits_view import ExitsView, WorkingOrdersView
from ctpanel.qt.widgets.group_table import RESULT, GroupTable
from ctpanel.qt.widgets.groups_dialog import GroupsDialog
from ctpanel.qt.widgets.order_form import OrderForm
from ctpanel.qt.widgets.panel_body import ModeBand
from ctpanel.qt.widgets.position_strip import PositionStrip
from ctpanel.qt.widgets.quote_line import QuoteLine
from ctpanel.qt.widgets.status_lights import StatusLights
from ctpanel.qt.widgets.ticket_view import TicketView
from ctpanel.qt.window import build_panel
from tests.helpers.stand_ins import FakeRegistrar
from tests.qt.conftest import run_async, wait_event


@pytest.fixture
def bound(qtbot, qloop, tmp_path, memory_keyring):
    """A started panel on Sim101 / ES 12-26, and a way to build one widget on it."""
    journal = Journal(tmp_path / "journal.jsonl")

    async def factory(mode, token):
        return await open_demo(journal, timeout=5)

    hotkey = FakeRegistrar()
    panel = build_panel(preferences=MemoryPreferences({"rearm_delay": 0.3}), journal=journal,
                        backend_factory=factory, token_store=MemoryTokenStore(),
                        confirmer=ScriptedConfirmer(True), global_hotkey=hotkey,
                        backend=run_async(qtbot, factory(None, None)))
    panel.start()
    qtbot.waitUntil(lambda: panel.account == "Sim101")
    panel.select("Sim101", "ES 12-26")
    qtbot.waitUntil(lambda: panel.position() is not None)

    def build(widget_class, *args):
        widget = widget_class(panel, *args)
        qtbot.addWidget(widget)
        return widget

    yield panel, build, hotkey
    run_async(qtbot, panel.shutdown())


LONG_3 = Figure("Sim101", "ES 12-26", Side.LONG, 3, 6850.25)


def test_ticket_view_shows_the_ticket_and_its_click_is_a_press(bound, qtbot):
    panel, build, _ = bound
    view = build(TicketView)
    qtbot.waitUntil(view.reverse_button.isEnabled)
    assert view.preview.text() == "Long 2 -> Short 2, MARKET, DAY"
    panel.form_changed(panel.form.__class__(order_type=OrderType.LIMIT))
    assert not view.reverse_button.isEnabled()
    assert view.reason.text() == "Limit price is required for LIMIT orders."
    panel.form_changed(panel.form.__class__())
    qtbot.mouseClick(view.reverse_button, Qt.MouseButton.LeftButton)
    assert panel.ticket.phase is Phase.SENDING and view.reverse_button.text() == "SENDING…"
    qtbot.waitUntil(lambda: len(panel.backend.simulator.orders_received()) == 1)


def test_ticket_view_s_arm_toggle_is_set_armed_and_shows_the_switch(bound, qtbot):
    panel, build, hotkey = bound
    view = build(TicketView)
    assert not view.arm_button.isChecked() and "Ctrl+Alt+R: off" in view.arm_button.text()
    qtbot.mouseClick(view.arm_button, Qt.MouseButton.LeftButton)
    assert panel.hotkey.armed and hotkey.registered is not None
    assert view.arm_button.isChecked() and "ARMED" in view.arm_button.text()
    panel.set_armed(False)
    assert not view.arm_button.isChecked() and view.arm_button.toolTip() == "Global hotkey off."


def test_position_strip_shows_the_figure_its_note_and_staleness(bound):
    panel, build, _ = bound
    strip = build(PositionStrip)
    assert strip.line.text().startswith("LONG 2 @ ")
    panel.events.position.emit(LONG_3)
    assert strip.line.text().startswith("LONG 3 @ 6,850.25 · P&L ")
    assert strip.line.text().endswith("read just now")
    panel.events.position_note.emit("read while waiting for the answer")
    assert strip.detail.text() == "read while waiting for the answer"
    panel.events.position.emit(None)
    assert strip.line.text() == "Position unknown"
    panel.events.position.emit(LONG_3)
    panel.events.clock.emit(True)
    assert "STALE, read" in strip.line.text()
    assert strip.detail.text() == "STALE: not used for orders"


def test_quote_line_and_compact_follow_the_market(bound, qtbot):
    panel, build, _ = bound
    line, compact = build(QuoteLine), build(CompactWindow)
    def quoted() -> bool:  # the market's ticks, as the window's timer runs them
        panel.market_tick()
        return panel.market.view().usable is not None

    qtbot.waitUntil(quoted, timeout=10_000)
    panel.clock_tick()
    assert line.text().startswith("Bid ") and compact.last.text().startswith("Last ")


def test_status_lights_show_each_light_and_the_budget(bound, qtbot):
    panel, build, _ = bound
    lights = build(StatusLights)
    qtbot.waitUntil(lambda: lights.crosstrade.state == "ok")
    assert lights.token.state == "off", "demo mode uses no token"
    panel.clock_tick()
    assert lights.budget.text().startswith("Budget ") and "/20" in lights.budget.text()


def test_mode_band_shows_the_mode_and_the_armed_state(bound):
    panel, build, _ = bound
    band = build(ModeBand)
    assert band.property("mode") == "demo" and band.text().startswith("DEMO")
    panel.events.mode.emit(ModeView.of("live", "Sim101", True, "Ctrl+Alt+R"))
    assert band.property("armed") is True and band.text().startswith("HOTKEY ARMED")


def test_order_form_shows_the_panel_and_forwards_the_trader(bound, qtbot):
    panel, build, _ = bound
    form = build(OrderForm)
    assert form.account_name() == "Sim101" and form.instrument_name() == "ES 12-26"
    form.oco_id.setText("grp-1")
    assert panel.form.oco_id == "grp-1", "every edit reaches the panel"
    form.account.setCurrentIndex(form.account.findData("Sim102"))
    assert panel.account == "Sim102"
    qtbot.waitUntil(lambda: form.instrument_name() == "MES 12-26")  # the panel moved it
    assert form.has_open_position("MES 12-26")
    form.mirror.setChecked(False)
    panel.events.follow.emit(OrderSide.BUY, 3)
    assert (form.action.member(), form.quantity.value()) == (OrderSide.BUY, 3)
    assert (panel.form.action, panel.form.quantity) == (OrderSide.BUY, 3)
    form.order_type.select(OrderType.LIMIT)
    form.limit_price.setValue(6800)
    panel.events.prices_cleared.emit()
    assert form.limit_price.value() == 0
    panel.events.tick.emit(0.25)
    assert form.limit_price.singleStep() == 0.25


def test_compact_window_shows_results_not_information(bound):
    panel, build, _ = bound
    compact = build(CompactWindow)
    panel.notices.say(Level.INFO, "just so you know")
    assert compact.result.text() == ""
    panel.notices.add(Notice(datetime.now(), Level.WARNING, "Something to look at"))
    assert compact.result.text() == "Something to look at"


def test_exits_view_shows_each_exit_and_its_buttons_are_presses(bound, qtbot):
    panel, build, _ = bound
    view, working = build(ExitsView), build(WorkingOrdersView)
    qtbot.waitUntil(view.close_button.isEnabled)
    assert view.close_preview.text() == "Long 2 -> Flat (no working orders)"
    assert view.flatten_preview.text().startswith("Flatten Sim101: Long 2 ES 12-26")
    assert working.working_title.text() == "Working orders in ES 12-26: none"
    assert not working.cancel_all_button.isEnabled()
    view.portion.setCurrentText("1/2")
    assert panel.exit_choices.portion.value == "1/2"
    assert view.close_preview.text() == "Long 2 -> Long 1 (no working orders)"
    view.only_instrument.setChecked(True)
    assert view.flatten_preview.text() == "Flatten ES 12-26 on Sim101: Long 2, no working orders"
    qtbot.mouseClick(view.close_button, Qt.MouseButton.LeftButton)
    assert panel.ticket.phase is Phase.SENDING and view.close_button.text() == "SENDING…"
    qtbot.waitUntil(lambda: view.close_button.text() == "CLOSE 1/2", timeout=5000)
    qtbot.waitUntil(lambda: bool(panel.backend.simulator.orders_received("ClosePosition")))
    [close] = panel.backend.simulator.orders_received("ClosePosition")
    assert close.body == {"instrument": "ES 12-26", "percent": 0.5}


def test_exits_view_lists_working_orders_each_with_its_cancel(bound, qtbot):
    panel, build, _ = bound
    view = build(WorkingOrdersView)
    sim = panel.backend.simulator
    run_async(qtbot, sim.state.PlaceOrder({
        "account": "Sim101", "instrument": "ES 12-26", "action": "SELL", "quantity": 2,
        "orderType": "LIMIT", "limitPrice": 9000.0, "timeInForce": "GTC"}))
    panel.poll_tick()
    qtbot.waitUntil(lambda: view.working_title.text() == "Working orders in ES 12-26: 1")
    [button] = [b for b in view.findChildren(QPushButton)
                if b.objectName().startswith("cancelOrder-")]
    order_id = button.objectName().removeprefix("cancelOrder-")
    qtbot.waitUntil(button.isEnabled)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.working_title.text() == "Working orders in ES 12-26: none",
                    timeout=5000)
    [cancel] = sim.orders_received("Cancel")
    assert cancel.raw_path.endswith(f"/orders/{order_id}/cancel")


def test_group_table_fills_a_row_per_member_and_keeps_the_result(bound, qtbot):
    panel, build, _ = bound
    table = build(GroupTable)
    assert not table.isVisible()
    panel.select("group:Apex PA", "ES 12-26")
    qtbot.waitUntil(lambda: panel.ticket_state.arming.armed, timeout=5000)
    panel.press()
    qtbot.waitUntil(lambda: table.summary.text().startswith("Apex PA: 4 of 4 reversed"),
                    timeout=5000)
    results = {table.table.item(r, 0).text(): table.table.item(r, RESULT).text()
               for r in range(table.table.rowCount())}
    assert results["APEX-1"].startswith("ok · Long 2 -> Short 2 · ")
    assert results["APEX-4"].startswith("ok · Short 1 -> Long 1 · ")
    assert results["APEX-3"] == "flat: nothing to reverse · Flat -> – · –"
    def read_again() -> bool:  # as the window's 5 s timer would
        if not panel.positions.reading():
            panel.poll_tick()
        return table.table.item(0, 1).text() == "Short 2"

    qtbot.waitUntil(read_again, timeout=10_000)
    positions = {table.table.item(r, 0).text(): table.table.item(r, 1).text()
                 for r in range(table.table.rowCount())}
    assert positions["APEX-1"] == "Short 2", "each member's row as read after it"
    panel.select("Sim101", "ES 12-26")
    assert table.summary.text().startswith("Apex PA: 4 of 4"), "it stays on screen"


def test_groups_dialog_saves_rows_as_groups_and_says_what_is_wrong(bound, qtbot):
    panel, _, _ = bound
    dialog = GroupsDialog(panel)
    qtbot.addWidget(dialog)
    dialog.add_row("Prop", "APEX-1", stop_ticks=8, target_ticks=16)
    dialog.add_row("Prop", "APEX-2", "fixed", 2, True, 3)
    dialog.add_row("Prop", "APEX-2")
    dialog.accept()
    assert dialog.problem.text() == "Row 3: APEX-2 is already in Prop."
    dialog.table.removeRow(dialog.table.rowCount() - 1)
    with wait_event(qtbot, panel.events.accounts):
        dialog.accept()
    [group] = panel.saved_groups()
    assert group == Group("Prop", (Member("APEX-1"),
                                   Member("APEX-2", SizeRule.FIXED, 2.0, True, 3)),
                          Bracket(8, 16))
    again = GroupsDialog(panel)
    qtbot.addWidget(again)
    last = again.table.rowCount() - 1
    assert (again.table.cellWidget(last, 6).value(), again.table.cellWidget(last, 7).value()) \
        == (8, 16), "a group's ticks on each of its rows"
    assert [g.label for g in panel.positions.groups] == ["Group: Prop (2)",
                                                         "Group: Apex PA (5)"]
