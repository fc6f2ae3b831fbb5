"""Close, Flatten and Cancel through the Panel, with no Qt, against the simulator over loopback:
the previews, one request per intent, the account read back, the words, the journal, the
sounds, and Flatten everything only behind its confirmation."""

import json

import pytest

from ctpanel.backend import Mode
from ctpanel.core.desk.exits import UncertainExit
from ctpanel.core.domain.exits import ExitReport, ExitResult
from ctpanel.core.domain.form import FormState
from ctpanel.core.domain.models import OrderType
from ctpanel.core.domain.states import Intent
from ctpanel.panel.plans import ExitChoices, Portion
from ctpanel.panel.sounds import SoundEvent
from ctpanel.panel.ticket import TOO_SOON
from ctpanel.sim.state import SimAccount
from tests.panel.conftest import until

ORDER_APIS = ("ReversePosition", "ClosePosition", "Flatten", "FlattenEverything", "Cancel",
              "CancelOrders", "PlaceOrder")


def journal(driven) -> list[dict]:
    return [json.loads(line) for line in
            driven.panel.journal.path.read_text().splitlines()]


def working_orders(driven, count: int = 2) -> None:
    """A stop and a target resting in ES 12-26 on Sim101 (placed behind the panel's back)."""
    state = driven.sim.state
    holder, contract = state.account("Sim101"), state.market.resolve("ES")
    from ctpanel.sim.book import OrderSpec
    for price in (6000.0, 9000.0)[:count]:
        kind = "STOPMARKET" if price < 7000 else "LIMIT"
        ticket = OrderSpec(contract, "SELL", 2, kind, "GTC", price if kind == "LIMIT" else None,
                           price if kind != "LIMIT" else None, None, None)
        state._execute(holder, ticket)


async def fresh_read(driven) -> None:
    """A poll, as the view's 5 s timer would make it, so what was placed behind the panel's
    back is in the picture."""
    await until(lambda: not driven.panel.positions.reading())
    await until(driven.panel.positions.watcher.may_poll, what="room in the budget")
    await driven.panel.positions.watcher.poll()


async def test_close_all_says_what_it_will_do_sends_once_and_reads_flat_back(driven):
    working_orders(driven)
    await fresh_read(driven)
    await driven.wait_armed("close")
    assert driven.arming("close").preview == "Long 2 -> Flat (cancels 2 working orders)"
    report = await driven.press_and_wait("close")
    assert isinstance(report, ExitReport)
    [request] = driven.requests("ClosePosition")
    assert request.body == {"instrument": "ES 12-26"}
    assert "Close: Long 2 -> Flat; 2 orders cancelled; none still working" in driven.lines()
    assert driven.panel.position().describe() == "Flat"
    await driven.wait_armed("flatten")  # re-armed on the position read after the close...
    assert driven.arming("close").reason == "Flat in ES 12-26: nothing to close."
    [record] = [r for r in journal(driven) if r["kind"] == "close"]
    assert record["status"] == "ok" and record["outcome"].startswith("Long 2 -> Flat")
    assert SoundEvent.SENT.value in " ".join(driven.played) or driven.played == []


async def test_a_partial_close_keeps_the_stop_and_target_and_says_so(driven):
    driven.sim.state.set_position("Sim101", "ES", 3)
    working_orders(driven)
    await fresh_read(driven)
    driven.panel.exits_changed(ExitChoices(Portion.THIRD))
    await driven.wait_armed("close")
    assert driven.arming("close").preview == "Long 3 -> Long 2 (the 2 working orders stay)"
    driven.panel.exits_changed(ExitChoices(Portion.QUANTITY, quantity=5))  # capped at 3
    assert driven.arming("close").preview == "Long 3 -> Flat (cancels 2 working orders)"
    driven.panel.exits_changed(ExitChoices(Portion.HALF))
    await driven.press_and_wait("close")
    [request] = driven.requests("ClosePosition")
    assert request.body == {"instrument": "ES 12-26", "percent": 0.5}
    assert "Close: Long 3 -> Long 1; still working: SELL 2 STOPMARKET @ 6,000.00" \
        in driven.lines()


