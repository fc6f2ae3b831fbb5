"""The firm's rules through the Panel, with no Qt, against the simulator over loopback: reads
only when a rule applies and within the budget, a member near its limit red in the group rows
and left out only on the trader's choice, LOCKED on an account, and a member out of sync
brought in line only on a yes."""

import json

from ctpanel.core.domain.groups import Group, Member
from ctpanel.core.domain.risk_rules import RiskRules
from ctpanel.core.risk.room import FIRM_FLATTENS
from ctpanel.core.store.risk_file import RISK_FILE, RiskBook, book_json
from ctpanel.sim.seed import DEMO_GROUP
from tests.panel.conftest import until

APEX = DEMO_GROUP.key


def write_rules(tmp_path, book: RiskBook) -> None:
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RISK_FILE).write_text(json.dumps(book_json(book)), encoding="utf-8")


def account_of(received) -> str:
    """The account a request was for: in a REST path, or a WebSocket RPC's args."""
    if received.transport == "ws":
        return received.body.get("args", {}).get("account", "")
    return received.raw_path.split("/")[4]


def reads(made) -> list[str]:
    return [r.api for r in made.sim.received
            if r.api in ("GetAccountSummary", "GetAccount", "GetWatermarks")]


async def read_risk(made) -> None:
    await made.panel.risk.read_once()
    made.panel.refresh_ticket()


async def test_no_rule_no_read(driven):
    for _ in range(3):
        driven.panel.poll_tick()
        await read_risk(driven)
    assert reads(driven) == [], "nothing is read for a rule nobody set"
    assert driven.heard.of("risk") == [] or driven.heard.last("risk") == (None,)


async def test_a_member_near_its_limit_is_red_and_left_out_only_on_the_traders_choice(
        make_panel, tmp_path):
    write_rules(tmp_path, RiskBook(groups={"Apex PA": RiskRules(daily_loss=1000.0)}))
    made = await make_panel()
    made.sim.state.market.is_open = False
    made.sim.state.set_position("APEX-2", "ES", 1)  # at the last price: no open P&L
    made.sim.state.set_risk("APEX-2", {"realized": -990.0})
    made.panel.select(APEX, "ES 12-26")
    made.panel.bracket_changed("8", "")
    await made.wait_quote()
    await read_risk(made)
    await until(lambda: any(m.level == "red" for m in made.panel.ticket_state.members),
                what="a red member")
    rows = {m.account: m for m in made.panel.ticket_state.members}
    assert rows["APEX-2"].level == "red"
    assert rows["APEX-2"].risk.startswith("a stop at 8 ticks risks $100; its daily loss "
                                          "room is $")
    assert rows["APEX-1"].level == "green"
    assert made.panel.ticket_state.arming.reason.startswith(
        "Not sent to any member: APEX-2 a stop at 8 ticks risks $100")
    assert made.panel.ticket_state.leave_out.startswith("Send to 3 of 4: APEX-2: a stop")
    made.panel.press()
    assert made.orders() == [], "nothing goes to part of a group unless the trader chooses"
    made.panel.leave_out_refused()
    await made.wait_armed()
    made.panel.press()
    await until(lambda: made.heard.of("order_finished"), 10, "the group's outcome")
    sent = sorted(account_of(r) for r in made.orders())
    assert sent == ["APEX-1", "APEX-4", "APEX-5"]
    report = made.heard.last("order_finished")[0]
    assert [o.step.skipped for o in report.outcomes if o.account == "APEX-2"] == \
        ["left out: a stop at 8 ticks risks $100; its daily loss room is $10"]
    assert made.panel.left_out == frozenset(), "the choice was for that one press"


