"""The Panel's rules against the simulator over loopback, with no Qt and no qasync loop: what a
trader relies on (one press one order, nothing on a stale or foreign position, nothing survives
a switch, every failure said), driven through the panel's inputs and read from its events."""

from dataclasses import replace

import pytest

from ctpanel.backend import Mode
from ctpanel.core.desk.reverse import ReverseReport, UncertainOutcome
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderSide, OrderType
from ctpanel.panel.notices import Level
from ctpanel.panel.ticket import Phase
from tests.panel.conftest import until


async def test_the_selection_and_the_mirror_preview_live_in_the_panel(driven):
    panel = driven.panel
    assert (panel.account, panel.instrument) == ("Sim101", "ES 12-26")
    await driven.wait_armed()
    state = panel.ticket_state
    assert state.arming.armed and state.preview == "Long 2 -> Short 2, MARKET, DAY"
    assert driven.heard.last("follow") == (OrderSide.SELL, 2), "the form is told the mirror"
    assert panel.mode_view().title == "ctpanel — DEMO — Sim101"


async def test_a_storm_of_presses_sends_one_order_then_re_arms_on_the_new_position(driven):
    driven.sim.add_fault(apis=["ReversePosition"], latency=0.3, execute=True)
    await driven.wait_armed()
    for _ in range(20):
        driven.panel.press()
        driven.panel.global_press()  # disarmed: nothing goes on to the ticket
    assert driven.panel.ticket_state.arming.label == "SENDING…"
    await until(lambda: driven.heard.of("order_finished"), 10)
    assert len(driven.orders()) == 1
    await driven.wait_for("Short 2")
    driven.panel.press()  # inside the re-arm delay (the fake clock has not moved)
    assert len(driven.orders()) == 1
    assert driven.lines().count("Ignored: too soon after the last order.") == 1
    report = await driven.press_and_wait()
    assert report.after.describe() == "Long 2" and len(driven.orders()) == 2


async def test_the_order_id_the_position_words_and_the_fill_are_said(driven):
    report = await driven.press_and_wait()
    order_id = report.result.order_id
    accepted = next(n for n in driven.panel.notices.entries() if n.order_id == order_id)
    assert accepted.level is Level.SUCCESS and "SELL 2 ES 12-26 MARKET DAY on Sim101" \
        in accepted.text
    assert "Position ES 12-26 on Sim101: Long 2 -> Short 2" in driven.lines()
    await until(lambda: f"Order {order_id}: Filled 2 @" in driven.lines(), 10)

    def journaled_fills() -> list[str]:
        return [r["order_id"] for r in driven.panel.journal.read_last()
                if r.get("kind") == "fill"]
    await until(lambda: order_id in journaled_fills(), what="the fill journaled")


async def test_no_position_means_no_order_and_says_why(driven):
    await driven.select("Sim103", "ES 12-26", "Flat")
    assert not driven.armed()
    assert driven.panel.ticket_state.arming.reason == "No open position in ES 12-26 on Sim103."
    driven.panel.press()
    assert driven.orders() == []
    assert "Reverse not sent: No open position" in driven.lines()


async def test_a_form_problem_is_the_reason_and_the_other_problems_stand_by_the_fields(driven):
    await driven.wait_armed()
    driven.panel.form_changed(FormState(order_type=OrderType.LIMIT, oco_id="x" * 80))
    state = driven.panel.ticket_state
    assert not state.arming.armed
    assert state.arming.reason == "Limit price is required for LIMIT orders."
    assert "OCO" in state.problems and state.arming.reason not in state.problems
    driven.panel.form_changed(FormState(order_type=OrderType.LIMIT, limit_price=6900.25))
    assert driven.armed()


async def test_a_new_instrument_forgets_the_old_prices_and_position(driven):
    await driven.wait_armed()
    cleared = len(driven.heard.of("prices_cleared"))
    driven.panel.select("Sim101", "NQ 12-26")
    assert driven.panel.position() is None and not driven.armed(), "nothing of ES survives"
    assert len(driven.heard.of("prices_cleared")) == cleared + 1
    assert driven.heard.last("position") == (None,)
    await driven.wait_for("Short 1")