@pytest.mark.parametrize("presses", [2, 20])
async def test_a_double_tap_or_a_storm_of_close_presses_is_one_request(driven, presses):
    await driven.wait_armed("close")
    for _ in range(presses):
        driven.panel.press(Intent.CLOSE)
    await until(lambda: driven.heard.of("order_finished"), 10)
    for _ in range(presses):  # and while it re-arms
        driven.panel.press(Intent.CLOSE)
    assert len(driven.requests(*ORDER_APIS)) == 1
    assert driven.lines().count(TOO_SOON) <= 1


async def test_no_exit_goes_while_a_reverse_is_in_flight_and_vice_versa(driven):
    await driven.wait_armed()
    driven.sim.add_fault(apis=["ReversePosition"], latency=0.5, times=1)
    driven.panel.press()
    for action in ("close", "flatten", "cancel"):
        driven.panel.press(action)
        assert driven.arming(action).label == "SENDING…"
    await until(lambda: driven.heard.of("order_finished"), 10)
    assert [r.api for r in driven.requests(*ORDER_APIS)] == ["ReversePosition"]


async def test_flatten_the_account_lists_every_position_and_leaves_nothing(driven):
    working_orders(driven, 1)
    await fresh_read(driven)
    await driven.wait_armed("flatten")
    assert driven.arming("flatten").preview == \
        "Flatten Sim101: Long 2 ES 12-26, Short 1 NQ 12-26, 1 working order"
    report = await driven.press_and_wait("flatten")
    [request] = driven.requests("Flatten")
    assert request.raw_path == "/v1/api/accounts/Sim101/positions/flatten" and request.body == {}
    assert report.words() == "Flatten: Long 2 ES 12-26, Short 1 NQ 12-26 -> Flat; 1 order " \
                             "cancelled; none still working"
    assert driven.sim.state.account("Sim101").positions["NQ 12-26"].signed_quantity == 0


async def test_flatten_only_this_instrument(driven):
    driven.panel.exits_changed(ExitChoices(flatten_instrument_only=True))
    await driven.wait_armed("flatten")
    assert driven.arming("flatten").preview == \
        "Flatten ES 12-26 on Sim101: Long 2, no working orders"
    await driven.press_and_wait("flatten")
    [request] = driven.requests("Flatten")
    assert request.body == {"instrument": "ES 12-26"}
    assert driven.sim.state.account("Sim101").positions["NQ 12-26"].signed_quantity == -1


async def test_a_stop_reverse_s_working_entry_is_listed_and_cancelled_from_the_panel(driven):
    await driven.wait_armed()
    driven.panel.form_changed(FormState(order_type=OrderType.STOPMARKET, stop_price=1))
    report = await driven.press_and_wait()
    entry = report.result.order_id
    await until(lambda: driven.panel.ticket_state.working, what="the entry listed")
    [listed] = driven.panel.ticket_state.working
    assert listed.order_id == entry and listed.order_type == "STOPMARKET"
    assert driven.arming("cancel").preview == "Cancel 1 working order in ES 12-26"
    await driven.wait_armed("cancel")
    report = await driven.press_and_wait("cancel", entry)
    [request] = driven.requests("Cancel")
    assert request.raw_path.endswith(f"/orders/{entry}/cancel")
    assert "Cancel: 1 order cancelled; none still working" in driven.lines()
    assert driven.panel.ticket_state.working == ()
    driven.clock.now += 1  # past the re-arm delay
    driven.panel.refresh_ticket()
    assert driven.arming("cancel").reason == "No working orders in ES 12-26."


async def test_an_exit_whose_answer_is_lost_is_read_again_never_re_sent(driven):
    await driven.wait_armed("close")
    driven.sim.add_fault(apis=["ClosePosition"], drop=True, execute=True, times=1)
    outcome = await driven.press_and_wait("close")
    assert isinstance(outcome, UncertainExit)
    assert "Outcome unknown." in driven.lines() and "Read again: Long 2 -> Flat" \
        in driven.lines() and "most likely carried out" in driven.lines()
    assert len(driven.requests("ClosePosition")) == 1
    [record] = [r for r in journal(driven) if r["kind"] == "close"]
    assert record["status"] == "unknown"
    await driven.wait_for("Flat")


