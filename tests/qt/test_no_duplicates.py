"""Property: the orders sent equal the activations made while the panel was idle, never more.

Hypothesis draws sequences of clicks, double clicks, hotkey presses and direct calls, with
fast, slow or failing replies, and settles in between at random.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from ctpanel.panel.ticket import Phase

MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
REPLIES = {
    "fast": {},
    "slow": {"latency": 0.15, "execute": True},
    "server error": {"status": 500, "body": {"error": "boom"}},
    "rejected": {"status": 400, "body": {"error": "Order rejected by the risk check"}},
    "lost": {"drop": True, "execute": True},
}
ACTIONS = ["click", "double click", "hotkey", "call", "settle"]


def activate(panel, action: str) -> None:
    window = panel.window
    if action == "click":
        panel.qtbot.mouseClick(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
    elif action == "double click":
        # What a window system delivers: press, release, press + double-click, release.
        # (QTest.mouseDClick alone sends only the double-click event, which clicks nothing.)
        panel.qtbot.mouseClick(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
        panel.qtbot.mousePress(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
        panel.qtbot.mouseDClick(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
        panel.qtbot.mouseRelease(window.body.ticket.reverse_button, Qt.MouseButton.LeftButton)
    elif action == "hotkey":
        panel.qtbot.keyClick(window, Qt.Key.Key_R, MODIFIERS)
    elif action == "call":
        window.panel.press()


def settle(panel) -> None:
    """Wait until no order is in flight and the position is known again."""
    window = panel.window
    panel.qtbot.waitUntil(lambda: window.panel.ticket.phase is Phase.IDLE
                          and window.panel.position() is not None, timeout=10_000)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reply=st.sampled_from(list(REPLIES)),
       actions=st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=10))
def test_orders_sent_equal_idle_activations(panel, reply, actions):
    panel.sim.faults.clear()
    if REPLIES[reply]:
        panel.sim.add_fault(apis=["ReversePosition"], **REPLIES[reply])
    settle(panel)
    before = len(panel.orders())
    expected = 0
    for action in actions:
        if action == "settle":
            settle(panel)
            continue
        idle = panel.button.isEnabled()
        activate(panel, action)
        expected += idle
    settle(panel)
    assert len(panel.orders()) - before == expected
