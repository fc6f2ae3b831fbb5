"""The firm's rules at the click, against the simulator over loopback: every case reads the
account figures and positions for real (the snapshot, the watermarks), then sends through the
desk; a refusal sends nothing, and an exit is never refused. Clocks are fake."""

from datetime import UTC, datetime, timedelta

import pytest

from ctpanel.core.desk.desk import Desk
from ctpanel.core.desk.risk_reads import read_figures
from ctpanel.core.domain.exits import ExitOrder
from ctpanel.core.domain.groups import Group, Member, plan_group
from ctpanel.core.domain.models import OrderSide, ReverseOrder
from ctpanel.core.domain.protection import entry_for
from ctpanel.core.domain.risk_rules import (
    RiskRules,
    WallTime,
    parse_news,
    parse_wall_time,
    preset,
)
from ctpanel.core.domain.states import Intent
from ctpanel.core.risk.firm_rules import Level
from ctpanel.core.risk.guard import Basis, Refused
from ctpanel.core.risk.preview import preview_plan
from ctpanel.core.store.risk_file import RiskBook, load_book, save_book
from tests.helpers.clock import FakeClock

ES_TICK = 12.5
NOON_NY = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # 12:00 in New York, 11:00 in Chicago


class WallClock:
    def __init__(self, now: datetime = NOON_NY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall():
    return WallClock()


@pytest.fixture
def desk(sim, client, wall):
    sim.state.market.is_open = False  # still prices: the figures are the test's
    desk = Desk(client)
    desk.firm.room.wall_clock = wall
    desk.firm.set_ticket(8, "ES", ES_TICK)
    return desk


def rules_for(desk, account, rules, groups=()):
    desk.firm.room.set_book(desk.firm.room.book.with_rules(account=account, rules=rules),
                            groups)


def placed(sim):
    return [r for r in sim.received if r.api in ("PlaceOrder", "ReversePosition")]


async def buy(desk, account, quantity=1, instrument="ES"):
    position = await desk.read_position(account, instrument)
    order = ReverseOrder(account, position.instrument, OrderSide.BUY, quantity)
    return await desk.enter(entry_for(order, position, "t1"), before=position,
                            basis=Basis(position=position, age_s=0.0))


async def test_an_entry_is_refused_at_the_daily_loss_limit_and_an_exit_is_allowed(sim, desk):
    sim.state.set_risk("Sim101", {"realized": -930.0})
    rules_for(desk, "Sim101", RiskRules(daily_loss=1000.0))
    sim.state.set_position("Sim101", "ES", 2, average_price=sim.state.market.last("ES 12-26"))
    await read_figures(desk.client, desk.firm.room, ["Sim101"])
    with pytest.raises(Refused) as refused:
        await buy(desk, "Sim101")
    assert str(refused.value).startswith("Not sent to Sim101: a stop at 8 ticks risks $100; "
                                         "its daily loss room is $")
    assert placed(sim) == []
    before = await desk.read_picture("Sim101", "ES")
    report = await desk.exit(ExitOrder(Intent.CLOSE, "Sim101", "ES 12-26"), before=before)
    assert report.position_after.is_flat if hasattr(report, "position_after") else True
    assert sim.state.position_of("Sim101", "ES").signed_quantity == 0, "the exit went"


async def test_no_figures_no_entry_when_a_loss_rule_needs_them(sim, desk):
    rules_for(desk, "Sim103", RiskRules(daily_loss=1000.0))
    with pytest.raises(Refused, match="P&L figures were never read"):
        await buy(desk, "Sim103")
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    await buy(desk, "Sim103")  # read now: room $1,000, the stop risks $100
    assert sim.state.position_of("Sim103", "ES").signed_quantity == 1


async def test_locked_until_the_sessions_reset(sim, desk, wall, tmp_path):
    saved = []
    desk.firm.room.on_lock = saved.append
    rules_for(desk, "Sim103", RiskRules(daily_loss=500.0,
                                        reset_at=parse_wall_time("17:00 America/Chicago")))
    sim.state.set_risk("Sim103", {"realized": -510.0})
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    assert saved and saved[-1].locked_until("Sim103", wall.now) == \
        datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 17:00 in Chicago
    sim.state.set_risk("Sim103", {"realized": 0.0})  # the P&L recovers: the lock stays
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    with pytest.raises(Refused, match="LOCKED until the session's reset"):
        await buy(desk, "Sim103")
    sim.state.set_position("Sim103", "NQ", -1)
    with pytest.raises(Refused, match="LOCKED"):  # a reverse is an entry too
        await desk.reverse(ReverseOrder("Sim103", "NQ 12-26", OrderSide.BUY, 1),
                           before=await desk.read_position("Sim103", "NQ"))
    wall.now += timedelta(hours=6, minutes=1)  # past the reset
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    await buy(desk, "Sim103")
    assert placed(sim) and sim.state.position_of("Sim103", "ES").signed_quantity == 1
    save_book(tmp_path, saved[-1])
    assert load_book(tmp_path).locks == saved[-1].locks, "the lock is kept in risk.json"


async def test_the_cap_counts_mini_equivalents_during_the_flip_and_after(sim, desk):
    rules_for(desk, "Sim103", RiskRules(max_contracts=4.0))
    sim.state.set_position("Sim103", "MES", 8)  # 0.8 of a mini
    sim.state.set_position("Sim103", "ES", 3)
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    before = await desk.read_position("Sim103", "ES")
    with pytest.raises(Refused, match=r"4.8 minis after, against its cap of 4 minis"):
        await desk.reverse(ReverseOrder("Sim103", "ES 12-26", OrderSide.SELL, 4),
                           before=before, basis=Basis(position=before))
    assert placed(sim) == []
    await desk.reverse(ReverseOrder("Sim103", "ES 12-26", OrderSide.SELL, 3), before=before,
                       basis=Basis(position=before))
    assert sim.state.position_of("Sim103", "ES").signed_quantity == -3
    # Over the cap before the flip: the close-then-enter would hold 4.8 minis on the way.
    sim.state.set_position("Sim103", "ES", 4)
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    before = await desk.read_position("Sim103", "ES")
    with pytest.raises(Refused, match=r"4.8 minis during the flip and 2.8 minis after"):
        await desk.reverse(ReverseOrder("Sim103", "ES 12-26", OrderSide.SELL, 2),
                           before=before, basis=Basis(position=before))


async def test_topstep_counts_a_micro_as_a_full_lot(sim, desk):
    rules_for(desk, "Sim103", preset("topstep").with_changes(
        daily_loss=None, trailing_drawdown=None, flat_by=None, no_hedge=False))
    sim.state.set_position("Sim103", "MES", 4)
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    with pytest.raises(Refused, match="6 minis after, against its cap of 5"):
        await buy(desk, "Sim103", 2)


async def test_a_hedge_across_two_accounts_is_refused(sim, desk):
    sim.state.add_account("PA-1")
    sim.state.add_account("PA-2")
    sim.state.set_position("PA-1", "MNQ", -2)
    rules_for(desk, "PA-2", RiskRules(no_hedge=True))
    await read_figures(desk.client, desk.firm.room, ["PA-2"])
    with pytest.raises(Refused, match="it would be long NQ while PA-1 is short MNQ: no hedge"):
        await buy(desk, "PA-2", instrument="NQ")
    assert placed(sim) == []
    position = await desk.read_position("PA-2", "NQ")
    entry = entry_for(ReverseOrder("PA-2", position.instrument, OrderSide.SELL, 1), position,
                      "t2")
    await desk.enter(entry, before=position, basis=Basis(position=position, age_s=0.0))
    assert sim.state.position_of("PA-2", "NQ").signed_quantity == -1, "the same side goes"


async def test_a_news_window_and_the_flat_by_time(sim, desk, wall):
    rules_for(desk, "Sim103", RiskRules(
        news=parse_news("12:10 America/New_York ±2 CPI"),
        flat_by=WallTime(parse_wall_time("15:10 America/Chicago").at, "America/Chicago"),
        warn_minutes=15))
    await read_figures(desk.client, desk.firm.room, ["Sim103"])
    findings = desk.firm.findings(Intent.ENTER, _entry("Sim103"), Basis())
    assert [(f.rule, f.level) for f in findings] == [("news", Level.AMBER)]
    assert findings[0].words == "news window CPI 12:10 America/New_York ±2 min in 8 min"
    wall.now += timedelta(minutes=9)  # 12:09: inside
    with pytest.raises(Refused, match="inside the news window CPI"):
        await buy(desk, "Sim103")
    wall.now = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)  # 15:00 in Chicago
    assert "flat by 15:10 America/Chicago in 10 min" in \
        [f.words for f in desk.firm.findings(Intent.ENTER, _entry("Sim103"), Basis())]
    wall.now += timedelta(minutes=11)
    with pytest.raises(Refused, match="past its flat-by time 15:10 America/Chicago"):
        await buy(desk, "Sim103")
    wall.now += timedelta(hours=2)  # 17:11 in Chicago: after the reset
    await buy(desk, "Sim103")
    before = await desk.read_picture("Sim103", "ES")
    await desk.exit(ExitOrder(Intent.CLOSE, "Sim103", "ES 12-26"), before=before)
    assert sim.state.position_of("Sim103", "ES").signed_quantity == 0