async def test_a_refused_exit_is_said_in_plain_words(driven):
    await driven.wait_armed("close")
    driven.sim.add_fault(apis=["ClosePosition"], status=429, times=1,
                         body={"success": False, "error": "rate_limited", "retryAfter": 3})
    await driven.press_and_wait("close")
    assert "Close failed" in driven.lines() and "rate limit was reached (429); wait 3 s" \
        in driven.lines()
    assert SoundEvent.REJECTED.file_name in driven.played or driven.played == []
    await driven.wait_armed("close")  # the panel keeps working


async def test_flatten_everything_always_asks_after_listing_and_a_no_sends_nothing(
        make_panel):
    made = await make_panel(preferences={"confirm": "never"}, confirm_answer=False)
    await made.select("Sim101", "ES 12-26", "Long 2")
    await made.wait_armed()
    made.panel.flatten_everything()
    await until(lambda: made.confirmer.asked, what="the question")
    assert "Sim101: Long 2 ES 12-26" in made.confirmer.asked[0]
    assert "Sim102: Short 3 MES 12-26" in made.confirmer.asked[0]
    await until(lambda: "Flatten everything cancelled; nothing was sent." in made.lines())
    made.confirmer.answer = True
    made.panel.flatten_everything()
    await until(lambda: made.heard.of("order_finished"), 10)
    [request] = made.requests("FlattenEverything")
    assert request.raw_path == "/v1/api/positions/flatten" and request.body == {}
    assert isinstance(made.heard.of("order_finished")[-1][0], ExitResult)
    assert "Flattened every account: Sim101: Long 2 ES 12-26" in made.lines()
    await made.wait_for("Flat")


async def test_no_path_but_flatten_everything_confirmed_sends_the_empty_flatten_body(driven):
    """Every other action of the panel, each way it can be set, never flattens everything."""
    driven.sim.state.set_position("Sim101", "NQ", 1)
    for choices in (ExitChoices(), ExitChoices(flatten_instrument_only=True)):
        driven.panel.exits_changed(choices)
        for action in ("reverse", "close", "flatten", "cancel"):
            driven.sim.state.set_position("Sim101", "ES", 2)
            await fresh_read(driven)
            driven.panel.press(action)
            await until(lambda: not driven.panel.ticket.busy(), 10)
    driven.confirmer.answer = False
    driven.panel.flatten_everything()
    await until(lambda: not driven.panel.ticket.busy(), 10)
    everything = [r for r in driven.sim.received if r.raw_path == "/v1/api/positions/flatten"
                  or r.api == "FlattenEverything"]
    assert everything == []
    assert driven.requests("ReversePosition", "ClosePosition", "Flatten"), "they did send"


async def test_live_mode_asks_for_a_live_account_not_for_a_simulation_account(make_panel):
    made = await make_panel()
    state = made.sim.state
    state.accounts["apex-1"] = SimAccount(id=9, name="APEX-1", connection="Rithmic")
    state.set_position("APEX-1", "ES", 1)
    made.panel.session.backend.mode = Mode.LIVE  # the same server, spoken to as live
    made.panel.refresh_accounts()
    await until(lambda: any(a.name == "APEX-1" for a in made.panel.positions.accounts))
    await made.select("Sim101", "ES 12-26", "Long 2")
    assert made.panel.ticket_state.account == "Sim101: simulation account"
    await made.press_and_wait("close")
    assert made.confirmer.asked == []
    await made.select("APEX-1", "ES 12-26", "Long 1")
    assert made.panel.ticket_state.account == "APEX-1: live account"
    await made.press_and_wait("close")
    assert len(made.confirmer.asked) == 1 and "LIVE account APEX-1" in made.confirmer.asked[0]
    assert "CLOSE all of ES 12-26 on APEX-1" in made.confirmer.asked[0]


async def test_the_global_close_chord_is_armed_with_the_switch_one_press_one_close(driven):
    await driven.wait_armed("close")
    driven.close_registrar.press()
    assert driven.requests(*ORDER_APIS) == [], "not armed: nothing"
    driven.panel.set_armed(True)
    assert driven.close_registrar.registered.text() == "Ctrl+Alt+C"
    assert "Ctrl+Alt+C closes" in driven.lines()
    driven.close_registrar.press()
    driven.close_registrar.press()  # a double tap
    await until(lambda: driven.heard.of("order_finished"), 10)
    assert [r.api for r in driven.requests(*ORDER_APIS)] == ["ClosePosition"]
    driven.panel.set_armed(False)
    assert driven.close_registrar.registered is None, "given back on disarm"
