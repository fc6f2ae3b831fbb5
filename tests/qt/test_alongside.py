"""Beside NinjaTrader: the arm switch of the global hotkey (the operating system's part stands in
as a fake: the real X11 grab is tested end to end, the Windows filter in test_global_hotkey),
compact mode on the same model, sounds per event, and what a 408 says about NinjaTrader."""

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest

from ctpanel.panel.sounds import SoundEvent
from ctpanel.qt.global_hotkey import taken_message
from tests.helpers.stand_ins import FakeRegistrar
from tests.qt.conftest import wait_event


@pytest.fixture
def hotkey():
    return FakeRegistrar()


@pytest.fixture
def alongside(panel_factory, hotkey):
    made = panel_factory(global_hotkey=hotkey)
    made.pick("Sim101", "ES 12-26", "Long 2")
    return made


def arm(panel) -> None:
    """The panel-focus shortcut, as the trader presses it."""
    panel.window.activateWindow()
    QTest.keyClick(panel.window, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


@pytest.fixture
def dark_style(qapp):
    """The app's own style sheet, as ctpanel.qt.app loads it (and none again afterwards)."""
    from ctpanel.qt.app import load_style

    qapp.setStyleSheet(load_style())
    yield
    qapp.setStyleSheet("")


def test_disarmed_at_start_armed_on_purpose_and_unmistakable(dark_style, alongside, hotkey):
    window = alongside.window
    assert not window.panel.hotkey.arm.armed and hotkey.registered is None
    assert "HOTKEY ARMED" not in window.windowTitle()
    icon_off = window.windowIcon().cacheKey()
    band_colour = window.body.band.grab().toImage().pixelColor(4, 4).name()
    arm(alongside)
    assert window.panel.hotkey.arm.armed and hotkey.registered.text() == "Ctrl+Alt+R"
    assert window.windowTitle().startswith("HOTKEY ARMED — ctpanel — DEMO — Sim101")
    assert window.body.band.text().startswith("HOTKEY ARMED (Ctrl+Alt+R)")
    assert window.body.band.property("armed") is True
    assert window.body.band.grab().toImage().pixelColor(4, 4).name() == "#ff8c00" != band_colour
    assert window.windowIcon().cacheKey() != icon_off
    assert window.body.ticket.arm_button.isChecked() and window.arm_action.isChecked()
    arm(alongside)  # the same shortcut disarms, and the combination is given back
    assert not window.panel.hotkey.arm.armed and hotkey.registered is None
    assert window.body.band.grab().toImage().pixelColor(4, 4).name() == band_colour






def test_a_combination_taken_by_another_program_is_said_and_the_panel_hotkey_still_works(
        panel_factory):
    from ctpanel.panel.hotkeys import parse_chord

    taken = taken_message(parse_chord("Ctrl+Alt+R"))
    panel = panel_factory(global_hotkey=FakeRegistrar(problem=taken))
    panel.pick("Sim101", "ES 12-26", "Long 2")
    arm(panel)
    assert not panel.model.hotkey.arm.armed
    assert any("Ctrl+Alt+R is already taken by another program" in line
               for line in panel.log_lines())
    panel.wait_armed()
    with wait_event(panel.qtbot, panel.model.events.order_finished, timeout=10_000):
        QTest.keyClick(panel.window, Qt.Key.Key_R,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(panel.orders()) == 1


# --- compact mode ---------------------------------------------------------------------------

def toggle_compact(panel) -> None:
    panel.window.compact_action.trigger()


def test_compact_mode_shows_the_same_state_and_sends_through_the_same_ticket(alongside):
    window, compact = alongside.window, alongside.window.compact
    alongside.qtbot.waitUntil(lambda: window.panel.market.view().usable is not None, timeout=10_000)
    alongside.wait_armed()
    toggle_compact(alongside)
    assert compact.isVisible() and not window.isVisible()
    assert compact.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert compact.position.text().startswith("LONG 2")
    pnl = window.panel.market_state().pnl.split()[1]  # "P&L +0.00 (+0 ticks)": the figure
    assert pnl in compact.position.text() and pnl in window.body.strip.line.text()
    assert compact.last.text().startswith("Last ")
    assert compact.reverse_button.isEnabled()
    assert compact.reason.text() == window.body.ticket.reason.text()
    with wait_event(alongside.qtbot, window.panel.events.order_finished, timeout=10_000):
        alongside.qtbot.mouseClick(compact.reverse_button, Qt.MouseButton.LeftButton)
        alongside.qtbot.mouseClick(compact.reverse_button, Qt.MouseButton.LeftButton)
    assert len(alongside.orders()) == 1
    alongside.qtbot.waitUntil(lambda: compact.position.text().startswith("SHORT 2"))
    assert compact.result.text().startswith("Order ")


def test_toggling_back_and_forth_keeps_the_tickets_state(alongside):
    window, compact = alongside.window, alongside.window.compact
    alongside.wait_armed()
    arm(alongside)
    alongside.click_reverse()
    phase, reading = window.panel.ticket.phase, window.panel.ticket.reading
    for _ in range(3):
        toggle_compact(alongside)
        toggle_compact(alongside)
    assert window.isVisible() and not compact.isVisible()
    assert (window.panel.ticket.phase, window.panel.ticket.reading) == (phase, reading)
    assert window.panel.hotkey.arm.armed, "compact mode is a view: the arm switch is untouched"
    toggle_compact(alongside)
    assert compact.hotkey.text() == "HOTKEY ARMED Ctrl+Alt+R"
    assert compact.reverse_button.text() == window.body.ticket.reverse_button.text()


def test_compact_geometry_is_its_own_and_kept_on_screen(alongside):
    window, compact = alongside.window, alongside.window.compact
    toggle_compact(alongside)
    screen = compact.screen().availableGeometry()
    assert (compact.width(), compact.height()) == (340, 176)
    compact.move(screen.right() - 100, screen.bottom() - 40)  # mostly off the screen
    toggle_compact(alongside)  # saved on the way back
    toggle_compact(alongside)
    assert screen.contains(compact.frameGeometry())
    compact.close()  # closing it returns to the full panel
    assert window.isVisible() and not compact.isVisible()
    assert not window.compact_action.isChecked()
    assert window.window_state.load("compact_geometry") is not None
    assert QRect(window.frameGeometry()).intersects(screen)


# --- sounds ---------------------------------------------------------------------------------

class RecordingPlayer:
    def __init__(self) -> None:
        self.played: list[str] = []

    def __call__(self, path: str) -> None:
        self.played.append(path.rsplit("sound-", 1)[-1].removesuffix(".wav"))


ALL_SOUNDS_ON = {event.preference: True for event in SoundEvent}







def test_the_settings_dialog_saves_a_sound_and_the_global_hotkey(alongside):
    from PySide6.QtGui import QKeySequence

    dialog = alongside.window.open_settings()
    dialog.sounds[SoundEvent.REJECTED].setChecked(True)
    dialog.global_hotkey.setKeySequence(QKeySequence("Shift+F9"))
    dialog.accept()
    assert "would fire in every program" in dialog.hotkey_problem.text()
    dialog.global_hotkey.setKeySequence(QKeySequence("Ctrl+Alt+F9"))
    dialog.accept()
    prefs = alongside.model.preferences
    assert (prefs.get("sound_rejected"), prefs.get("sound_sent")) == (True, False)
    assert alongside.model.hotkey.chord.text() == "Ctrl+Alt+F9"
    assert alongside.model.options.sounds == {SoundEvent.REJECTED}


# --- 408: is NinjaTrader running here? ----------------------------------------------------
