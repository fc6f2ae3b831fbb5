"""BUY, SELL, the protection row and the UNPROTECTED label, each bound to a real panel on a
demo backend: act on the widget, assert the panel took it; change the panel, assert the
widget shows it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ctpanel.core.desk.protect import Protection
from ctpanel.panel.ticket import Phase
from ctpanel.qt.widgets.entries_view import EntryButtons, ProtectionLabel, ProtectionRow
from ctpanel.qt.widgets.labels import ElidedLabel
from tests.qt.test_bindings import bound  # noqa: F401  (the fixture)


def test_sell_against_the_long_is_off_with_its_reason_buy_adds(bound, qtbot):  # noqa: F811
    panel, build, _ = bound
    buttons = build(EntryButtons)
    qtbot.waitUntil(buttons.buy_button.isEnabled)
    assert not buttons.sell_button.isEnabled()
    assert "use REVERSE to turn it" in buttons.sell_button.toolTip()
    assert buttons.buy_button.toolTip().startswith("Long 2 -> Long 3")
    qtbot.mouseClick(buttons.buy_button, Qt.MouseButton.LeftButton)
    assert panel.ticket.phase is Phase.SENDING
    qtbot.waitUntil(lambda: len(panel.backend.simulator.orders_received("PlaceOrder")) == 1)
    [placed] = panel.backend.simulator.orders_received("PlaceOrder")
    assert placed.body["requireMarketPosition"] == "long"


def test_typed_ticks_reach_the_panel_and_a_bad_one_is_said(bound, qtbot):  # noqa: F811
    panel, build, _ = bound
    row = build(ProtectionRow)
    qtbot.keyClicks(row.stop_ticks, "8")
    qtbot.keyClicks(row.target_ticks, "16")
    assert (panel.bracket.stop_ticks, panel.bracket.target_ticks) == (8, 16)
    # priced once a quote is known; until then, in ticks from the fill
    assert "per contract" in row.line.text() or "Stop 8 t · Target 16 t from the fill" in \
        row.line.text()
    qtbot.keyClicks(row.plus_ticks, "x")
    assert "Breakeven +ticks must be a whole number" in row.line.text()
    assert row.line.property("refused") is True
    row.plus_ticks.clear()
    qtbot.keyClicks(row.plus_ticks, "2")
    assert panel.plus_ticks == 2 and row.line.property("refused") is False
    assert "tick size is not known" in row.protect_button.toolTip()  # no quote yet

    def quoted() -> bool:
        panel.market_tick()  # as the window's market timer does
        return row.protect_button.isEnabled()
    qtbot.waitUntil(quoted)
    assert "per contract" in row.line.text()
    assert row.protect_button.toolTip().startswith("No working order in ES 12-26 to cancel")


def test_the_protection_label_is_red_until_protected(bound):  # noqa: F811
    panel, build, _ = bound
    label = build(ProtectionLabel)
    assert label.isHidden()
    panel.events.protection.emit(Protection(False, "UNPROTECTED: filled, placing the bracket…"))
    assert not label.isHidden() and label.property("protected") == "false"
    assert label.text().startswith("UNPROTECTED")
    panel.events.protection.emit(Protection(True, "Protected: stop 6,848.00 / target 6,854.00 "
                                                  "(OCO)"))
    assert label.property("protected") == "true" and label.text().startswith("Protected")
    panel.events.protection.emit(None)
    assert label.isHidden()


def test_default_ticks_are_kept_in_preferences_for_the_next_start(qtbot, tmp_path):
    from ctpanel.panel.options import Options
    from ctpanel.qt.settings import Preferences
    from ctpanel.qt.widgets.settings_dialog import SettingsDialog

    preferences = Preferences(tmp_path / "settings.ini")
    dialog = SettingsDialog(preferences)
    qtbot.addWidget(dialog)
    assert dialog.stop_ticks.text() == "none"
    dialog.stop_ticks.setValue(8)
    dialog.target_ticks.setValue(16)
    dialog.accept()
    options = Options.read(Preferences(tmp_path / "settings.ini"))
    assert (options.stop_ticks, options.target_ticks) == (8, 16)


def test_a_bracket_in_the_working_orders_moves_a_leg_one_tick(bound, qtbot):  # noqa: F811
    from ctpanel.core.domain.protection import Bracket
    from ctpanel.qt.widgets.exits_view import WorkingOrdersView

    panel, build, _ = bound
    sim = panel.backend.simulator
    sim.state.market.is_open = False
    view = build(WorkingOrdersView)
    panel.bracket_changed("40", "40")

    def quoted() -> bool:
        panel.market_tick()
        return panel.ticket_state.exits["protect"].armed
    qtbot.waitUntil(quoted)
    panel.press("protect")
    qtbot.waitUntil(lambda: view.count() == 2, timeout=10_000)  # the two legs, read back
    [title] = [w for w in view.findChildren(ElidedLabel) if w.objectName() == "bracketLine"]
    assert title.text().startswith("Bracket: stop ") and title.text().endswith("(OCO)")
    stop_id = next(o.order_id for o in sim.state.orders.values() if o.name == "Stop")
    before = sim.state.orders[stop_id].ticket.stop_price
    up = view.findChild(QPushButton, f"nudgeUp-{stop_id}")
    qtbot.waitUntil(up.isEnabled, timeout=10_000)
    qtbot.mouseClick(up, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(sim.orders_received("Change")) == 1, timeout=10_000)
    assert sim.orders_received("Change")[0].body == {"stopPrice": before + 0.25}
    assert panel.bracket == Bracket(40, 40)


def test_a_newly_picked_group_starts_the_ticks_from_its_default(bound, qtbot):  # noqa: F811
    from ctpanel.core.domain.groups import Group, Member
    from ctpanel.core.domain.protection import Bracket

    panel, build, _ = bound
    row = build(ProtectionRow)
    qtbot.keyClicks(row.stop_ticks, "x")
    assert row.line.property("refused") is True
    panel.groups_changed([Group("Prop", (Member("APEX-1"),), Bracket(8, 16))])
    qtbot.waitUntil(lambda: any(g.name == "Prop" for g in panel.positions.groups))
    panel.select("group:Prop", "ES 12-26")
    assert (row.stop_ticks.text(), row.target_ticks.text()) == ("8", "16")
    assert row.line.property("refused") is False, "what was typed does not follow"
    panel.select("Sim101", "ES 12-26")
    assert (row.stop_ticks.text(), row.target_ticks.text()) == ("", "")
