"""The market-aware panel against the simulator over loopback: live prices (and the loop's lag
while they stream), the subscription budget while switching instruments, ticks, side-of-market
checks, smart confirmation, and the fill line of every order."""

import asyncio
import statistics

from ctpanel.core.domain.models import OrderType
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




