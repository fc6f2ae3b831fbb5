"""Account groups: each member's step from its own position, the guards that stop the whole
group, and the fan-out against the simulator over loopback (REST and the WebSocket): one
request per non-flat member, all in flight together, a rejected member, a lost reply
reconciled on its own, nothing sent past a guard or past the budget."""

import asyncio
import json

import pytest

from ctpanel.backend import Mode, assemble
from ctpanel.core.desk.groups import read_group, vetted
from ctpanel.core.domain.groups import Group, Member, SizeRule, plan_group
from ctpanel.core.domain.models import OrderSide, Position, Side, Transport
from ctpanel.core.domain.secret import Secret
from ctpanel.core.domain.states import Intent
from ctpanel.core.domain.validation import OrderInput, parse_order
from ctpanel.core.risk.standard import standard_guards
from ctpanel.core.store.group_file import groups_from, load_groups, save_groups
from ctpanel.core.store.journal import Journal
from ctpanel.sim.seed import DEMO_GROUP
from tests.conftest import TOKEN

ES = "ES 12-26"


def at(account: str, signed: int) -> Position:
    side = Side.FLAT if signed == 0 else Side.LONG if signed > 0 else Side.SHORT
    return Position(account, ES, side, abs(signed))


DEMO_POSITIONS = {f"APEX-{i}": at(f"APEX-{i}", size)
                  for i, size in enumerate((2, 1, 0, -1, 3), start=1)}


def test_each_member_is_mirrored_on_its_own_position():
    plan = plan_group(DEMO_GROUP, Intent.REVERSE, ES, DEMO_POSITIONS)
    assert plan.preview() == ("APEX-1 Long 2 -> Short 2 · APEX-2 Long 1 -> Short 1 · APEX-3 "
                              "flat: nothing to reverse · APEX-4 Short 1 -> Long 1 · APEX-5 "
                              "Long 3 -> Short 3")
    orders = {step.member.account: order for step, order in plan.requests}
    assert set(orders) == {"APEX-1", "APEX-2", "APEX-4", "APEX-5"}
    assert (orders["APEX-4"].action, orders["APEX-4"].quantity) == (OrderSide.BUY, 1)
    assert plan.blocker(20) == ""


def test_size_rules_and_guards():
    group = Group("G", (Member("A", SizeRule.MULTIPLE, 1.5), Member("B", SizeRule.FIXED, 4),
                        Member("C", requires_atm=True), Member("D", max_contracts=2)))
    positions = {"A": at("A", 3), "B": at("B", -1), "C": at("C", 1), "D": at("D", 3)}
    plan = vetted(plan_group(group, Intent.REVERSE, ES, positions), standard_guards())
    assert plan.blocker(20) == ("Not sent to any member: C requires an ATM template; D 3 "
                                "contracts is over its limit of 2.")
    entry = parse_order(OrderInput(account="A", instrument=ES, action="SELL", quantity=1,
                                   strategy="ATM 2 targets"))
    group = Group("G", group.members[:3])
    plan = plan_group(group, Intent.REVERSE, ES, positions, entry)
    assert [(o.account, o.action, o.quantity, o.strategy) for _, o in plan.requests] == [
        ("A", OrderSide.SELL, 5, "ATM 2 targets"), ("B", OrderSide.BUY, 4, "ATM 2 targets"),
        ("C", OrderSide.SELL, 1, "ATM 2 targets")]


def test_exits_on_a_group_and_the_budget_before_anything_is_sent():
    close = plan_group(DEMO_GROUP, Intent.CLOSE, ES, DEMO_POSITIONS)
    assert [o.kind for _, o in close.requests] == [Intent.CLOSE] * 4
    flatten = plan_group(DEMO_GROUP, Intent.FLATTEN, ES, DEMO_POSITIONS)
    assert [o.account for _, o in flatten.requests] == DEMO_GROUP.accounts
    assert flatten.blocker(3.9) == ("Apex PA needs 5 requests at once and CrossTrade's budget "
                                    "has 3 left: wait a few seconds (nothing is sent to part "
                                    "of a group).")


def test_a_partial_group_close_takes_each_members_own_share():
    half = plan_group(DEMO_GROUP, Intent.CLOSE, ES, DEMO_POSITIONS,
                      close_portion=(None, 0.5))
    assert [(o.account, o.percent, o.quantity) for _, o in half.requests] == [
        (account, 0.5, None) for account in ("APEX-1", "APEX-2", "APEX-4", "APEX-5")]
    assert [step.after_words() for step, _ in half.requests] == [
        "Long 1", "Flat", "Flat", "Long 1"]
    two = plan_group(DEMO_GROUP, Intent.CLOSE, ES, DEMO_POSITIONS, close_portion=(2, None))
    assert [step.words() for step, _ in two.requests] == [
        "APEX-1 Long 2 -> Flat", "APEX-2 Long 1 -> Flat", "APEX-4 Short 1 -> Flat",
        "APEX-5 Long 3 -> Long 1"]


def test_groups_are_read_tolerantly_and_kept_in_the_data_folder(tmp_path):
    saved = [Group("Apex PA", (Member("APEX-1", SizeRule.FIXED, 2, True, 5),))]
    save_groups(tmp_path, saved)
    assert load_groups(tmp_path) == saved
    assert groups_from({"groups": [{"name": "x"}, "junk", {"name": "ok", "members": [
        "A", {"account": "B", "rule": "bogus", "size": -3, "max_contracts": True}, 7]}]}) == [
        Group("ok", (Member("A"), Member("B")))]
    (tmp_path / "groups.json").write_text("{not json")
    assert load_groups(tmp_path) == []