async def test_a_new_account_moves_to_an_instrument_it_holds(driven):
    driven.panel.select("Sim102", "ES 12-26")
    await driven.wait_for("Short 3")
    assert driven.panel.instrument == "MES 12-26"
    open_instruments, _recent, selected = driven.heard.last("instruments")
    assert "MES 12-26" in open_instruments and selected == "MES 12-26"


async def test_a_picked_instrument_wins_over_the_new_account_s_move(driven):
    driven.panel.select("Sim102", "ES 12-26")
    driven.panel.select("Sim102", "ES 12-26")  # the trader picked ES on purpose
    await driven.wait_for("Flat")
    assert driven.panel.instrument == "ES 12-26"


async def test_asked_and_declined_nothing_is_sent(make_panel):
    made = await make_panel(preferences={"confirm": "always"}, confirm_answer=False)
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_armed()
    made.panel.press()
    assert made.panel.ticket_state.arming.label == "CONFIRM?"
    await until(lambda: "Reverse cancelled; nothing was sent." in made.lines())
    assert made.orders() == []
    assert "DEMO account Sim101" in made.confirmer.asked[0]
    assert "Long 2 -> Short 2, MARKET, DAY" in made.confirmer.asked[0]


async def test_an_unknown_outcome_is_checked_never_re_sent(make_panel):
    made = await make_panel(timeout=1.0, preferences={"sound_unknown": True})
    await made.select("Sim101", "ES 12-26", "Long 2")
    made.sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True, times=1)
    outcome = await made.press_and_wait()
    assert isinstance(outcome, UncertainOutcome)
    await made.wait_for("Short 2")  # read after the outcome
    assert len(made.orders()) == 1
    assert made.played == ["sound-unknown.wav"]


async def test_waiting_for_an_answer_the_panel_looks_and_says_what_it_sees(make_panel):
    made = await make_panel(timeout=6.0)
    made.panel.orders.wait_before_looking = 0.2
    await made.select("Sim101", "ES 12-26", "Long 2")
    made.sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True)
    await made.wait_armed()
    made.panel.press()
    await until(lambda: "read while waiting for the answer" in made.lines())
    assert made.panel.ticket.phase is Phase.SENDING
    assert made.heard.last("position_note") == ("read while waiting for the answer",)
    assert "the position now reads Short 2" in made.lines()
    assert len(made.orders()) == 1


@pytest.mark.parametrize(("arrange", "words"), [
    (lambda sim: sim.add_fault(apis=["ReversePosition"], status=401,
                               body={"error": "unauthorized"}, times=1),
     "did not accept the API token"),
    (lambda sim: setattr(sim.state, "ninjatrader_connected", False),
     "NinjaTrader is not connected to CrossTrade (408)"),
])
async def test_a_failure_is_said_the_light_turns_and_the_panel_keeps_working(driven, arrange,
                                                                             words):
    arrange(driven.sim)
    await driven.press_and_wait()
    assert words in driven.lines()
    assert driven.panel.connection.lights.crosstrade.state.value == "ok", "it answered"
    driven.sim.faults.clear()
    driven.sim.state.ninjatrader_connected = True
    driven.panel.select("Sim101", "ES 12-26")
    await driven.wait_for("Long 2")
    report = await driven.press_and_wait()
    assert isinstance(report, ReverseReport) and report.after.describe() == "Short 2"


async def test_the_global_hotkey_is_armed_on_purpose_and_disarmed_by_a_change(driven):
    panel, registrar = driven.panel, driven.registrar
    assert not panel.hotkey.armed and registrar.registered is None
    panel.set_armed(True)
    assert panel.hotkey.armed and registrar.registered.text() == "Ctrl+Alt+R"
    assert panel.mode_view().band.startswith("HOTKEY ARMED (Ctrl+Alt+R)")
    await driven.wait_armed()
    for _ in range(5):
        registrar.press()  # a storm from another program: one order
    await until(lambda: driven.heard.of("order_finished"), 10)
    assert len(driven.orders()) == 1
    panel.select("Sim102", "ES 12-26")
    assert not panel.hotkey.armed and registrar.registered is None
    assert "the account changed" in driven.lines()
    panel.set_armed(True)
    await panel.switch_backend(Mode.DEMO, None)
    assert not panel.hotkey.armed and "the mode changed" in driven.lines()


