"""The firm's rules in the window (pytest-qt, offscreen): Settings → Risk rules… from a preset,
a wrong field refused in words with nothing saved; the account's risk line and LOCKED under the
position; the group table's Risk and In sync columns; and the window still fitting with them."""

import json

from ctpanel.core.store.risk_file import RISK_FILE
from ctpanel.qt.widgets.group_table import RISK, SYNC
from tests.qt.conftest import run_async
from tests.qt.test_window_fits import judge


def test_risk_rules_from_a_preset_saved_and_a_wrong_field_refused(panel, private_files):
    dialog = panel.window.open_risk()
    assert dialog.windowTitle() == "Risk rules: Sim101"
    dialog.preset.setCurrentText("Topstep")
    dialog.preset.activated.emit(dialog.preset.currentIndex())
    assert (dialog.daily_loss.text(), dialog.trailing.text(), dialog.max_contracts.text()) == \
        ("1000", "2000", "5")
    dialog.flat_by.setText("25:00 America/Chicago")
    dialog.news.setPlainText("08:30 America/New_York ±2 CPI")
    dialog.accept()
    assert dialog.problem.text() == "Flat by: '25:00' is not a time of day (HH:MM)."
    assert not (private_files / RISK_FILE).exists(), "nothing saved while a field is wrong"
    dialog.flat_by.setText("15:10 America/Chicago")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = json.loads((private_files / RISK_FILE).read_text(encoding="utf-8"))
    assert saved["accounts"]["Sim101"]["preset"] == "topstep"
    assert saved["accounts"]["Sim101"]["news"] == ["08:30 America/New_York ±2 CPI"]
    assert "Risk rules of Sim101: Preset Topstep" in "\n".join(panel.log_lines())


def test_the_risk_line_shows_the_room_then_locked(panel, qtbot):
    model = panel.window.panel
    model.risk.save_rules("Sim101", model.risk.rules_of("Sim101", group=False)
                          .with_changes(daily_loss=500.0), group=False)
    run_async(qtbot, model.risk.read_once())
    risk = panel.window.body.strip.risk
    qtbot.waitUntil(lambda: risk.isVisible() and "daily loss room" in risk.text(),
                    timeout=5000)
    assert risk.text().startswith("Risk: P&L today ")
    model.bracket_changed("8", "")  # REVERSE's breach preview prices the ticket's stop

    def previewed() -> bool:
        model.clock_tick()  # the window's 1 s timer
        return "REVERSE green: a stop at 8 ticks risks $200" in risk.text()

    qtbot.waitUntil(previewed, timeout=5000)
    panel.sim.state.set_risk("Sim101", {"realized": -900.0})
    run_async(qtbot, model.risk.read_once())
    qtbot.waitUntil(lambda: risk.text().startswith("LOCKED until 17:00 America/Chicago"),
                    timeout=5000)
    assert "the panel never does" in risk.text()
    assert judge(panel.window, "a locked account") == []


def test_the_group_table_shows_each_members_risk_and_sync(panel, qtbot):
    model = panel.window.panel
    model.risk.save_rules("Apex PA", model.risk.rules_of("Apex PA", group=True)
                          .with_changes(daily_loss=1000.0), group=True)
    panel.sim.state.market.is_open = False  # still prices: the open P&L is the test's
    panel.sim.state.set_position("APEX-2", "ES", 1)  # bought at the last price: no open P&L
    panel.sim.state.set_risk("APEX-2", {"realized": -950.0})
    model.select("group:Apex PA", "ES 12-26")
    model.bracket_changed("8", "")
    run_async(qtbot, model.risk.read_once())
    model.refresh_ticket()
    table = panel.window.lower.group_table.table

    def cell(account, column):
        for row in range(table.rowCount()):
            if table.item(row, 0).text() == account and table.item(row, column):
                return table.item(row, column).text()
        return ""

    qtbot.waitUntil(lambda: cell("APEX-2", RISK) == "RED: a stop at 8 ticks risks $100; "
                    "its daily loss room is $50", timeout=5000)
    assert cell("APEX-4", SYNC).startswith("OUT OF SYNC: Short 1, the group's ratio makes it "
                                           "Long 2")
    assert cell("APEX-1", SYNC) == "in sync"
    summary = panel.window.lower.group_table.summary
    assert "Send to 3 of 4: APEX-2" in summary.text()
    assert "(Orders → Leave out refused members)" in summary.text()
    assert judge(panel.window, "a group with a red member") == []
