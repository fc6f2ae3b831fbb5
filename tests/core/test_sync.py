"""A group kept in sync: the member that differs after a partial group failure is found with
its reason, its fix is previewed, and sent only on a yes (against the simulator), and the ratio
rules on their own."""

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.groups import read_group
from ctpanel.core.domain.groups import Group, Member, SizeRule, plan_group
from ctpanel.core.domain.models import OrderSide, Position, ReverseOrder, Side
from ctpanel.core.domain.protection import EntryOrder
from ctpanel.core.domain.states import Intent, Outcome
from ctpanel.core.domain.sync import fix_for, fix_words, out_of_sync
from ctpanel.core.risk.guard import Basis

ES = "ES 12-26"


def _held(account, side, quantity):
    return Position(account, ES, side, quantity)


def test_a_different_side_and_a_size_off_the_ratio_are_marked():
    group = Group("G", (Member("A"), Member("B", SizeRule.MULTIPLE, 2.0), Member("C"),
                        Member("D", SizeRule.FIXED, 1.0)))
    positions = {"A": _held("A", Side.LONG, 2), "B": _held("B", Side.LONG, 4),
                 "C": _held("C", Side.SHORT, 2), "D": _held("D", Side.LONG, 1)}
    assert out_of_sync(group, positions, ES) == [mark := out_of_sync(group, positions, ES)[0]]
    assert (mark.account, mark.side, mark.quantity, mark.reason) == \
        ("C", Side.LONG, 2, "changed outside the panel")
    positions["B"] = _held("B", Side.LONG, 3)
    marked = {m.account: m for m in out_of_sync(group, positions, ES,
                                                {"B": (Outcome.OK, _held("B", Side.LONG, 4))})}
    assert marked["B"].reason == "partial fill" and marked["B"].quantity == 4
    assert isinstance(fix_for(marked["B"], ES), EntryOrder) and \
        fix_for(marked["B"], ES).quantity == 1
    assert out_of_sync(group, {}, ES) == [], "all flat: in sync"


async def test_a_member_refused_in_a_group_entry_is_found_and_its_fix_sent_on_a_yes(sim, client):
    names = ("PA-1", "PA-2", "PA-3")
    for name in names:
        sim.state.add_account(name)
    group = Group("Funded", tuple(Member(n) for n in names))
    desk = Desk(client)
    sim.add_fault(apis=["PlaceOrder"], status=400, times=1,  # the first to arrive
                  body={"success": False, "error": "Invalid request",
                        "detail": "Account is not enabled for trading"})
    order = ReverseOrder("PA-1", ES, OrderSide.BUY, 2)
    plan = plan_group(group, Intent.ENTER, ES, await read_group(desk, group, ES), order)
    report = await desk.group(plan)
    [refused] = [o for o in report.outcomes if o.status is not Outcome.OK]
    last = {o.account: (o.status, _held(o.account, Side.LONG, 2)) for o in report.outcomes}
    positions = await read_group(desk, group, ES)
    [mark] = out_of_sync(group, positions, ES, last)
    assert mark.account == refused.account
    assert mark.words() == (f"{refused.account} out of sync: Flat, the group's ratio makes "
                            "it Long 2 (refused)")
    fix = fix_for(mark, ES)
    assert fix_words(fix) == f"Bring {refused.account} in line: BUY 2 {ES} MARKET DAY from flat"
    sent_before = len([r for r in sim.received if r.api == "PlaceOrder"])
    # No yes yet: previewing sent nothing.
    assert len([r for r in sim.received if r.api == "PlaceOrder"]) == sent_before
    await desk.enter(fix, before=mark.held, basis=Basis(position=mark.held, age_s=0.0))
    assert out_of_sync(group, await read_group(desk, group, ES), ES) == []
