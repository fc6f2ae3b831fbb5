"""Pacing: the panel's own polling never causes a 429, and never delays or confuses an order."""

from PySide6.QtCore import Qt

from tests.qt.conftest import wait_event


def test_fast_polling_stays_inside_the_budget_and_the_order_still_goes(panel):
    assert panel.sim.rate_limit == (20, 3.0), "CrossTrade's budget is enforced"
    panel.window.ticks.poll.setInterval(20)  # fifty times the normal rate
    panel.qtbot.waitUntil(
        lambda: sum(r.api == "GetPosition" for r in panel.sim.received) >= 12, timeout=15_000)
    assert panel.sim.over_budget == 0, "our polls never hit the rate limit"
    with wait_event(panel.qtbot, panel.model.events.order_finished, timeout=10_000) as done:
        panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert done.args[0].after.describe() == "Short 2"
    assert panel.sim.over_budget == 0


def test_an_order_does_not_wait_behind_a_slow_poll_and_its_answer_is_not_overwritten(panel):
    window = panel.window
    panel.qtbot.waitUntil(lambda: not window.panel.positions.reading())
    reads = sum(r.api == "GetPosition" for r in panel.sim.received)
    panel.sim.add_fault(apis=["GetPosition"], stale_for=1.0, times=1)
    window.panel.poll_tick()  # a poll reads "Long 2" now, and its answer takes 1 s to arrive
    panel.qtbot.waitUntil(
        lambda: sum(r.api == "GetPosition" for r in panel.sim.received) == reads + 1)
    with wait_event(panel.qtbot, panel.model.events.order_finished, timeout=5000) as done:
        panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    assert done.args[0].result.round_trip_ms < 500, "not queued behind the 1 s poll"
    panel.wait_for_position("Short 2")
    polls = sum(r.api == "GetPosition" for r in panel.sim.received)
    panel.qtbot.waitUntil(lambda: panel.sim.answered >= len(panel.sim.received))  # slow one too
    # Were the stale answer (Long 2) still awaited, it would arrive within moments now.
    with wait_event(panel.qtbot, panel.model.events.position, timeout=500,
                                raising=False) as late:
        pass
    assert not late.triggered or late.args[0].describe() == "Short 2"
    assert panel.ticket.preview.text().startswith("Short 2 -> Long 2"), \
        "the stale poll must not flip the mirror back"
    assert polls >= 2