@pytest.fixture
async def backend(sim, tmp_path):
    made = assemble(Mode.LIVE, Secret(TOKEN), sim.base_url, sim.ws_url,
                    Journal(tmp_path / "journal.jsonl"), timeout=1.0)
    yield made
    await made.aclose()


async def fresh_plan(backend, action=Intent.REVERSE, group=DEMO_GROUP):
    positions = await read_group(backend.desk, group, ES)
    return vetted(plan_group(group, action, ES, positions), backend.desk.guards)


@pytest.mark.parametrize("transport", [Transport.REST, Transport.WS])
async def test_a_group_reverse_is_one_request_per_non_flat_member_all_in_flight(
        sim, backend, transport):
    plan = await fresh_plan(backend)
    assert [r.api for r in sim.received] == ["GetAllPositions"], "one read for the group"
    sim.received.clear()
    sim.add_fault(apis=["ReversePosition"], latency=0.3)
    started = asyncio.get_running_loop().time()
    report = await backend.desk.group(plan, transport=transport)
    elapsed = asyncio.get_running_loop().time() - started
    assert elapsed < 0.9, "all in flight together, not one after another (4 x 0.3 s)"
    orders = [o.body.get("args", o.body) for o in sim.orders_received()]  # WS: the RPC's args
    assert sorted(o["quantity"] for o in orders) == [1, 1, 2, 3]
    assert report.all_ok and report.summary().startswith("Apex PA: 4 of 4 reversed")
    assert "skipped (flat): APEX-3" in report.summary()
    assert {o.account: o.after.describe() for o in report.outcomes if o.after} == {
        "APEX-1": "Short 2", "APEX-2": "Short 1", "APEX-4": "Long 1", "APEX-5": "Short 3"}
    assert [r.api for r in sim.received if r.api != "ReversePosition"] == \
        ["GetAllPositions"], "one read after, for every member"
    record = json.loads(backend.desk.journal.path.read_text().splitlines()[-1])
    assert record["kind"] == "group" and record["status"] == "ok"
    assert [m["status"] for m in record["members"]] == ["ok", "ok", "skipped", "ok", "ok"]


async def test_a_rejected_member_and_a_lost_reply_are_said_and_never_retried(sim, backend):
    plan = await fresh_plan(backend)
    sim.state.reject_next = "Insufficient margin"
    sim.add_fault(apis=["ReversePosition"], no_reply=True, execute=True, times=1)
    report = await backend.desk.group(plan, transport=Transport.REST)
    statuses = sorted(o.status for o in report.outcomes)
    assert statuses.count("unknown") == 1 and statuses.count("skipped") == 1
    assert len(sim.orders_received()) == 4, "never retried"
    unknown = next(o for o in report.outcomes if o.status == "unknown")
    assert "Outcome unknown" in unknown.error and unknown.after is not None, "reconciled"
    assert "outcome unknown, read again" in report.summary()
    assert not report.all_ok


async def test_a_member_failing_its_guard_stops_the_group_before_anything_is_sent(
        sim, backend):
    group = Group("Apex PA", (Member("APEX-1"), Member("APEX-2", requires_atm=True)))
    plan = await fresh_plan(backend, group=group)
    assert plan.blocker(20) == "Not sent to any member: APEX-2 requires an ATM template."
    assert sim.orders_received() == []


async def test_every_members_intent_is_on_disk_before_the_first_request_arrives(sim, backend):
    plan = await fresh_plan(backend)
    sim.add_fault(apis=["ReversePosition"], latency=0.5)
    sending = asyncio.ensure_future(backend.desk.group(plan, transport=Transport.REST))
    while not sim.orders_received():
        await asyncio.sleep(0.002)
    path = backend.desk.journal.path
    intents = [r for r in map(json.loads, path.read_text().splitlines()) if r["kind"] == "intent"]
    assert sorted(r["account"] for r in intents) == ["APEX-1", "APEX-2", "APEX-4", "APEX-5"]
    await sending
    outcomes = [r for r in map(json.loads, path.read_text().splitlines())
                if r["kind"] == "reverse"]
    assert {r["client_id"] for r in outcomes} == {r["client_id"] for r in intents}


def test_a_groups_default_ticks_are_kept_read_tolerantly_and_said_once_per_group(tmp_path):
    from ctpanel.core.domain.protection import Bracket
    from ctpanel.core.store.group_file import group_rows, groups_from_rows

    saved = [Group("Prop", (Member("A"), Member("B")), Bracket(8, None))]
    save_groups(tmp_path, saved)
    assert load_groups(tmp_path) == saved
    assert groups_from({"groups": [{"name": "x", "stop_ticks": 0, "target_ticks": True,
                                    "members": ["A"]}]}) == [Group("x", (Member("A"),))]
    assert groups_from({"groups": [{"name": "x", "stop_ticks": 5_000, "target_ticks": 16,
                                    "members": ["A"]}]})[0].bracket == Bracket(None, 16)
    rows = group_rows(saved)
    assert [row[-2:] for row in rows] == [(8, 0), (8, 0)]
    only_first = [rows[0], (*rows[1][:-2], 0, 12)]
    assert groups_from_rows(only_first) == (
        [Group("Prop", (Member("A"), Member("B")), Bracket(8, 12))], [])
    _, problems = groups_from_rows([rows[0], (*rows[1][:-2], 6, 0)])
    assert problems == ["Row 2: Prop's stop is 8 t on an earlier row; a group has one default "
                        "stop, so give every row 8 or leave it empty."]
