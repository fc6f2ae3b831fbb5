"""BUY, SELL, the bracket after the fill, Protect now and Breakeven through the panel, against
the simulator: one request per press, UNPROTECTED from the fill until the legs are read back."""

from ctpanel.core.desk.entries import EntryReport
from ctpanel.core.desk.protect import ProtectReport
from tests.panel.conftest import until


async def _flat_es(make_panel, **preferences):
    made = await make_panel(preferences=preferences)
    await made.select("Sim103", "ES 12-26", "Flat")
    made.sim.state.market.is_open = False  # a still market: a bracket's legs stay put
    await made.wait_quote()
    return made


async def test_buy_from_flat_with_8_16_ticks_one_order_then_one_bracket(make_panel):
    made = await _flat_es(make_panel)
    assert made.panel.bracket_changed("8", "16") == ""
    await made.wait_armed("buy")
    preview = made.arming("buy").preview
    assert preview.startswith("Flat -> Long 1 at about ") and "per contract" in preview
    shown = []
    made.panel.events.protection.connect(shown.append)
    outcome = await made.press_and_wait("buy")
    assert isinstance(outcome, EntryReport) and outcome.after.describe() == "Long 1"
    [placed] = made.requests("PlaceOrder")
    assert placed.body["requireMarketPosition"] == "flat"
    await until(lambda: shown and shown[-1] is not None and shown[-1].protected, 10,
                "the bracket read back")
    assert [p.words.split(":")[0] for p in shown if p] == ["UNPROTECTED", "Protected"]
    [bracket] = made.requests("CancelAndBracket")
    assert bracket.body["quantity"] == 1
    assert bracket.body["takeProfit"] - bracket.body["stopLoss"] == 24 * 0.25
    assert made.panel.protection_view().protected


async def test_a_storm_of_presses_sends_one_entry(make_panel):
    made = await _flat_es(make_panel)
    await made.wait_armed("buy")
    for _ in range(20):
        made.panel.press("buy")
    await until(lambda: made.heard.of("order_finished"), 10, "the outcome")
    assert len(made.requests("PlaceOrder")) == 1
    assert made.requests("CancelAndBracket") == []  # no ticks: no bracket


async def test_sell_against_a_long_is_refused_in_words(driven):
    await driven.wait_armed()
    assert not driven.armed("sell")
    assert "use REVERSE to turn it, or CLOSE" in driven.arming("sell").reason
    driven.panel.press("sell")
    assert driven.requests("PlaceOrder") == []


async def test_ticks_typed_wrong_are_refused_and_nothing_goes(make_panel):
    made = await _flat_es(make_panel)
    assert "Stop ticks must be a whole number" in made.panel.bracket_changed("8.5", "16")
    await made.wait_armed("buy")
    made.panel.press("buy")
    assert made.requests("PlaceOrder") == []
    assert "Not sent: Stop ticks must be a whole number" in made.lines()


async def test_protect_now_and_breakeven_on_the_position_held(driven):
    driven.sim.state.market.is_open = False
    await driven.wait_quote()
    driven.panel.bracket_changed("40", "40")
    await driven.wait_armed("protect")
    assert driven.arming("protect").preview.startswith(
        "No working order in ES 12-26 to cancel, then stop")
    outcome = await driven.press_and_wait("protect")
    assert isinstance(outcome, ProtectReport) and outcome.protected
    assert driven.panel.protection_view().protected
    await driven.wait_armed()  # re-armed on the read after it
    assert "must stay below the bid" in driven.arming("breakeven").reason
    average = driven.panel.position().average_price
    driven.sim.state.market.set_last("ES 12-26", average + 5)
    driven.clock.now += 1
    await driven.wait_quote()
    await driven.wait_armed("breakeven")
    await driven.press_and_wait("breakeven")
    [change] = driven.requests("Change")
    assert change.body == {"stopPrice": average}