def _entry(account):
    from ctpanel.core.domain.models import Position

    flat = Position.flat(account, "ES 12-26")
    return entry_for(ReverseOrder(account, "ES 12-26", OrderSide.BUY, 1), flat, "p")


async def test_the_breach_preview_on_a_mixed_group_and_a_red_member_left_out(sim, desk):
    names = ("PA-1", "PA-2", "PA-3")
    for name in names:
        sim.state.add_account(name)
    group = Group("Funded", tuple(Member(n) for n in names))
    book = RiskBook(groups={"Funded": RiskRules(daily_loss=1000.0)})
    desk.firm.room.set_book(book, [group])
    sim.state.set_risk("PA-2", {"realized": -850.0})  # $150 left: a $100 stop is amber
    sim.state.set_risk("PA-3", {"realized": -950.0})  # $50 left: red
    await read_figures(desk.client, desk.firm.room, names)
    positions = {p.account: p for p in await desk.client.list_all_positions()}
    flat_entry = ReverseOrder("PA-1", "ES 12-26", OrderSide.BUY, 1)
    plan = plan_group(group, Intent.ENTER, "ES 12-26", positions, flat_entry)
    previews = preview_plan(desk.firm, plan)
    assert {a: p.level for a, p in previews.items()} == \
        {"PA-1": Level.GREEN, "PA-2": Level.AMBER, "PA-3": Level.RED}
    assert previews["PA-3"].words() == ("PA-3 red: a stop at 8 ticks risks $100; its daily "
                                        "loss room is $50")
    with pytest.raises(Refused, match="Not sent to any member: PA-3 a stop at 8 ticks"):
        await desk.group(plan)
    assert placed(sim) == []
    from ctpanel.core.desk.groups import vetted

    offer = vetted(plan, desk.guards).send_words()
    assert offer == "Send to 2 of 3: PA-3: a stop at 8 ticks risks $100; its daily loss " \
                    "room is $50"
    report = await desk.group(vetted(plan, desk.guards).leaving_out(["PA-3"]))
    assert [(o.account, o.status.value) for o in report.outcomes] == \
        [("PA-1", "ok"), ("PA-2", "ok"), ("PA-3", "skipped")]
    assert sorted(r.raw_path.split("/")[4] for r in placed(sim)) == ["PA-1", "PA-2"]
    assert sim.state.position_of("PA-3", "ES").signed_quantity == 0


def test_the_room_reads_the_broker_limits_when_the_trader_set_none():
    from ctpanel.core.domain.account_risk import AccountFigures
    from ctpanel.core.risk.room import RiskRoom

    clock = FakeClock()
    room = RiskRoom(RiskBook(accounts={"PA-1": RiskRules(max_contracts=2.0)}), clock=clock)
    room.see_figures(AccountFigures("PA-1", -200.0, 0.0, 99_800.0, daily_loss_limit=500.0,
                                    read_at=clock.now))
    assert room.rooms("PA-1").daily == 300.0
    clock.now += 16
    assert room.rooms("PA-1") is None, "stale figures are unknown"