async def test_an_account_at_its_limit_shows_locked_and_refuses_an_entry(make_panel, tmp_path):
    write_rules(tmp_path, RiskBook(accounts={"Sim103": RiskRules(daily_loss=500.0)}))
    made = await make_panel()
    made.sim.state.set_risk("Sim103", {"realized": -600.0})
    await made.select("Sim103", "ES 12-26", "Flat")
    await read_risk(made)
    await until(lambda: made.heard.of("risk") and made.heard.last("risk")[0] is not None,
                what="the risk line")
    risk = made.heard.last("risk")[0]
    assert risk.locked == "LOCKED until 17:00 America/Chicago"
    assert "P&L today -$600" in risk.line and "daily loss room -$100" in risk.line
    assert "LOCKED until the session's reset" in made.panel.ticket_state.exits["buy"].reason
    assert FIRM_FLATTENS in made.panel.ticket_state.exits["buy"].reason
    saved = json.loads((tmp_path / "data" / RISK_FILE).read_text(encoding="utf-8"))
    assert "Sim103" in saved["locks"], "the lock outlives the panel, until the reset"


async def test_an_out_of_sync_member_is_brought_in_line_only_on_a_yes(make_panel):
    made = await make_panel(confirm_answer=False)
    made.panel.select(APEX, "ES 12-26")
    await made.wait_armed()
    rows = {m.account: m for m in made.panel.ticket_state.members}
    assert rows["APEX-4"].sync == ("Short 1, the group's ratio makes it Long 2 (changed "
                                   "outside the panel)")
    assert rows["APEX-1"].sync == ""
    made.panel.bring_in_line("APEX-4")
    await until(lambda: made.confirmer.asked, what="the question")
    assert "Bring APEX-4 in line: BUY 2 ES 12-26 MARKET DAY (reverse)" in made.confirmer.asked[0]
    await until(lambda: "Not sent" in made.lines() or made.panel.ticket.busy() is None)
    assert made.orders() == [], "no yes, no order"
    made.confirmer.answer = True
    await made.wait_armed()
    made.panel.bring_in_line("APEX-4")
    await until(lambda: made.orders(), 10, "the fix sent")
    [fix] = made.orders()
    assert fix.body["action"].upper() == "BUY" and fix.body["quantity"] == 2
    await until(lambda: made.sim.state.position_of("APEX-4", "ES").signed_quantity == 2)


async def test_ten_accounts_risk_reads_and_position_polls_stay_inside_the_budget(
        make_panel, tmp_path):
    names = [f"APEX-{n}" for n in range(1, 6)] + [f"PA-{n}" for n in range(1, 6)]
    group = Group("Ten", tuple(Member(n) for n in names))
    write_rules(tmp_path, RiskBook(groups={"Ten": RiskRules(daily_loss=1000.0,
                                                            trailing_drawdown=2500.0)}))
    made = await make_panel(groups=[group])
    for name in names[5:]:
        made.sim.state.add_account(name)
    made.panel.refresh_accounts()
    await until(lambda: any(g.name == "Ten" for g in made.panel.positions.groups))
    # CrossTrade's budget, both ours and the simulator's, on the test's clock: a minute of
    # the view's 5 s timer is twelve turns of it.
    for bucket in (made.panel.backend.client.budget, *made.sim._buckets.values()):
        bucket._clock, bucket._stamp = made.clock, made.clock()
    made.panel.select(group.key, "ES 12-26")
    made.clock.now += 10.0  # the set-up's reads refilled
    await made.wait_armed()
    await made.panel.risk._task  # the read the selection started
    start = len(made.sim.received)
    for _turn in range(12):
        made.clock.now += 5.0
        made.panel.poll_tick()
        await until(lambda: not made.panel.positions.reading())
        await made.panel.risk._task
    spent = made.sim.received[start:]
    per_minute = len(spent)
    risk_reads = [r for r in spent if r.api in ("GetAccountSummary", "GetWatermarks")]
    print(f"\n10 accounts, one minute: {per_minute} requests ({len(risk_reads)} risk reads) "
          f"of CrossTrade's 180")
    assert made.sim.over_budget == 0
    assert len([r for r in risk_reads if r.api == "GetAccountSummary"]) == 12, \
        "one read for every account, each 5 s"
    assert per_minute <= 180 - 60, "room kept for orders: 60 a minute at least"
    assert made.panel.backend.client.budget.level >= 10, "a group's orders can go at once"