async def test_the_global_buy_and_sell_chords_arm_with_the_switch_one_press_one_entry(make_panel):
    made = await _flat_es(make_panel)
    await made.wait_armed("buy")
    buy, sell = made.sides["buy"], made.sides["sell"]
    buy.press()
    assert made.requests("PlaceOrder") == [], "not armed: nothing"
    made.panel.set_armed(True)
    assert (buy.registered.text(), sell.registered.text()) == ("Ctrl+Alt+B", "Ctrl+Alt+S")
    assert "Ctrl+Alt+B buys, Ctrl+Alt+S sells" in made.lines()
    view = made.panel.hotkey.view()
    assert (view.buy_chord, view.sell_chord) == ("Ctrl+Alt+B", "Ctrl+Alt+S")
    buy.press()
    buy.press()  # a double tap
    await until(lambda: made.heard.of("order_finished"), 10, "the outcome")
    [placed] = made.requests("PlaceOrder")
    assert placed.body["action"] == "BUY"
    made.panel.set_armed(False)
    assert (buy.registered, sell.registered) == (None, None), "given back on disarm"


async def test_a_side_chord_taken_elsewhere_leaves_the_others_armed_and_says_so(make_panel):
    made = await _flat_es(make_panel)
    await made.wait_armed("buy")
    made.sides["sell"].problem = "Ctrl+Alt+S is already taken by another program."
    made.panel.set_armed(True)
    assert made.panel.hotkey.armed and made.sides["buy"].registered is not None
    assert "(the SELL hotkey is off: Ctrl+Alt+S is already taken" in made.lines()
    assert made.panel.hotkey.view().sell_chord == ""


async def test_a_groups_default_ticks_start_its_ticket_and_bracket_each_members_fill(make_panel):
    from ctpanel.core.domain.groups import Group, Member
    from ctpanel.core.domain.protection import Bracket

    made = await make_panel(preferences={"stop_ticks": 4},
                            groups=[Group("Prop", (Member("APEX-1"), Member("APEX-3")),
                                          Bracket(8, 20))])
    started = []
    made.panel.events.bracket.connect(started.append)
    assert made.panel.bracket == Bracket(4, None), "the preferences' default"
    made.panel.select("group:Prop", "NQ 12-26")
    assert started == [Bracket(8, 20)] and made.panel.bracket == Bracket(8, 20)
    made.sim.state.market.is_open = False  # a still market: the legs stay put
    await made.wait_quote()
    await made.wait_armed("buy")
    await made.press_and_wait("buy")
    await until(lambda: len(made.requests("CancelAndBracket")) == 2, 10, "both brackets")
    for bracket in made.requests("CancelAndBracket"):
        assert round((bracket.body["takeProfit"] - bracket.body["stopLoss"]) / 0.25) == 28
    made.panel.bracket_changed("12", "")  # typed for the group: it does not follow
    await made.select("Sim103", "NQ 12-26", "Flat")
    assert started[-1] == Bracket(4, None) and made.panel.bracket == Bracket(4, None)


async def test_protect_now_and_breakeven_on_a_group_one_request_per_holding_member(make_panel):
    made = await make_panel()
    made.panel.select("group:Apex PA", "ES 12-26")
    made.sim.state.market.is_open = False  # a still market: the legs stay put
    await made.wait_quote()
    assert made.panel.bracket_changed("20", "20") == ""
    await made.wait_armed("protect")
    preview = made.arming("protect").preview
    assert preview.startswith("APEX-1: ") and "APEX-3" not in preview, "a flat member: none"
    shown = []
    made.panel.orders.protection.connect(lambda account, _i, p: shown.append((account, p)))
    for _ in range(5):  # a storm of presses: one request per member, once
        made.panel.press("protect")
    report = await until_finished(made)
    assert report.all_ok, report.summary()
    brackets = made.requests("CancelAndBracket")
    assert sorted(b.raw_path.split("/")[4] for b in brackets) == [
        "APEX-1", "APEX-2", "APEX-4", "APEX-5"]
    assert sorted(a for a, p in shown if p.protected) == ["APEX-1", "APEX-2", "APEX-4",
                                                          "APEX-5"]
    assert "Protect now on Apex PA: 4 of 4 members done." in made.lines()
    await made.wait_armed("breakeven")
    assert "Each member's stop to its own average price" in made.arming("breakeven").preview
    made.panel.press("breakeven")
    report = await until_finished(made, 2)
    changes = made.requests("Change")
    refused = [a for a, o in report.outcomes.items() if isinstance(o, Exception)]
    assert len(changes) + len(refused) == 4 and len(report.outcomes) == 4
    for account in refused:
        assert f"{account}: Breakeven not moved:" in made.lines()


async def until_finished(made, count: int = 1):
    """The ``count``-th outcome the panel reported."""
    await until(lambda: len(made.heard.of("order_finished")) >= count, 10, "the outcome")
    return made.heard.of("order_finished")[count - 1][0]