async def test_the_hotkey_disarms_when_reverse_cannot_send_for_a_while(driven):
    panel = driven.panel
    await driven.wait_armed()
    panel.set_armed(True)
    panel.form_changed(FormState(order_type=OrderType.LIMIT))  # no price: cannot send
    driven.clock.now += 6
    panel.clock_tick()
    assert not panel.hotkey.armed
    assert "Reverse could not send for 5 s" in panel.hotkey.view().note


async def test_a_taken_combination_is_said_and_nothing_is_armed(make_panel):
    made = await make_panel(problem="Ctrl+Alt+R is already taken by another program")
    made.panel.set_armed(True)
    assert not made.panel.hotkey.armed
    assert "already taken by another program" in made.lines()


async def test_a_switch_of_backend_shows_nothing_of_the_old_one(driven):
    await driven.wait_armed()
    old = driven.panel.backend
    await driven.panel.switch_backend(Mode.DEMO, None)
    assert driven.panel.backend is not old
    assert driven.panel.position() is None and not driven.armed()
    lights = driven.heard.of("status")[-1][0].status
    assert lights.crosstrade.state.value == "unknown" or lights.crosstrade.state.value == "ok"
    await until(lambda: driven.heard.of("accounts")[-1][0] is not None)
    await driven.wait_for("Long 2")


async def test_preferences_apply_once_read(driven):
    panel = driven.panel
    panel.preferences.set("rearm_delay", 99)  # a hand-edited value: kept in range
    panel.preferences.set("sound_filled", True)
    panel.apply()
    assert panel.options.rearm_delay == 5.0 and panel.ticket.rearm_delay == 5.0
    assert driven.heard.last("options")[0] is panel.options
    assert {event.value for event in panel.options.sounds} == {"filled"}


async def test_the_mirror_choice_is_remembered_and_a_hand_set_action_follows_after_an_order(
        driven):
    panel = driven.panel
    # What the form does with the mirror it is told (the Qt form's binding is tested in qt).
    panel.events.follow.connect(lambda action, quantity: panel.form_changed(
        replace(panel.form, action=action, quantity=quantity)))
    panel.form_changed(FormState(mirror=False, action=OrderSide.SELL, quantity=3))
    assert panel.preferences.get("mirror") is False
    report = await driven.press_and_wait()
    assert report.after.describe() == "Short 3"
    await driven.wait_armed()
    assert driven.heard.last("follow") == (OrderSide.BUY, 3), "back to the mirror of Short 3"
    assert driven.panel.ticket_state.preview == "Short 3 -> Long 3, MARKET, DAY"


async def test_shutdown_lets_an_order_in_flight_finish_and_journals_it(driven):
    driven.sim.add_fault(apis=["ReversePosition"], latency=0.4, execute=True)
    await driven.wait_armed()
    driven.panel.press()
    assert driven.panel.ticket.phase is Phase.SENDING
    await driven.panel.shutdown()
    [record] = [r for r in driven.panel.journal.read_last() if r.get("kind") == "reverse"]
    assert record["status"] == "ok" and len(driven.orders()) == 1


async def test_a_press_before_any_backend_does_nothing(tmp_path):
    from ctpanel.core.store.credentials import MemoryTokenStore
    from ctpanel.core.store.journal import Journal
    from ctpanel.panel.options import MemoryPreferences
    from ctpanel.panel.panel import Panel
    from tests.panel.conftest import ScriptedConfirmer

    async def never(mode, token):
        raise AssertionError("not opened")

    panel = Panel(preferences=MemoryPreferences(), journal=Journal(tmp_path / "j.jsonl"),
                  backend_factory=never, token_store=MemoryTokenStore(),
                  confirmer=ScriptedConfirmer())
    assert panel.mode_view().mode == "starting"
    assert panel.ticket_state.arming.reason == "Connecting…"
    panel.press()
    panel.set_armed(True)
    assert not panel.hotkey.armed and panel.ticket.phase is Phase.IDLE


async def test_the_order_is_for_the_selection_whatever_the_form_says(driven):
    driven.panel.form_changed(FormState(account="Sim102", instrument="NQ"))  # stale fields
    report = await driven.press_and_wait()
    assert (report.order.account, report.order.instrument) == ("Sim101", "ES 12-26")
