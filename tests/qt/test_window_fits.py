"""The window as a trader sees it, in every state it is read in: no widget squashed below what
it needs, no label showing none of its text, and a minimum size of at most 480 x 640 logical
px (a Windows laptop at 150 %, less the task bar). Run here at this process's scale; the last
test runs this module again at QT_SCALE_FACTOR 1.25 and 1.5 (the scale is fixed when the
QApplication starts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ctpanel.core.domain.models import OrderType
from ctpanel.qt.app import load_style
from ctpanel.qt.confirm import question_box
from ctpanel.qt.main_window import MainWindow
from tests.qt.conftest import run_async
from tests.qt.layout_walk import problems

MIN_SIZE_LIMIT = (480, 640)
SCALES = ("1.25", "1.5")
CHILD = "CTPANEL_LAYOUT_CHILD"  # set in the runs at another scale: they do not recurse
ES = "ES 12-26"


@pytest.fixture(autouse=True)
def styled(qapp):
    """Judged with the style sheet the app runs with: its fonts and paddings set the sizes."""
    qapp.setStyleSheet(load_style())
    yield
    qapp.setStyleSheet("")


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def judge(window, state: str, *, at_minimum: bool = True) -> list[str]:
    """What is wrong with ``window`` at its size now and, for the main window, at its least."""
    settle()
    found = [f"{state}: {problem}" for problem in problems(window)]
    if isinstance(window, MainWindow) and at_minimum:
        least = window.minimumSizeHint()
        if least.width() > MIN_SIZE_LIMIT[0] or least.height() > MIN_SIZE_LIMIT[1]:
            found.append(f"{state}: minimum size {least.width()}x{least.height()} is over "
                         f"{MIN_SIZE_LIMIT[0]}x{MIN_SIZE_LIMIT[1]}")
        size = window.size()
        window.resize(least)
        settle()
        found += [f"{state} at its least size: {problem}" for problem in problems(window)]
        window.resize(size)
        settle()
    return found


def limit_chosen(panel) -> None:
    panel.form.order_type.select(OrderType.LIMIT)


def stop_entry_working(panel) -> None:
    sim = panel.sim
    run_async(panel.qtbot, sim.state.PlaceOrder({
        "account": "Sim101", "instrument": ES, "action": "BUY", "quantity": 2,
        "orderType": "STOPMARKET", "stopPrice": 9000.0, "timeInForce": "GTC"}))
    panel.model.poll_tick()
    panel.qtbot.waitUntil(lambda: panel.window.lower.working.count() == 1, timeout=5000)
    panel.form.order_type.select(OrderType.STOPMARKET)
    panel.window.lower.setCurrentWidget(panel.window.lower.working)


def group_picked(panel) -> None:
    form = panel.form
    form.account.setCurrentIndex(form.account.findData("group:Apex PA"))
    panel.qtbot.waitUntil(lambda: len(panel.model.ticket_state.members) == 5, timeout=5000)


def after_group_reverse(panel) -> None:
    group_picked(panel)
    panel.wait_armed()
    with panel.finished():
        panel.model.press()
    panel.wait_armed(timeout=10_000)  # re-armed on the members' positions read after it
    assert panel.window.group_results.summary.text().startswith("Apex PA: 4 of 4 reversed")


STATES = {"default": lambda panel: None, "LIMIT chosen": limit_chosen,
          "a STOP entry working": stop_entry_working, "a group picked": group_picked,
          "after a group reverse": after_group_reverse}


@pytest.mark.parametrize("state", list(STATES))
def test_the_main_window_in_each_state(panel, state):
    STATES[state](panel)
    assert judge(panel.window, state) == []


def test_compact_mode(panel):
    panel.window.compact_action.setChecked(True)
    panel.qtbot.waitExposed(panel.window.compact)
    assert judge(panel.window.compact, "compact") == []


def test_the_dialogs(panel):
    window = panel.window
    found = []
    for name, opened in (("Preferences", window.open_settings), ("Groups", window.open_groups),
                         ("the token dialog", window.open_token_dialog),
                         ("the confirmation", lambda: _confirmation(window)),
                         ("About", window.open_about)):
        dialog: QDialog = opened()
        panel.qtbot.waitExposed(dialog)
        found += judge(dialog, name)
        least = dialog.minimumSizeHint()
        if least.width() > 800 or least.height() > 600:
            found.append(f"{name}: least size {least.width()}x{least.height()} is over 800x600")
        dialog.done(0)
    assert found == []


def _confirmation(window) -> QMessageBox:
    box = question_box("Confirm reverse", "DEMO: Reverse on Sim101\n\nLong 2 -> Short 2, "
                       "MARKET, DAY\n\nSend it?", window)
    box.open()
    return box


@pytest.mark.skipif(os.environ.get(CHILD) == "1", reason="already at another scale")
@pytest.mark.parametrize("scale", SCALES)
def test_the_same_at_125_and_150_percent(scale):
    env = {**os.environ, "QT_SCALE_FACTOR": scale, CHILD: "1", "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-x", str(Path(__file__))], env=env, capture_output=True, text=True,
                         timeout=600, cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
