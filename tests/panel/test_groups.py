"""Group actions through the Panel, with no Qt, against the simulator's demo group over
loopback: the group offered beside the accounts, one read for every member, the preview per
member, one fan-out per intent with every member in flight together, the result rows, the
guards and the budget that stop a group before anything is sent."""

import json

import pytest

from ctpanel.core.desk.groups import GroupReport
from ctpanel.core.domain.groups import Group, Member
from ctpanel.panel.plans import ExitChoices, Portion
from ctpanel.sim.seed import DEMO_GROUP
from tests.panel.conftest import until

APEX = DEMO_GROUP.key
PREVIEW = ("APEX-1 Long 2 -> Short 2 · APEX-2 Long 1 -> Short 1 · APEX-3 flat: nothing to "
           "reverse · APEX-4 Short 1 -> Long 1 · APEX-5 Long 3 -> Short 3")


async def on_group(made, key=APEX):
    made.panel.select(key, "ES 12-26")
    await made.wait_armed()


@pytest.fixture
async def grouped(make_panel):
    made = await make_panel()
    await on_group(made)
    return made


async def test_the_demo_group_is_offered_beside_the_accounts(make_panel):
    made = await make_panel()
    accounts, _selected = made.heard.last("accounts")
    assert [a.label for a in accounts][-1] == "Group: Apex PA (5)"
    assert "APEX-1" in [a.name for a in accounts]
    await on_group(made)
    assert made.panel.ticket_state.preview == PREVIEW
    assert made.panel.ticket_state.account == ("Group: Apex PA (5): APEX-1, APEX-2, APEX-3, "
                                               "APEX-4, APEX-5")
    assert made.panel.position() is None, "a group holds nothing itself"
    reads = [r.api for r in made.sim.received if r.api.startswith(("Get", "List"))]
    assert "GetAllPositions" in reads


async def test_one_press_is_one_fan_out_every_member_at_once_and_a_result_row_each(grouped):
    for _ in range(3):  # a double click, then a third tap
        grouped.panel.press()
    await until(lambda: grouped.heard.of("order_finished"), 10)
    [(report,)] = grouped.heard.of("order_finished")
    assert isinstance(report, GroupReport) and report.all_ok
    assert len(grouped.requests("ReversePosition")) == 4
    rows = {o.account: o for (o,) in grouped.heard.of("group_member")}
    assert set(rows) == {"APEX-1", "APEX-2", "APEX-4", "APEX-5"}
    assert "Apex PA: 4 of 4 reversed; skipped (flat): APEX-3" in grouped.lines()
    await grouped.wait_armed()  # re-armed on the group's positions read after it
    assert grouped.panel.ticket_state.preview.startswith("APEX-1 Short 2 -> Long 2")


async def test_a_group_close_closes_each_non_flat_member(grouped):
    await grouped.press_and_wait("close")
    assert len(grouped.requests("ClosePosition")) == 4
    assert "Apex PA: 4 of 4 closed" in grouped.lines()


async def test_a_group_close_of_half_takes_each_members_own_half_rounded_up(grouped):
    grouped.panel.exits_changed(ExitChoices(Portion.HALF))
    await grouped.wait_armed("close")
    assert grouped.arming("close").label == "CLOSE 1/2"
    assert grouped.arming("close").preview == (
        "APEX-1 Long 2 -> Long 1 · APEX-2 Long 1 -> Flat · APEX-3 flat: nothing to close · "
        "APEX-4 Short 1 -> Flat · APEX-5 Long 3 -> Long 1")
    report = await grouped.press_and_wait("close")
    assert report.all_ok
    bodies = {r.body.pop("account", None) or r.raw_path.split("/")[4]: r.body
              for r in grouped.requests("ClosePosition")}
    assert bodies == {account: {"instrument": "ES 12-26", "percent": 0.5}
                      for account in ("APEX-1", "APEX-2", "APEX-4", "APEX-5")}
    after = {o.account: o.after.describe() for o in report.outcomes if o.after}
    assert after == {"APEX-1": "Long 1", "APEX-2": "Flat", "APEX-4": "Flat", "APEX-5": "Long 1"}
    records = [json.loads(line) for line in grouped.panel.journal.path.read_text().splitlines()]
    [group] = [r for r in records if r["kind"] == "group"]
    planned = {m["account"]: (m["planned"], m["body"]) for m in group["members"]}
    assert planned["APEX-5"] == ("APEX-5 Long 3 -> Long 1",
                                 {"instrument": "ES 12-26", "percent": 0.5})
    closes = [r for r in records if r["kind"] == "close"]
    assert {r["account"]: r["body"]["percent"] for r in closes} == {
        "APEX-1": 0.5, "APEX-2": 0.5, "APEX-4": 0.5, "APEX-5": 0.5}


async def test_a_rejected_member_and_a_lost_reply_are_shown_as_a_partial_result(grouped):
    grouped.sim.state.reject_next = "Insufficient margin"
    grouped.sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True, times=1)
    report = await grouped.press_and_wait()
    assert not report.all_ok
    statuses = sorted(o.status for o in report.outcomes)
    assert statuses.count("unknown") == 1 and statuses.count("skipped") == 1
    assert len(grouped.requests("ReversePosition")) == 4, "never retried"
    assert "outcome unknown, read again" in grouped.lines()


async def test_a_member_failing_its_guard_disarms_the_group_and_names_it(make_panel):
    made = await make_panel(groups=[Group("Prop", (Member("APEX-1"),
                                                   Member("APEX-2", requires_atm=True)))])
    made.panel.select("group:Prop", "ES 12-26")
    await until(lambda: "APEX-2 requires an ATM template" in
                made.panel.ticket_state.arming.reason, what="the guard's reason")
    made.panel.press()
    assert made.requests("ReversePosition") == []


async def test_a_group_too_large_for_the_budget_sends_nothing(grouped):
    budget = grouped.panel.backend.client.budget
    while budget.level >= 2:
        budget.spend()
    grouped.panel.refresh_ticket()
    assert "needs 4 requests at once" in grouped.panel.ticket_state.arming.reason
    grouped.panel.press()
    assert grouped.requests("ReversePosition") == []
