"""Every outcome of a press through the Panel, with no Qt: the words each failure is said in,
the transport, the entry of a stop reverse, the fill line, the market checks and the sounds."""

import pytest

from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderType, Transport
from tests.panel.conftest import until

FAILURES = {
    "no position": (lambda sim: sim.state.set_position("Sim101", "ES", 0),
                    "There is no open position in that instrument"),
    "bad token": (lambda sim: sim.add_fault(apis=["ReversePosition"], status=401,
                                            body={"error": "unauthorized"}, times=1),
                  "did not accept the API token"),
    "NinjaTrader not connected": (
        lambda sim: setattr(sim.state, "ninjatrader_connected", False),
        "NinjaTrader is not connected to CrossTrade (408)"),
    "rate limited": (lambda sim: sim.add_fault(apis=["ReversePosition"], status=429,
                                               body={"error": "Rate limit exceeded"},
                                               headers={"Retry-After": "4"}, times=1),
                     "rate limit was reached (429); wait 4 s"),
    "server error": (lambda sim: sim.add_fault(apis=["ReversePosition"], status=500,
                                               body={"error": "boom"}, times=1),
                     "Outcome unknown. CrossTrade had a server error (HTTP 500)"),
    "unreadable reply": (lambda sim: sim.add_fault(apis=["ReversePosition"], status=200,
                                                   body="<html>oops</html>",
                                                   content_type="text/html", times=1),
                         "could not be read (HTTP 200, not JSON)"),
}


@pytest.mark.parametrize("case", list(FAILURES))
async def test_each_failure_is_said_never_re_sent_and_the_panel_keeps_working(driven, case):
    arrange, words = FAILURES[case]
    await driven.wait_armed()
    arrange(driven.sim)
    await driven.press_and_wait()
    assert words in driven.lines()
    assert len(driven.orders()) == 1, "never re-sent"
    assert driven.panel.ticket_state.arming.label == "REVERSE"
    driven.sim.faults.clear()
    driven.sim.state.ninjatrader_connected = True
    driven.sim.state.set_position("Sim101", "ES", 2)
    driven.panel.select("Sim101", "ES 12-26")
    await driven.wait_for("Long 2")
    report = await driven.press_and_wait()
    assert report.after.describe() == "Short 2"


async def test_demo_is_not_confirmed_by_default(driven):
    await driven.press_and_wait()
    assert driven.confirmer.asked == [] and len(driven.orders()) == 1


async def test_the_websocket_transport(make_panel):
    made = await make_panel(preferences={"transport": "ws"})
    await made.select("Sim101", "ES 12-26", "Long 2")
    await until(lambda: made.panel.connection.lights.websocket.state.value == "ok")
    report = await made.press_and_wait()
    assert report.transport is Transport.WS
    assert [o.transport for o in made.orders()] == ["ws"]


async def test_the_order_id_is_said_before_the_position_is_re_read(driven):
    await driven.wait_armed()
    await until(lambda: not driven.panel.positions.reading())  # no read left to take the fault
    driven.sim.add_fault(apis=["GetPosition"], latency=0.5, execute=True, times=1)
    driven.panel.press()
    await until(lambda: driven.heard.of("order_accepted"))
    [(result,)] = driven.heard.of("order_accepted")
    assert result.order_id in driven.lines()
    assert driven.panel.ticket_state.arming.label == "SENDING…", "the re-read is running"
    await until(lambda: driven.heard.of("order_finished"))


async def test_a_stop_reverse_previews_and_reports_flat_with_the_entry_working(driven):
    await driven.wait_armed()
    driven.panel.form_changed(FormState(order_type=OrderType.STOPMARKET, stop_price=1))
    assert driven.panel.ticket_state.preview == \
        "Long 2 -> Flat, then SELL 2 STOPMARKET @ 1.00 working, DAY"
    report = await driven.press_and_wait()
    assert report.after.is_flat and report.entry_state == "Working"
    [line] = [line for line in driven.panel.notices.lines() if "flat until it fills" in line]
    assert f"is working (order {report.result.order_id})" in line
    await until(lambda: f"Order {report.result.order_id}: Working: SELL 2 STOPMARKET @"
                in driven.lines(), 10)


async def test_a_rejected_entry_says_why(driven):
    reason = "Order rejected by the risk check"  # what this test makes NinjaTrader say
    driven.sim.state.reject_next = reason
    report = await driven.press_and_wait()
    await until(lambda: f"Order {report.result.order_id}: Rejected: {reason}" in driven.lines(),
                10)


async def test_a_sell_stop_above_the_market_is_refused_in_plain_words(driven):
    await driven.wait_quote()
    bid = driven.panel.market.view().usable.bid
    driven.panel.form_changed(FormState(order_type=OrderType.STOPMARKET, stop_price=bid + 10))
    assert "A sell stop must be below the market: bid is" in \
        driven.panel.ticket_state.arming.reason
    assert not driven.armed()


async def test_a_price_far_from_the_market_asks_even_with_confirmations_off(make_panel):
    made = await make_panel(preferences={"confirm": "never", "confirm_distance_ticks": 40},
                            confirm_answer=False)
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_quote()
    made.panel.type_picked()  # nothing to fill in for MARKET
    bid = made.panel.market.view().usable.bid
    made.panel.form_changed(FormState(order_type=OrderType.STOPMARKET, stop_price=bid - 100))
    await made.wait_armed()
    made.panel.press()
    await until(lambda: made.confirmer.asked)
    assert "Far from the market" in made.confirmer.asked[-1]
    await until(lambda: "Reverse cancelled; nothing was sent." in made.lines())
    assert made.orders() == []


async def test_a_stop_type_picked_is_prefilled_from_the_market(driven):
    await driven.wait_quote()
    quote = driven.panel.market.view().usable
    driven.panel.form_changed(FormState(order_type=OrderType.STOPMARKET))
    driven.panel.type_picked()
    assert driven.heard.last("prefill") == (None, quote.bid - 4 * 0.25)  # a sell stop, 4 ticks
    assert driven.heard.last("tick") == (0.25,)


ALL_SOUNDS = {"sound_sent": True, "sound_filled": True, "sound_rejected": True,
              "sound_unknown": True}


@pytest.mark.parametrize(("preferences", "arrange", "heard"), [
    (ALL_SOUNDS, None, ["sent", "filled"]),
    (ALL_SOUNDS, lambda sim: setattr(sim.state, "reject_next", "risk check"),
     ["sent", "rejected"]),
    ({"sound_filled": True}, None, ["filled"]),
    ({}, None, []),
])
async def test_sounds_for_the_events_the_trader_chose(make_panel, preferences, arrange, heard):
    made = await make_panel(preferences=preferences)
    await made.select("Sim101", "ES 12-26", "Long 2")
    if arrange:
        arrange(made.sim)
    report = await made.press_and_wait()
    order_id = report.result.order_id
    await until(lambda: len([n for n in made.panel.notices.entries()
                             if n.order_id == order_id]) == 2, 10, "the fill line")
    assert [name.removeprefix("sound-").removesuffix(".wav") for name in made.played] == heard
