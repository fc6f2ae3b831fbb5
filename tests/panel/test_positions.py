"""The positions part through the Panel, with no Qt: the selection, the remembered choice, what
is shown while nothing is known, and a problem said once however often it repeats."""

from tests.panel.conftest import until


async def test_the_account_choice_is_remembered(driven):
    assert driven.panel.preferences.get("last_account") == "Sim101"
    driven.panel.select("Sim102", "ES 12-26")
    assert driven.panel.preferences.get("last_account") == "Sim102"
    assert driven.heard.last("mode")[0].title == "ctpanel — DEMO — Sim102"


async def test_reverse_is_off_until_a_position_is_known(driven):
    driven.sim.add_fault(apis=["GetPosition"], latency=5)
    driven.panel.select("Sim102", "ES 12-26")
    await until(lambda: driven.panel.instrument == "MES 12-26")
    assert not driven.armed()
    assert driven.panel.ticket_state.arming.reason == "Reading the position in MES 12-26…"


async def test_an_unknown_instrument_is_named_once(driven):
    driven.panel.select("Sim101", "FOO")
    reason = "CrossTrade does not know instrument FOO."
    await until(lambda: driven.panel.ticket_state.arming.reason == reason)
    assert driven.heard.last("position_note") == ("not updated: RejectedError",)
    watcher = driven.panel.positions.watcher
    for _ in range(3):  # the 5 s polls, run as soon as the request budget has room
        await until(watcher.may_poll, what="room in the budget")
        await watcher.poll()
    lines = [line for line in driven.panel.notices.lines() if "FOO" in line]
    assert len(lines) == 1 and reason in lines[0] and "(×4" in lines[0]


async def test_the_journal_is_shown_at_its_own_time_and_only_for_this_mode(make_panel):
    first = await make_panel()
    first.panel.journal.append({"mode": "live", "status": "ok", "account": "APEX1",
                                "instrument": "NQ", "order_id": "live-order-1"})
    await first.select("Sim101", "ES 12-26", "Long 2")
    report = await first.press_and_wait()
    order_id = report.result.order_id
    await until(lambda: f"Order {order_id}: Filled 2 @" in first.lines(), 10)
    await until(lambda: [r.get("kind") for r in first.panel.journal.read_last()][-1] == "fill")
    second = await make_panel()  # the same journal, as at the next start
    await until(lambda: len(second.panel.notices.entries()) >= 2)
    history = [n for n in second.panel.notices.entries() if n.level.name == "HISTORY"]
    assert [n.order_id for n in history] == [order_id, order_id]
    assert history[0].text.startswith("[journal, demo, ") and "Filled 2 @" in history[1].text
    assert "live-order-1" not in second.lines(), "live history stays out of the demo log"
