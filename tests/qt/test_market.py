"""The market-aware panel against the simulator over loopback: live prices (and the loop's lag
while they stream), the subscription budget while switching instruments, ticks, side-of-market
checks, smart confirmation, and the fill line of every order."""

import asyncio
import statistics

from PySide6.QtCore import Qt

from ctpanel.core.models import OrderType
from tests.qt.conftest import run_async


def quote_text(panel) -> str:
    return panel.window.body.quote_line.text()


def pick_order_type(panel, order_type: OrderType) -> None:
    """As the trader does: the combo's choice (which also fills prices from the market)."""
    combo = panel.form.order_type
    combo.setCurrentIndex(combo.findData(order_type.value))
    combo.activated.emit(combo.currentIndex())


async def loop_lag(seconds: float, step: float = 0.005) -> list[float]:
    loop = asyncio.get_running_loop()
    lags, end = [], loop.time() + seconds
    while loop.time() < end:
        before = loop.time()
        await asyncio.sleep(step)
        lags.append(loop.time() - before - step)
    return lags


def test_live_prices_stream_into_the_panel_and_the_loop_stays_responsive(panel):
    panel.sim.push_interval = 0.05  # 20 quotes a second
    panel.qtbot.waitUntil(lambda: " live " in quote_text(panel), timeout=10_000)
    seen: list[str] = []
    line = panel.window.body.quote_line
    line.show_view = _recording(line.show_view, seen)
    lags = run_async(panel.qtbot, loop_lag(3.0), timeout=10_000)
    p99 = statistics.quantiles(lags, n=100)[98] * 1000
    print(f"loop lag while streaming 20 quotes/s: p50 {statistics.median(lags) * 1000:.2f} ms, "
          f"p99 {p99:.2f} ms over {len(lags)} samples; {len(seen)} quotes shown")
    assert p99 <= 16.0
    assert len(seen) >= 40, "the prices on screen follow the stream (60 pushed in 3 s)"
    assert quote_text(panel).startswith("Bid 6,")


def _recording(show, seen):
    def wrapper(view):
        show(view)
        seen.append(view.quote.last if view.quote else None)
    return wrapper


def test_a_stale_or_closed_market_is_said(panel):
    panel.qtbot.waitUntil(lambda: "Bid" in quote_text(panel), timeout=10_000)
    panel.sim.state.market.is_open = False
    panel.qtbot.waitUntil(lambda: quote_text(panel).startswith("MARKET CLOSED"), timeout=10_000)
    panel.model.market.stale_after = 0.0  # every quote is now too old to use
    panel.qtbot.waitUntil(lambda: "STALE" in quote_text(panel), timeout=5000)
    assert "at about" not in panel.ticket.preview.text(), "no reference price from a stale quote"


def test_switching_instruments_fifty_times_stays_inside_the_subscription_budget(panel):
    names = ["NQ", "CL", "GC", "MES", "MNQ", "ES"]
    for index in range(50):
        panel.pick_instrument(names[index % len(names)])
        panel.qtbot.wait(450 if index % 5 == 4 else 20)  # some picks settle, most do not
    panel.pick_instrument("NQ")
    panel.qtbot.waitUntil(lambda: "NQ 12-26" in (panel.model.market.full_name() or ""),
                          timeout=5000)
    panel.qtbot.waitUntil(lambda: "Bid 25," in quote_text(panel), timeout=10_000)
    panel.wait_for_position("Short 1", timeout=10_000)  # read once the budget had room
    assert panel.sim.subscriptions_over_budget == 0
    assert panel.sim.over_budget == 0
    assert len(panel.model.market.subscribed) <= 3


def test_prices_step_one_tick_snap_and_fill_in_from_the_market(panel):
    panel.qtbot.waitUntil(lambda: panel.form.tick_size == 0.25, timeout=10_000)
    pick_order_type(panel, OrderType.STOPMARKET)
    quote = panel.model.market.view().quote
    assert panel.form.stop_price.value() == quote.bid - 4 * 0.25  # a sell stop, 4 ticks below
    assert panel.form.stop_price.singleStep() == 0.25
    panel.form.stop_price.setValue(6800.1)
    panel.form.stop_price.editingFinished.emit()
    assert panel.form.stop_price.value() == 6800.0
    assert any("moved to 6,800.00, on the 0.25 tick grid" in line for line in panel.log_lines())


def test_a_sell_stop_above_the_market_is_refused_in_plain_words(panel):
    panel.qtbot.waitUntil(lambda: panel.form.tick_size == 0.25, timeout=10_000)
    pick_order_type(panel, OrderType.STOPMARKET)
    panel.form.stop_price.setValue(panel.model.market.view().quote.bid + 10)
    panel.qtbot.waitUntil(lambda: "A sell stop must be below the market: bid is"
                          in panel.ticket.reason.text(), timeout=5000)
    assert not panel.button.isEnabled()


def test_a_price_far_from_the_market_asks_even_with_confirmations_off(panel_factory):
    panel = panel_factory(preferences={"confirm": "never", "confirm_distance_ticks": 40})
    panel.pick("Sim101", "ES 12-26", "Long 2")
    panel.qtbot.waitUntil(lambda: panel.form.tick_size == 0.25, timeout=10_000)
    pick_order_type(panel, OrderType.STOPMARKET)
    panel.form.stop_price.setValue(panel.model.market.view().quote.bid - 100)  # 400 ticks
    panel.confirm.answer = False
    panel.wait_armed()
    panel.qtbot.mouseClick(panel.button, Qt.MouseButton.LeftButton)
    panel.qtbot.waitUntil(lambda: bool(panel.confirm.asked))
    assert "Far from the market" in panel.confirm.asked[-1]
    assert panel.orders() == []


def test_the_fill_of_a_market_reverse_is_shown_and_journaled(panel):
    panel.qtbot.waitUntil(lambda: panel.form.tick_size == 0.25, timeout=10_000)
    report = panel.click_reverse()
    order_id = report.result.order_id
    panel.qtbot.waitUntil(lambda: any(f"Order {order_id}: Filled 2 @" in line
                                      for line in panel.log_lines()), timeout=10_000)
    line = next(line for line in panel.log_lines() if f"{order_id}: Filled" in line)
    assert "vs last at click" in line or "than last at click" in line
    fills = [r for r in panel.model.journal.read_last() if r.get("kind") == "fill"]
    assert fills[-1]["order_id"] == order_id and fills[-1]["filled"] == 2


def test_a_working_stop_entry_is_followed_to_working(panel):
    panel.qtbot.waitUntil(lambda: panel.form.tick_size == 0.25, timeout=10_000)
    pick_order_type(panel, OrderType.STOPMARKET)
    report = panel.click_reverse()
    order_id = report.result.order_id
    panel.qtbot.waitUntil(lambda: any(f"Order {order_id}: Working: SELL 2 STOPMARKET @" in line
                                      for line in panel.log_lines()), timeout=10_000)


def test_a_rejected_entry_says_why(panel):
    reason = "Order rejected by the risk check"  # what this test makes NinjaTrader say
    panel.sim.state.reject_next = reason
    report = panel.click_reverse()
    order_id = report.result.order_id
    panel.qtbot.waitUntil(lambda: any(f"Order {order_id}: Rejected: {reason}" in line
                                      for line in panel.log_lines()), timeout=10_000)
